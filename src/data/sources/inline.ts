import type { Row, Value } from '../frame.js';

/**
 * Rows given in the report. Every row gets every column (in first-seen order), missing cells
 * as null, so the first row names all the columns like a CSV header does.
 */
export function inlineSource(rows: readonly Readonly<Record<string, Value>>[]): AsyncIterable<Row> {
  return {
    async *[Symbol.asyncIterator]() {
      const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      for (const r of rows) {
        const row: Row = Object.create(null);
        for (const name of names) row[name] = Object.hasOwn(r, name) ? (r[name] ?? null) : null;
        yield row;
      }
    },
  };
}
