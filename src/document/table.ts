import { formatNumber } from '../chart/format.js';
import { dropForbiddenXmlChars } from '../chart/xml-chars.js';
import { cell, columnValues, type Value } from '../data/frame.js';
import type { TableData } from './model.js';

/** Largest number of rows a table shows; the rest is summarised in a last line. Defaults to 500. */
export const MAX_TABLE_ROWS = 500;

/** The line a table without rows shows under its header (or alone, when it has no columns). */
export const NO_ROWS = 'No rows';

/** A table as text, ready for any writer. */
export interface TableText {
  readonly headers: readonly string[];
  /** Numbers are right-aligned. */
  readonly align: readonly ('left' | 'right')[];
  readonly rows: readonly (readonly string[])[];
  /** How many rows were left out (over MAX_TABLE_ROWS). */
  readonly omitted: number;
  /** Whether the table has no rows: writers show `NO_ROWS`, and no table when it has no columns. */
  readonly empty: boolean;
}

/** Formats a table's cells: the chosen columns, numbers with their format, nulls as a dash. */
export function tableText(data: TableData, maxRows = MAX_TABLE_ROWS): TableText {
  const { frame, table } = data;
  const columns = (table.columns ?? frame.fields).map((c) =>
    typeof c === 'string'
      ? { field: c, title: c, format: undefined }
      : { field: c.field, title: c.title ?? c.field, format: c.format },
  );
  const shown = Math.min(frame.length, maxRows);
  const align = columns.map((c) => {
    const col = columnValues(frame.columns[c.field], frame.length);
    return col.some((v) => typeof v === 'number') && col.every((v) => v === null || typeof v === 'number')
      ? 'right'
      : 'left';
  });
  const rows: string[][] = [];
  for (let i = 0; i < shown; i++) {
    rows.push(columns.map((c) => cellText(cell(frame.columns[c.field], i), c.format)));
  }
  return {
    headers: columns.map((c) => dropForbiddenXmlChars(c.title)),
    align,
    rows,
    omitted: frame.length - shown,
    empty: frame.length === 0,
  };
}

function cellText(v: Value, format: string | undefined): string {
  if (v === null) return '–';
  if (typeof v === 'number') return formatNumber(v, format);
  // Control characters from the data would show as boxes (and make HTML invalid).
  return dropForbiddenXmlChars(String(v));
}
