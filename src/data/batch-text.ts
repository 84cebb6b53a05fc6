import type { Value } from '../frame.js';
import type { BatchColumn, ValuesColumn } from './batch.js';
import { type IsoKeyUnit, isoKeyOfBytes } from './bucketer.js';

/**
 * A column of texts that rarely repeat (timestamps, ids) as a reader thread sends it: the UTF-8
 * bytes of its texts end to end, and the few cells that are no text. Moved between threads, the
 * bytes cost nothing; texts in an array would be copied one by one on both sides.
 */
export interface TextCellsData {
  readonly kind: 'text';
  /** The texts' bytes. */
  readonly bytes: Uint8Array;
  /**
   * Per row: where its bytes end (they start where the row before ends). A row without bytes is
   * null, or the value of its entry in `others`.
   */
  readonly ends: Int32Array;
  /** The rows whose cell is no text (a number, say), with their values. */
  readonly otherRows: readonly number[];
  readonly otherValues: readonly Value[];
}

type Slice = (this: Uint8Array, start: number, end: number) => string;
// Node's UTF-8 decoder behind `Buffer#toString('utf8', s, e)`, without its argument checks.
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: Slice }).utf8Slice;

/** The column of a batch that moved between threads (see `TextCellsData`). */
export function fromWire(col: BatchColumn | TextCellsData): BatchColumn {
  return col.kind === 'text' ? new TextColumn(col) : col;
}

/**
 * A `TextCellsData` as a column of values: the texts are decoded when a cell is asked for, all
 * of them when `values` is, and time-bucket keys are read from the bytes (`isoKeys`), so that a
 * query that only buckets the column decodes a text per day, not per row.
 */
export class TextColumn implements ValuesColumn {
  readonly kind = 'values';
  readonly length: number;
  /** The column as it was made, to move to another thread. */
  readonly data: TextCellsData;
  readonly #bytes: Buffer;
  readonly #ends: Int32Array;
  readonly #others: ReadonlyMap<number, Value>;
  #values: Value[] | undefined;

  constructor(data: TextCellsData) {
    this.data = data;
    const { bytes, ends } = data;
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#ends = ends;
    this.length = ends.length;
    this.#others = new Map(data.otherRows.map((row, i) => [row, data.otherValues[i] ?? null]));
  }

  /** Every cell, decoded once on first ask. */
  get values(): readonly Value[] {
    if (this.#values === undefined) {
      const values = new Array<Value>(this.length);
      for (let i = 0; i < values.length; i++) values[i] = this.cell(i);
      this.#values = values;
    }
    return this.#values;
  }

  /** The cell of row `i`. */
  cell(i: number): Value {
    if (this.#values !== undefined) return this.#values[i] ?? null;
    const s = i === 0 ? 0 : this.#ends[i - 1]!;
    const e = this.#ends[i]!;
    if (s === e) return this.#others.get(i) ?? null;
    return utf8Slice === undefined ? this.#bytes.toString('utf8', s, e) : utf8Slice.call(this.#bytes, s, e);
  }

  /** Per row: `isoKey(text, unit)`, or -1 for a cell without one (not a text, or not keyed). */
  isoKeys(unit: IsoKeyUnit, out: Float64Array): void {
    const bytes = this.#bytes;
    const ends = this.#ends;
    let s = 0;
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i]!;
      out[i] = s === e ? -1 : isoKeyOfBytes(bytes, s, e, unit);
      s = e;
    }
  }
}
