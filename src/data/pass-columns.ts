import { type Column, type Frame, type Row, TimeColumn, type Value } from '../frame.js';
import type { Query } from '../spec/schema.js';
import { isoTimeText } from '../time-text.js';
import type { BatchColumn } from './batch.js';
import { IsoTimeColumn } from './batch-time.js';
import type { BatchView } from './batch-view.js';
import type { Scratch } from './scratch.js';
import { compareValues, sortField } from './sort.js';

/**
 * Cells appended in row order and stored as `toColumn` stores them all at once: numbers (NaN
 * for null) in a growing Float64Array while every cell is a number or null, else an array. A
 * column whose every cell so far is null or a timestamp of a CSV file's time column
 * (`IsoTimeColumn`), all of one shape, keeps their numbers and is built a `TimeColumn`.
 */
class ColumnBuilder {
  #numbers: Float64Array | undefined = new Float64Array(256);
  #values: Value[] | undefined;
  #length = 0;
  #anyNumber = false;
  /** Once a timestamp is kept, and while the numbers are timestamps: the shape of their texts. */
  #shape: number | undefined;
  /** Rows, while stored as numbers, whose cell is the number NaN rather than null. */
  #nans: Set<number> | undefined;

  /** Appends the cells of `col` at rows `rows[0..count)`, or at rows `0..count)` without `rows`. */
  append(col: BatchColumn, rows: Int32Array | undefined, count: number): void {
    if (
      col instanceof IsoTimeColumn &&
      this.#numbers !== undefined &&
      !this.#anyNumber &&
      (this.#shape === undefined || this.#shape === col.shape)
    ) {
      const at = this.#length;
      this.#appendNumbers(col.ms, rows, count, true);
      // Times only once one is kept: empty cells are empty cells, whatever column they came in.
      const numbers = this.#numbers;
      for (let k = at; this.#shape === undefined && k < this.#length; k++)
        if (!Number.isNaN(numbers[k])) this.#shape = col.shape;
      return;
    }
    if (this.#shape !== undefined) this.#toValues();
    if (col.kind === 'number') {
      this.#appendNumbers(col.values, rows, count);
      return;
    }
    const at = (k: number) => (rows === undefined ? k : rows[k]!);
    let k = 0;
    if (col.kind === 'dict') {
      const { codes, dict } = col;
      k = this.#appendAsNumbers(count, (j) => dict[codes[at(j)]!] ?? null);
      const kept = this.#values;
      if (kept !== undefined) for (; k < count; k++) kept.push(dict[codes[at(k)]!] ?? null);
    } else {
      const { values } = col;
      k = this.#appendAsNumbers(count, (j) => values[at(j)] ?? null);
      const kept = this.#values;
      if (kept !== undefined) for (; k < count; k++) kept.push(values[at(k)] ?? null);
    }
    this.#length += count - k;
  }

  /** Appends one cell. */
  add(v: Value): void {
    if (this.#shape !== undefined && v !== null) this.#toValues();
    if (this.#appendAsNumbers(1, () => v) === 0) {
      this.#values!.push(v);
      this.#length++;
    }
  }

  /** The cell of a row. */
  cell(i: number): Value {
    if (this.#values !== undefined) return this.#values[i] ?? null;
    const v = this.#numbers![i]!;
    if (this.#shape !== undefined) return Number.isNaN(v) ? null : isoTimeText(v, this.#shape);
    if (!Number.isNaN(v)) return v;
    return this.#nans?.has(i) === true ? v : null;
  }

  /** The column, its rows in `order` when given. */
  build(order?: readonly number[]): Column {
    const n = this.#length;
    const values = this.#values;
    if (values !== undefined) return order === undefined ? values : order.map((i) => values[i] ?? null);
    const shape = this.#shape;
    // No number at all: nothing says the column is numeric.
    if (!this.#anyNumber && shape === undefined) return new Array<Value>(n).fill(null);
    const numbers = this.#numbers!;
    let out: Float64Array;
    if (order === undefined) out = numbers.slice(0, n);
    else {
      out = new Float64Array(n);
      for (let k = 0; k < n; k++) out[k] = numbers[order[k]!]!;
    }
    return shape === undefined ? out : new TimeColumn(out, shape);
  }

  /** Appends numbers (NaN: null), or the numbers of timestamps (`times`), which are no number. */
  #appendNumbers(values: Float64Array, rows: Int32Array | undefined, count: number, times = false): void {
    const out = this.#numbers;
    const at = this.#length;
    if (out === undefined) {
      const kept = this.#values!;
      for (let k = 0; k < count; k++) {
        const v = values[rows === undefined ? k : rows[k]!]!;
        kept.push(Number.isNaN(v) ? null : v);
      }
    } else {
      const room = this.#reserve(count);
      if (rows === undefined) room.set(values.subarray(0, count), at);
      else for (let k = 0; k < count; k++) room[at + k] = values[rows[k]!]!;
      if (!this.#anyNumber && !times) {
        for (let k = 0; k < count; k++) {
          if (!Number.isNaN(room[at + k]!)) {
            this.#anyNumber = true;
            break;
          }
        }
      }
    }
    this.#length += count;
  }

  /**
   * Appends cells while stored as numbers, up to the first that is neither a number nor null
   * (then switches to values); how many were appended.
   */
  #appendAsNumbers(count: number, cellAt: (k: number) => Value): number {
    let k = 0;
    if (this.#numbers !== undefined) {
      const room = this.#reserve(count);
      for (; k < count; k++) {
        const v = cellAt(k);
        if (v === null) room[this.#length++] = Number.NaN;
        else if (typeof v === 'number') {
          if (Number.isNaN(v)) {
            this.#nans ??= new Set();
            this.#nans.add(this.#length);
          }
          room[this.#length++] = v;
          this.#anyNumber = true;
        } else break;
      }
      if (k < count) this.#toValues();
    }
    return k;
  }

  /** The numbers with room for `count` more. */
  #reserve(count: number): Float64Array {
    let out = this.#numbers!;
    const need = this.#length + count;
    if (need > out.length) {
      const grown = new Float64Array(Math.max(need, out.length * 2));
      grown.set(out.subarray(0, this.#length));
      out = grown;
      this.#numbers = grown;
    }
    return out;
  }

  /**
   * Switches to an array of values, once a cell is neither a number nor null (nor, while the
   * numbers are timestamps, a timestamp of their shape).
   */
  #toValues(): void {
    const numbers = this.#numbers!;
    const n = this.#length;
    const values = new Array<Value>(n);
    const shape = this.#shape;
    for (let i = 0; i < n; i++) {
      const v = numbers[i]!;
      values[i] = Number.isNaN(v) ? null : shape === undefined ? v : isoTimeText(v, shape);
    }
    this.#shape = undefined;
    for (const i of this.#nans ?? []) values[i] = Number.NaN;
    this.#values = values;
    this.#numbers = undefined;
    this.#nans = undefined;
  }
}

/** What one batch did to the rows kept. */
export interface PassedBatch {
  /** Rows that passed the filters, up to and including `failedAt`. */
  readonly passed: number;
  /** The row that would have kept more than `max` rows, or -1. */
  readonly failedAt: number;
}

/**
 * The rows of a query without groupBy or aggregate, kept column by column: the passing rows of
 * each batch appended to one builder per column, sorted by a permutation at the end. The same
 * result as `PassThrough` (same limits, same failure, same column storage) with no row object.
 * Queries that are both sorted and limited keep a heap of rows instead (`PassThrough`).
 */
export class PassColumns {
  /** A builder per column of the dataset, in order. */
  readonly #columns = new Map<string, ColumnBuilder>();
  readonly #limit: number;
  readonly #max: number;
  readonly #sort: readonly { field: string; desc: boolean }[];
  #length = 0;

  /** Whether a query's rows may be kept this way: not both sorted and limited. */
  static fits(query: Query): boolean {
    return (query.sort ?? []).length === 0 || query.limit === undefined;
  }

  /** Keeps the rows over `columns` (the dataset's), up to `max` of them. */
  constructor(query: Query, columns: readonly string[], max: number) {
    for (const name of columns) this.#columns.set(name, new ColumnBuilder());
    this.#limit = query.limit ?? Number.POSITIVE_INFINITY;
    this.#max = max;
    this.#sort = (query.sort ?? []).map(sortField);
  }

  /** Rows kept. */
  get size(): number {
    return this.#length;
  }

  /** Keeps a row if it may be in the result; false when that would keep more than `max` rows. */
  push(row: Row): boolean {
    // Without a sort, rows past the limit can never be in the result.
    if (this.#length >= this.#limit) return true;
    if (this.#length >= this.#max) return false;
    for (const [name, col] of this.#columns) col.add(row[name] ?? null);
    this.#length++;
    return true;
  }

  /**
   * Keeps the rows of a batch that pass `mask` (every row without one), as `push` would one by
   * one, stopping at the row that would keep more than `max` rows. Every column of the dataset
   * must be sound in the view (`view.has`).
   */
  pushBatch(view: BatchView, mask: Uint8Array | undefined, scratch: Scratch): PassedBatch {
    const n = view.length;
    const rows = scratch.int32('kept', n);
    const room = this.#limit - this.#length;
    const space = this.#max - this.#length;
    let count = 0;
    let passed = 0;
    for (let i = 0; i < n; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      passed++;
      if (count >= room) continue;
      if (count >= space) return { passed, failedAt: i };
      rows[count++] = i;
    }
    const all = count === n ? undefined : rows;
    for (const [name, col] of this.#columns) col.append(view.column(name), all, count);
    this.#length += count;
    return { passed, failedAt: -1 };
  }

  /** The result over `columns` (the dataset's, in order), sorted; a column not kept is all null. */
  frame(columns: readonly string[]): Frame {
    const n = this.#length;
    const order = this.#order();
    const out: Record<string, Column> = Object.create(null);
    for (const name of columns)
      out[name] = this.#columns.get(name)?.build(order) ?? new Array<Value>(n).fill(null);
    return { fields: columns, columns: out, length: n };
  }

  /** The rows in sort order (ties in row order), or undefined without a sort. */
  #order(): number[] | undefined {
    if (this.#sort.length === 0) return undefined;
    const n = this.#length;
    const keys = this.#sort.map(({ field, desc }) => {
      const col = this.#columns.get(field);
      const cells = new Array<Value>(n);
      for (let i = 0; i < n; i++) cells[i] = col === undefined ? null : col.cell(i);
      return { cells, desc };
    });
    const order = Array.from({ length: n }, (_, i) => i);
    // The comparisons `rowComparator` makes of the rows, in a stable sort of the same length:
    // the same order, ties included.
    return order.sort((a, b) => {
      for (const { cells, desc } of keys) {
        const c = compareValues(cells[a] ?? null, cells[b] ?? null, desc);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
}
