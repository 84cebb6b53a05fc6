import type { Value } from '../frame.js';
import type { BatchColumn, ColumnBatch, ValuesColumn } from './batch.js';
import { isoTimeText } from './iso-time.js';

/**
 * A column of ISO timestamp texts of one shape, held as numbers (see `iso-time.ts`): a column
 * of values whose texts are made when first asked for, all at once (`values`) or one by one
 * (`cell`). The scan's time buckets read the numbers and make no text.
 */
export class IsoTimeColumn implements ValuesColumn {
  readonly kind = 'values';
  /** Per row: the number of its text, NaN for an empty cell (null). */
  readonly ms: Float64Array;
  /** The texts' shape (`SHAPE_*` bits). */
  readonly shape: number;
  #values: Value[] | undefined;

  constructor(ms: Float64Array, shape: number) {
    this.ms = ms;
    this.shape = shape;
  }

  /** The cells, made on first ask. */
  get values(): readonly Value[] {
    if (this.#values === undefined) {
      const { ms, shape } = this;
      const values = new Array<Value>(ms.length);
      for (let i = 0; i < ms.length; i++) {
        const t = ms[i]!;
        values[i] = !Number.isNaN(t) ? isoTimeText(t, shape) : null;
      }
      this.#values = values;
    }
    return this.#values;
  }

  /** Whether the texts have been made (`values` asked for). */
  get made(): boolean {
    return this.#values !== undefined;
  }

  /** The cell of a row. */
  cell(i: number): Value {
    if (this.#values !== undefined) return this.#values[i] ?? null;
    const t = this.ms[i]!;
    return !Number.isNaN(t) ? isoTimeText(t, this.shape) : null;
  }
}

/** What a reader thread posts for an `IsoTimeColumn`: its fields, without its class. */
interface PostedTimes {
  readonly kind: 'values';
  readonly ms: Float64Array;
  readonly shape: number;
}

/** The column posted by a thread, an `IsoTimeColumn` again when it was one. */
function revive(col: BatchColumn | PostedTimes): BatchColumn {
  return 'ms' in col && col.ms instanceof Float64Array && !('values' in col)
    ? new IsoTimeColumn(col.ms, col.shape)
    : (col as BatchColumn);
}

/** A batch posted by a reader thread, with its time columns made `IsoTimeColumn`s again. */
export function reviveBatch(batch: ColumnBatch): ColumnBatch {
  const columns = batch.columns as readonly (BatchColumn | PostedTimes)[];
  if (!columns.some((c) => 'ms' in c)) return batch;
  const revived = { length: batch.length, names: batch.names, columns: columns.map(revive) };
  return batch.checked === undefined ? revived : { ...revived, checked: batch.checked };
}
