import type { Row, Value } from '../frame.js';
import { fromBatches, type RowSource } from './rows.js';

/**
 * Rows given in the report. Every row gets every column (in first-seen order), missing cells
 * as null, so the first row names all the columns like a CSV header does.
 */
export function inlineSource(rows: readonly Readonly<Record<string, Value>>[]): RowSource {
  return fromBatches(async function* () {
    const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const out: Row[] = [];
    for (const r of rows) {
      const row: Row = Object.create(null);
      for (const name of names) row[name] = Object.hasOwn(r, name) ? (r[name] ?? null) : null;
      out.push(row);
    }
    if (out.length > 0) yield out;
  });
}
