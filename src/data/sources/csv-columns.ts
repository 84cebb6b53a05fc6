import type { Value } from '../../frame.js';
import { isoTimeText } from '../../time-text.js';
import type { BatchColumn } from '../batch.js';
import { IsoTimeColumn } from '../batch-time.js';
import { type CellReader, inferCell, inferText } from './cells.js';
import { ByteDict, hashBytes } from './csv-dict.js';
import { leadingZero, NOT_NUMBER, numberFromBytes, plainNumber, UNSURE } from './csv-number.js';
import { timeFromBytes, timeShape } from './csv-time.js';

/**
 * One CSV column of a batch, built from the bytes of its cells. A column starts as numbers
 * (`Float64Array`, NaN for empty cells); the first cell that is not a number turns it into a
 * dictionary (codes into its distinct values) or, when the batch has too many distinct
 * values, into plain values, keeping the cells read before. A column of inferred cells whose
 * first cell is an ISO timestamp is read as times (`IsoTimeColumn`) while every cell has its
 * shape. Cells have the values `inferCell` or the declared reader gives their text.
 */

/** How a column's cells read: inferred, a declared number, or another declared type. */
export type CellRule = 'infer' | 'number' | 'read';

/**
 * Where the cells of a block of records are: the cell of record `k` in column `c` is the
 * bytes `[starts[i], ends[i])` of the buffer scanned, `i = k * step + c`, or, when the start
 * is negative, the bytes `[-1 - start, end)` of the scratch buffer.
 */
export class CellBlock {
  buf: Buffer;
  scratch: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Cells per record. */
  readonly step: number;

  constructor(buf: Buffer, scratch: Buffer, starts: Int32Array, ends: Int32Array, step: number) {
    this.buf = buf;
    this.scratch = scratch;
    this.starts = starts;
    this.ends = ends;
    this.step = step;
  }
}

const NUMBERS = 0;
const DICT = 1;
const VALUES = 2;
const TIMES = 3;

/** Batches a column stays plain values after one with too many distinct values, at first. */
const SPREAD_BATCHES = 4;
/** ...and at most, however often it happens. */
const MAX_SPREAD = 64;
/** Distinct values in a batch after which a dictionary must have 10% repeats. */
const SPARSE_AFTER = 2048;
/** Most distinct values in a batch's dictionary (or half the batch, when smaller). */
const MAX_DICT = 65_536;

// An empty number cell, a module constant (see `NOT_A_TIME` in csv-time.ts).
const EMPTY = Number.NaN;
const NO_NUMBERS = new Float64Array(0);
const NO_CODES = new Int32Array(0);

type Slice = (this: Buffer, start: number, end: number) => string;
// Node's UTF-8 decoder behind `toString('utf8', s, e)`, without its argument checks: a third of
// the time of decoding a short cell.
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: Slice }).utf8Slice;
const decode: (b: Buffer, s: number, e: number) => string =
  typeof utf8Slice === 'function'
    ? (b, s, e) => utf8Slice.call(b, s, e)
    : (b, s, e) => b.toString('utf8', s, e);

export class ColumnBuilder {
  readonly #rule: CellRule;
  readonly #read: CellReader | undefined;
  readonly #recounts: boolean;
  #mode = NUMBERS;
  #numbers = NO_NUMBERS;
  // The batch's numbers have a NaN (an empty cell, or one a declared reader did not read).
  #gaps = false;
  // The shape of the batch's timestamps, in mode TIMES (whose numbers are in #numbers).
  #shape = 0;
  #codes = NO_CODES;
  #values: Value[] = [];
  #bound = 0;
  readonly #dict = new ByteDict();
  // Batches left to read as plain values after a batch with too many distinct values, and
  // how many the next such batch sets (doubling while it happens again).
  #spread = 0;
  #spreadNext = SPREAD_BATCHES;

  /**
   * `read`: the declared reader (for `number` and `read`). `recounts`: the reader counts the
   * cells it cannot read (a declared date), so each occurrence of such a cell goes through it.
   */
  constructor(rule: CellRule, read?: CellReader, recounts = false) {
    this.#rule = rule;
    this.#read = read;
    this.#recounts = recounts;
  }

