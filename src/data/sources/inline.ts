import type { Row, Value } from '../../frame.js';
import type { InvalidCells } from '../invalid.js';
import { type DeclaredColumns, declaredReaders, jsonCell } from './cells.js';
import { fromBatches, type RowSource } from './rows.js';

/** How inline rows are read. */
export interface InlineOptions {
  /** Declared column types; other values keep their type (slash dates become ISO). */
  readonly columns?: DeclaredColumns | undefined;
  /** Counts the cells of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
}

/**
 * Rows given in the report. Every row gets every column (in first-seen order), missing cells
 * as null, so the first row names all the columns like a CSV header does. Values follow the
 * rules of JSON sources: declared columns through their readers, others as `jsonCell` reads them.
 */
export function inlineSource(
  rows: readonly Readonly<Record<string, Value>>[],
  opts: InlineOptions = {},
): RowSource {
  return fromBatches(async function* () {
    const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const readers = declaredReaders(opts.columns, opts.invalid);
    const out: Row[] = [];
    for (const r of rows) {
      const row: Row = Object.create(null);
      for (const name of names) {
        const v = Object.hasOwn(r, name) ? (r[name] ?? null) : null;
        const read = readers?.[name];
        row[name] = read === undefined ? jsonCell(v) : read(v);
      }
      out.push(row);
    }
    if (out.length > 0) yield out;
  });
}
