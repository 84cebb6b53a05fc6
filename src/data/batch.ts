import type { Row, Value } from '../frame.js';
import { IsoTimeColumn } from './batch-time.js';

/**
 * Rows of a dataset held column by column, as a columnar source (CSV) reads them: the scan runs
 * its queries over the columns, touching each distinct text once, and builds row objects only
 * for the queries that need them.
 */

/** Every cell of the column is a number or null: NaN stands for null. */
export interface NumberColumn {
  readonly kind: 'number';
  readonly values: Float64Array;
}

/**
 * Cells that repeat (names, categories, dates): each row holds a code, an index into `dict`,
 * where each distinct value appears once. `dict` may hold any value, null included.
 */
export interface DictColumn {
  readonly kind: 'dict';
  readonly codes: Int32Array;
  readonly dict: readonly Value[];
}

/** Any other column: one value per row. */
export interface ValuesColumn {
  readonly kind: 'values';
  readonly values: readonly Value[];
}

export type BatchColumn = NumberColumn | DictColumn | ValuesColumn;

/**
 * A batch of rows, column by column: `columns[i]` holds the cells of column `names[i]`, each of
 * `length` cells. The cells are the same values the row path gives (`Value`: dates as ISO text,
 * as the source reads them), whatever the storage.
 */
export interface ColumnBatch {
  readonly length: number;
  readonly names: readonly string[];
  readonly columns: readonly BatchColumn[];
  /**
   * Per column, when its source knows (the CSV reader): true for a number column of finite
   * numbers only, and for a dictionary column whose codes all name entries, which a scan then
   * does not check again.
   */
  readonly checked?: readonly boolean[];
}

/** The cell of a batch column at a row. */
export function batchCell(col: BatchColumn, i: number): Value {
  switch (col.kind) {
    case 'number': {
      const v = col.values[i]!;
      return Number.isNaN(v) ? null : v;
    }
    case 'dict':
      return col.dict[col.codes[i]!] ?? null;
    case 'values':
      return col instanceof IsoTimeColumn ? col.cell(i) : (col.values[i] ?? null);
  }
}

/** The rows of a batch as plain objects, in order. */
export function batchRows(batch: ColumnBatch): Row[] {
  const { names, columns, length } = batch;
  const rows = new Array<Row>(length);
  for (let i = 0; i < length; i++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = batchCell(columns[c]!, i);
    rows[i] = row;
  }
  return rows;
}

/**
 * Rows as a batch (every row has the columns of `names`; a missing cell is null): numbers in a
 * number column when every non-null cell is one, strings and booleans in a dictionary.
 */
export function batchFromRows(rows: readonly Row[], names: readonly string[]): ColumnBatch {
  const columns = names.map((name): BatchColumn => {
    const cells = rows.map((r) => r[name] ?? null);
    if (cells.every((v) => v === null || typeof v === 'number')) {
      return { kind: 'number', values: Float64Array.from(cells, (v) => (v === null ? Number.NaN : v)) };
    }
    const index = new Map<Value, number>();
    const codes = Int32Array.from(cells, (v) => {
      let code = index.get(v);
      if (code === undefined) {
        code = index.size;
        index.set(v, code);
      }
      return code;
    });
    return { kind: 'dict', codes, dict: [...index.keys()] };
  });
  return { length: rows.length, names, columns };
}