  /** Starts a batch of at most `capacity` rows. */
  start(capacity: number): void {
    this.#bound = Math.max(1, Math.min(capacity >> 1, MAX_DICT));
    if (this.#spread > 0) this.#spread--;
    this.#dict.startBatch();
    this.#gaps = false;
    this.#values = [];
    this.#codes = NO_CODES;
    this.#numbers = NO_NUMBERS;
    if (this.#rule !== 'read') {
      this.#mode = NUMBERS;
      this.#numbers = new Float64Array(capacity);
    } else if (this.#spread > 0) {
      this.#mode = VALUES;
    } else {
      this.#mode = DICT;
      this.#codes = new Int32Array(capacity);
    }
  }

  /** Adds the cells of column `at` in the first `count` records of a block, as the rows from `row` on. */
  addCells(block: CellBlock, at: number, count: number, row: number): void {
    let k = 0;
    while (k < count) {
      if (this.#mode === NUMBERS) k = this.#addNumbers(block, at, k, count, row);
      else if (this.#mode === TIMES) k = this.#addTimes(block, at, k, count, row);
      else if (this.#mode === DICT) k = this.#addCodes(block, at, k, count, row);
      else k = this.#addValues(block, at, k, count);
    }
  }

  /**
   * The batch's column holds what `BatchView` would otherwise check: for numbers, finite
   * numbers only (no empty cell); a dictionary's codes always name its entries.
   */
  get checked(): boolean {
    return this.#mode === NUMBERS ? !this.#gaps : this.#mode === DICT;
  }

  /** The column of the batch's first `length` rows. */
  finish(length: number): BatchColumn {
    switch (this.#mode) {
      case NUMBERS: {
        const values = this.#numbers;
        return { kind: 'number', values: length < values.length ? values.subarray(0, length) : values };
      }
      case TIMES: {
        const ms = this.#numbers;
        return new IsoTimeColumn(length < ms.length ? ms.subarray(0, length) : ms, this.#shape);
      }
      case DICT: {
        const codes = this.#codes;
        const dict = this.#dict.batch;
        return { kind: 'dict', codes: length < codes.length ? codes.subarray(0, length) : codes, dict };
      }
      default:
        return { kind: 'values', values: this.#values };
    }
  }

  // Each #add* reads cells from k until the last or until the column changes mode; it returns
  // the next cell to read.

  #addNumbers(block: CellBlock, at: number, k: number, count: number, row: number): number {
    const numbers = this.#numbers;
    const infer = this.#rule === 'infer';
    const { starts, ends, step } = block;
    for (; k < count; k++) {
      let s = starts[at + k * step]!;
      const e = ends[at + k * step]!;
      let b = block.buf;
      if (s < 0) {
        b = block.scratch;
        s = -1 - s;
      }
      if (s === e) {
        numbers[row + k] = EMPTY;
        this.#gaps = true;
        continue;
      }
      const plain = plainNumber(b, s, e);
      if (!Number.isNaN(plain)) {
        numbers[row + k] = plain;
        continue;
      }
      if (!infer) {
        const n = numberFromBytes(b, s, e);
        const read = n !== NOT_NUMBER && n !== UNSURE ? n : this.#readNumber(b, s, e);
        if (Number.isNaN(read)) this.#gaps = true;
        numbers[row + k] = read;
        continue;
      }
      const c = b[s]!;
      if ((c >= 48 && c <= 57) || c === 45 || c === 46 || c === 43) {
        const n = numberFromBytes(b, s, e);
        if (n !== NOT_NUMBER && n !== UNSURE && !leadingZero(b, s, e)) {
          numbers[row + k] = n;
          continue;
        }
        const shape = row + k === 0 ? timeShape(b, s, e) : -1;
        if (shape >= 0) {
          numbers[0] = timeFromBytes(b, s, e, shape);
          this.#shape = shape;
          this.#mode = TIMES;
          return k + 1;
        }
      }
      const v = this.#value(b, s, e);
      if (typeof v === 'number') {
        numbers[row + k] = v;
        continue;
      }
      this.#leaveNumbers(row + k);
      if (this.#mode === VALUES) this.#values.push(v);
      else {
        const h = hashBytes(b, s, e);
        this.#addCode(b, s, e, row + k, h, this.#dict.find(b, s, e, h), v);
      }
      return k + 1;
    }
    return k;
  }

  #addTimes(block: CellBlock, at: number, k: number, count: number, row: number): number {
    const ms = this.#numbers;
    const shape = this.#shape;
    const { starts, ends, step } = block;
    for (; k < count; k++) {
      let s = starts[at + k * step]!;
      const e = ends[at + k * step]!;
      let b = block.buf;
      if (s < 0) {
        b = block.scratch;
        s = -1 - s;
      }
      if (s === e) {
        ms[row + k] = EMPTY;
        continue;
      }
      const t = timeFromBytes(b, s, e, shape);
      if (Number.isNaN(t)) {
        // Another cell: the times read so far become texts, and this cell is read as a value.
        this.#leaveTimes(row + k);
        return k;
      }
      ms[row + k] = t;
    }
    return k;
  }

  #addCodes(block: CellBlock, at: number, k: number, count: number, row: number): number {
    const { starts, ends, step } = block;
    const dict = this.#dict;
    const codes = this.#codes;
    for (; k < count; k++) {
      let s = starts[at + k * step]!;
      const e = ends[at + k * step]!;
      let b = block.buf;
      if (s < 0) {
        b = block.scratch;
        s = -1 - s;
      }
      // A cell seen before, whose value has a code in this batch: the common case.
      const h = hashBytes(b, s, e);
      const entry = dict.find(b, s, e, h);
      if (entry >= 0 && !dict.again(entry)) {
        const distinct = dict.batch.length;
        const code = dict.code(entry);
        if (dict.batch.length === distinct) {
          codes[row + k] = code;
          continue;
        }
      }
      if (!this.#addCode(b, s, e, row + k, h, entry)) return k + 1;
    }
    return k;
  }

  #addValues(block: CellBlock, at: number, k: number, count: number): number {
    const { starts, ends, step } = block;
    const values = this.#values;
    for (; k < count; k++) {
      let s = starts[at + k * step]!;
      const e = ends[at + k * step]!;
      let b = block.buf;
      if (s < 0) {
        b = block.scratch;
        s = -1 - s;
      }
      values.push(this.#value(b, s, e));
    }
    return k;
  }

  /**
   * Adds a cell by its bytes, with their hash and entry (-1 when new) and `known`, its value
   * when already read; false when that made the column plain values (too many distinct
   * values for a dictionary).
   */
  #addCode(b: Buffer, s: number, e: number, row: number, h: number, entry: number, known?: Value): boolean {
    const dict = this.#dict;
    let k = entry;
    if (k < 0) {
      const v = known === undefined ? this.#value(b, s, e) : known;
      const again = this.#recounts && v === null && decode(b, s, e).trim() !== '';
      k = dict.add(b, s, e, h, v, again);
    } else if (dict.again(k)) {
      this.#read!(decode(b, s, e));
    }
    const code = dict.code(k);
    // Nine cells in ten new after a while: unique values (ids, timestamps) are kept as they
    // are, without waiting for the bound.
    const distinct = dict.batch.length;
    if (distinct <= this.#bound && (distinct <= SPARSE_AFTER || 10 * distinct < 9 * (row + 1))) {
      this.#codes[row] = code;
      return true;
    }
    const values = this.#values;
    const codes = this.#codes;
    for (let r = 0; r < row; r++) values.push(dict.batch[codes[r]!]!);
    values.push(dict.batch[code]!);
    this.#mode = VALUES;
    this.#codes = NO_CODES;
    this.#spread = this.#spreadNext;
    this.#spreadNext = Math.min(2 * this.#spreadNext, MAX_SPREAD);
    return false;
  }

  /** Turns the times of the rows before `row` into texts, the column into plain values. */
  #leaveTimes(row: number): void {
    const ms = this.#numbers;
    this.#numbers = NO_NUMBERS;
    this.#mode = VALUES;
    const values = this.#values;
    for (let r = 0; r < row; r++) {
      const t = ms[r]!;
      values.push(!Number.isNaN(t) ? isoTimeText(t, this.#shape) : null);
    }
  }

  /** Turns the numbers read so far into a dictionary, or plain values when there may be too many. */
  #leaveNumbers(row: number): void {
    const numbers = this.#numbers;
    this.#numbers = NO_NUMBERS;
    if (this.#spread > 0 || row >= this.#bound) {
      this.#mode = VALUES;
      const values = this.#values;
      for (let r = 0; r < row; r++) {
        const n = numbers[r]!;
        values.push(Number.isNaN(n) ? null : n);
      }
      return;
    }
    this.#mode = DICT;
    const codes = new Int32Array(numbers.length);
    for (let r = 0; r < row; r++) {
      const n = numbers[r]!;
      codes[r] = this.#dict.codeOf(Number.isNaN(n) ? null : n);
    }
    this.#codes = codes;
  }

  /** The value of the cell with bytes `b[s..e)`. */
  #value(b: Buffer, s: number, e: number): Value {
    if (s === e) return null;
    if (this.#rule === 'read') return this.#read!(decode(b, s, e));
    if (this.#rule === 'number') {
      const n = numberFromBytes(b, s, e);
      return n !== NOT_NUMBER && n !== UNSURE ? n : this.#read!(decode(b, s, e));
    }
    // As `inferCell`, which only cells starting like a number get past.
    const c = b[s]!;
    if (c > 57 || (c < 48 && c !== 43 && c !== 45 && c !== 46 && c !== 32)) return decode(b, s, e);
    const n = numberFromBytes(b, s, e);
    if (n === NOT_NUMBER) return inferText(decode(b, s, e));
    if (n === UNSURE) return inferCell(decode(b, s, e));
    return leadingZero(b, s, e) ? decode(b, s, e) : n;
  }

  #readNumber(b: Buffer, s: number, e: number): number {
    const v = this.#read!(decode(b, s, e));
    return typeof v === 'number' ? v : Number.NaN;
  }
}
