import type { Aggregate, AggregateOp } from '../spec/schema.js';
import type { Row, Value } from './frame.js';

/** Folds the rows of one group into one value. */
export interface Accumulator {
  add(row: Row): void;
  result(): Value;
}

/** Makes a fresh accumulator for each group. */
export type AccumulatorFactory = () => Accumulator;

/**
 * The accumulator for an aggregate:
 * - `count` without a field counts rows; with a field, counts non-null cells.
 * - `sum`, `avg` use finite numeric cells only (nulls, strings and booleans are skipped). The sum of no
 *   numbers is 0; the average of no numbers is null.
 * - `min`, `max` use numeric cells when the group has any; otherwise they compare strings (so ISO
 *   dates work); null when the group has neither.
 */
export function accumulator(agg: Aggregate): AccumulatorFactory {
  const field = agg.field;
  if (agg.op === 'count') {
    return field === undefined ? () => new CountRows() : () => new CountValues(field);
  }
  // A missing field is reported by the query; counting keeps the output well-formed meanwhile.
  if (field === undefined) return () => new CountRows();
  const make = factories[agg.op];
  return () => make(field);
}

const factories: Record<Exclude<AggregateOp, 'count'>, (field: string) => Accumulator> = {
  sum: (f) => new Sum(f),
  avg: (f) => new Avg(f),
  min: (f) => new Extreme(f, -1),
  max: (f) => new Extreme(f, 1),
};

class CountRows implements Accumulator {
  n = 0;
  add(): void {
    this.n++;
  }
  result(): Value {
    return this.n;
  }
}

class CountValues implements Accumulator {
  n = 0;
  constructor(readonly field: string) {}
  add(row: Row): void {
    if ((row[this.field] ?? null) !== null) this.n++;
  }
  result(): Value {
    return this.n;
  }
}

class Sum implements Accumulator {
  sum = 0;
  constructor(readonly field: string) {}
  add(row: Row): void {
    const v = row[this.field];
    if (typeof v === 'number' && Number.isFinite(v)) this.sum += v;
  }
  result(): Value {
    return this.sum;
  }
}

class Avg implements Accumulator {
  sum = 0;
  n = 0;
  constructor(readonly field: string) {}
  add(row: Row): void {
    const v = row[this.field];
    if (typeof v === 'number' && Number.isFinite(v)) {
      this.sum += v;
      this.n++;
    }
  }
  result(): Value {
    return this.n === 0 ? null : this.sum / this.n;
  }
}

/** min (sign -1) or max (sign 1), numbers first, strings as a fallback. */
class Extreme implements Accumulator {
  num: number | undefined;
  str: string | undefined;
  constructor(
    readonly field: string,
    readonly sign: 1 | -1,
  ) {}
  add(row: Row): void {
    const v = row[this.field];
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return;
      if (this.num === undefined || (v - this.num) * this.sign > 0) this.num = v;
    } else if (typeof v === 'string') {
      if (this.str === undefined || (this.sign > 0 ? v > this.str : v < this.str)) this.str = v;
    }
  }
  result(): Value {
    return this.num ?? this.str ?? null;
  }
}
