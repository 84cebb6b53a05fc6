import type { Row, Value } from '../frame.js';
import type { Accumulator } from './aggregate.js';

/**
 * Aggregates that keep values: `countDistinct` keeps each group's distinct values, `median` and
 * `p90` keep each group's numbers, so their results are exact. Their memory grows with the
 * values kept (8 bytes a number for the quantiles), unlike every other aggregate, whose state
 * per group is a few numbers; a `ValueBudget` counts what they keep so a query can be bounded.
 */

/** Counts the values that holistic aggregates keep, across the groups of one query. */
export class ValueBudget {
  /** Values kept so far. */
  used = 0;
}

/** Distinct non-null values; 1 and "1" are different values. */
export class CountDistinct implements Accumulator {
  readonly seen = new Set<Value>();
  constructor(
    readonly field: string,
    readonly budget: ValueBudget,
  ) {}
  add(row: Row): void {
    this.addValue(row[this.field] ?? null);
  }
  addValue(v: Value): void {
    if (v === null || this.seen.has(v)) return;
    this.seen.add(v);
    this.budget.used++;
  }
  merge(other: Accumulator): void {
    for (const v of (other as CountDistinct).seen) this.seen.add(v);
  }
  result(): Value {
    return this.seen.size;
  }
}

/** The `p` quantile (0..1) of the finite numbers in a column; null for none. */
export class Quantile implements Accumulator {
  values: number[] = [];
  constructor(
    readonly field: string,
    readonly p: number,
    readonly budget: ValueBudget,
  ) {}
  add(row: Row): void {
    this.addValue(row[this.field] ?? null);
  }
  addValue(v: Value): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    this.values.push(v);
    this.budget.used++;
  }
  merge(other: Accumulator): void {
    for (const v of (other as Quantile).values) this.values.push(v);
  }
  result(): Value {
    return quantile(Float64Array.from(this.values).sort(), this.p);
  }
}

/**
 * The `p` quantile of ascending numbers by linear interpolation between the closest ranks
 * (numpy's default, "type 7"): at rank h = (n - 1) p, the value x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]).
 * The median is p = 0.5 (the mean of the two middle values for an even count). Null for none.
 */
export function quantile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(lo + 1, n - 1)] ?? a;
  return a + (h - lo) * (b - a);
}
