import type { Row, Value } from '../frame.js';
import type { Aggregate, AggregateOp } from '../spec/schema.js';
import { CountDistinct, Quantile, ValueBudget } from './holistic.js';

/** Folds the rows of one group into one value. */
export interface Accumulator {
  /** Adds a row; `seq` is its position in the scan (for first and last). */
  add(row: Row, seq: number): void;
  /** Adds a row by the cell of the column it reads (any cell, for a count of rows). */
  addValue(v: Value, seq: number): void;
  /** Folds in another accumulator of the same aggregate, as if its rows had been added. */
  merge(other: Accumulator): void;
  result(): Value;
}

/** Makes a fresh accumulator for each group. */
export type AccumulatorFactory = () => Accumulator;

/**
 * The accumulator for an aggregate:
 * - `count` without a field counts rows; with a field, counts non-null cells.
 * - `sum`, `avg`, `median`, `p90` use finite numbers only (nulls, strings and booleans are
 *   skipped; the query counts and reports them). The sum of no numbers is 0; the others are null.
 * - `min`, `max` use numbers when the group has any; otherwise they compare strings (so ISO
 *   dates work); null when the group has neither.
 * - `countDistinct` counts distinct non-null values; `first` and `last` are the first and last
 *   non-null values in scan order.
 * `countDistinct`, `median` and `p90` are exact and keep values (see `holistic.ts`), counted in
 * `budget`.
 */
export function accumulator(agg: Aggregate, budget = new ValueBudget()): AccumulatorFactory {
  const field = agg.field;
  if (agg.op === 'count') {
    return field === undefined ? () => new CountRows() : () => new CountValues(field);
  }
  // A missing field is reported by the query; counting keeps the output well-formed meanwhile.
  if (field === undefined) return () => new CountRows();
  const make = factories[agg.op];
  return () => make(field, budget);
}

const factories: Record<
  Exclude<AggregateOp, 'count'>,
  (field: string, budget: ValueBudget) => Accumulator
> = {
  countDistinct: (f, b) => new CountDistinct(f, b),
  sum: (f) => new Sum(f),
  avg: (f) => new Avg(f),
  min: (f) => new Extreme(f, -1),
  max: (f) => new Extreme(f, 1),
  median: (f, b) => new Quantile(f, 0.5, b),
  p90: (f, b) => new Quantile(f, 0.9, b),
  first: (f) => new Pick(f, false),
  last: (f) => new Pick(f, true),
};

/** `count` without a field. */
export class CountRows implements Accumulator {
  n = 0;
  add(_row: Row): void {
    this.n++;
  }
  addValue(_v: Value): void {
    this.n++;
  }
  merge(other: Accumulator): void {
    this.n += (other as CountRows).n;
  }
  result(): Value {
    return this.n;
  }
}

/** `count` with a field. */
export class CountValues extends CountRows {
  constructor(readonly field: string) {
    super();
  }
  override add(row: Row): void {
    if ((row[this.field] ?? null) !== null) this.n++;
  }
  override addValue(v: Value): void {
    if (v !== null) this.n++;
  }
}

/** `sum`, and the state of `avg`. */
export class Sum implements Accumulator {
  sum = 0;
  n = 0;
  constructor(readonly field: string) {}
  add(row: Row): void {
    this.addValue(row[this.field] ?? null);
  }
  addValue(v: Value): void {
    if (typeof v === 'number' && Number.isFinite(v)) {
      this.sum += v;
      this.n++;
    }
  }
  merge(other: Accumulator): void {
    this.sum += (other as Sum).sum;
    this.n += (other as Sum).n;
  }
  result(): Value {
    return this.sum;
  }
}

/** `avg`. */
export class Avg extends Sum {
  override result(): Value {
    return this.n === 0 ? null : this.sum / this.n;
  }
}

/** min (sign -1) or max (sign 1), numbers first, strings as a fallback. */
export class Extreme implements Accumulator {
  num: number | undefined;
  str: string | undefined;
  constructor(
    readonly field: string,
    readonly sign: 1 | -1,
  ) {}
  add(row: Row): void {
    this.take(row[this.field]);
  }
  addValue(v: Value): void {
    this.take(v);
  }
  merge(other: Accumulator): void {
    this.take((other as Extreme).num);
    this.take((other as Extreme).str);
  }
  result(): Value {
    return this.num ?? this.str ?? null;
  }
  private take(v: Value | undefined): void {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return;
      if (this.num === undefined || (v - this.num) * this.sign > 0) this.num = v;
    } else if (typeof v === 'string') {
      if (this.str === undefined || (this.sign > 0 ? v > this.str : v < this.str)) this.str = v;
    }
  }
}

/** The first (or last) non-null value in scan order. */
export class Pick implements Accumulator {
  value: Value = null;
  seq = -1;
  constructor(
    readonly field: string,
    readonly last: boolean,
  ) {}
  add(row: Row, seq: number): void {
    this.addValue(row[this.field] ?? null, seq);
  }
  addValue(v: Value, seq: number): void {
    if (v !== null && (this.last || this.seq < 0)) this.take(v, seq);
  }
  merge(other: Accumulator): void {
    const o = other as Pick;
    if (o.seq < 0) return;
    if (this.seq < 0 || (this.last ? o.seq > this.seq : o.seq < this.seq)) this.take(o.value, o.seq);
  }
  result(): Value {
    return this.value;
  }
  private take(v: Value, seq: number): void {
    this.value = v;
    this.seq = seq;
  }
}
