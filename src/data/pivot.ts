import type { Value } from '../frame.js';

/** A pivoted table: its column names and rows. */
export interface Pivoted {
  readonly fields: string[];
  readonly tuples: Value[][];
}

/** The column name a pivoted value gets: its text, with null as "(none)". */
export const pivotName = (v: Value): string => (v === null ? '(none)' : String(v));

/**
 * Turns the distinct values of column `on` (in first-seen order) into columns filled from
 * column `value`; every other column stays and identifies a row (rows in first-seen order).
 * A (row, column) pair without a value is null; values whose names are equal (1 and "1") share
 * a column, the last one read winning. Returns a message instead when a new column's name is
 * already taken by a kept column.
 */
export function pivotTuples(
  fields: readonly string[],
  tuples: readonly Value[][],
  on: number,
  value: number,
): Pivoted | string {
  const kept = fields.map((_, i) => i).filter((i) => i !== on && i !== value);
  const keptNames = new Set(kept.map((i) => fields[i]!));
  const columns = new Map<string, number>();
  const rows = new Map<string, Value[]>();
  for (const t of tuples) {
    const name = pivotName(t[on] ?? null);
    let col = columns.get(name);
    if (col === undefined) {
      if (keptNames.has(name)) {
        return `the value ${JSON.stringify(name)} of column "${fields[on]}" would become a column, but "${name}" is already one; rename it with groupBy "as"`;
      }
      col = kept.length + columns.size;
      columns.set(name, col);
    }
    const keys = kept.map((i) => t[i] ?? null);
    const id = JSON.stringify(keys);
    let row = rows.get(id);
    if (row === undefined) {
      row = keys;
      rows.set(id, row);
    }
    row[col] = t[value] ?? null;
  }
  const width = kept.length + columns.size;
  const out = [...rows.values()];
  for (const row of out) for (let i = kept.length; i < width; i++) row[i] ??= null;
  return { fields: [...kept.map((i) => fields[i]!), ...columns.keys()], tuples: out };
}
