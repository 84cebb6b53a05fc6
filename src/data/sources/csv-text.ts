import type { Value } from '../../frame.js';
import type { TextCellsData } from '../batch-text.js';

/** Bytes a batch's texts start with room for: 64 KiB, doubled as needed. */
const FIRST_BYTES = 1 << 16;

/**
 * Builds the `TextCellsData` of a batch, a row at a time in row order: the bytes of a cell whose
 * value is its own text, or a value (a text is written as its UTF-8 bytes, anything else is
 * kept aside). Each batch gets buffers of its own, so that they can be moved to another thread.
 */
export class TextCellsBuilder {
  #bytes = Buffer.allocUnsafeSlow(0);
  #used = 0;
  #ends = new Int32Array(0);
  #rows = 0;
  #otherRows: number[] = [];
  #otherValues: Value[] = [];

  /** Starts a batch of at most `capacity` rows. */
  start(capacity: number): void {
    this.#bytes = Buffer.allocUnsafeSlow(FIRST_BYTES);
    this.#used = 0;
    this.#ends = new Int32Array(capacity);
    this.#rows = 0;
    this.#otherRows = [];
    this.#otherValues = [];
  }

  /** Rows added in this batch. */
  get rows(): number {
    return this.#rows;
  }

  /** Adds a row whose cell is the text of the bytes `b[s..e)` (not empty). */
  addBytes(b: Buffer, s: number, e: number): void {
    let used = this.#used;
    if (used + (e - s) > this.#bytes.length) this.#grow(e - s);
    // A few bytes: a loop costs less than Buffer#copy's checks.
    const bytes = this.#bytes;
    for (let i = s; i < e; i++) bytes[used++] = b[i]!;
    this.#used = used;
    this.#ends[this.#rows++] = used;
  }

  /** Adds a row with the value `v`. */
  addValue(v: Value): void {
    if (typeof v === 'string' && v !== '') {
      const length = Buffer.byteLength(v);
      if (this.#used + length > this.#bytes.length) this.#grow(length);
      this.#used += this.#bytes.write(v, this.#used);
    } else if (v !== null) {
      this.#otherRows.push(this.#rows);
      this.#otherValues.push(v);
    }
    this.#ends[this.#rows++] = this.#used;
  }

  /** The batch's first `length` rows. */
  finish(length: number): TextCellsData {
    return {
      kind: 'text',
      bytes: new Uint8Array(this.#bytes.buffer, this.#bytes.byteOffset, this.#used),
      ends: length < this.#ends.length ? this.#ends.subarray(0, length) : this.#ends,
      otherRows: this.#otherRows,
      otherValues: this.#otherValues,
    };
  }

  #grow(more: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.#bytes.length, this.#used + more, FIRST_BYTES));
    this.#bytes.copy(bigger, 0, 0, this.#used);
    this.#bytes = bigger;
  }
}
