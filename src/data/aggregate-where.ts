import type { Problem } from '../errors.js';
import type { Row, Value } from '../frame.js';
import type { Aggregate } from '../spec/schema.js';
import type { Accumulator, AccumulatorFactory } from './aggregate.js';
import { compileFilters, type FieldTest, type Params, type Predicate } from './filter.js';
import type { TallyCondition } from './invalid.js';
import type { QueryWhere } from './where.js';

/** An aggregate's `where`, compiled: its test of a row, its tests column by column, and a key naming it. */
export interface AggregateCondition extends TallyCondition {
  readonly predicate: Predicate;
  readonly tests: readonly FieldTest[];
}

/**
 * The `where` of each aggregate (undefined for one without), with the problems of their values
 * at `aggregate.<name>.where[i]`.
 */
export function aggregateConditions(
  aggregates: readonly (readonly [string, Aggregate])[],
  params: Params,
  where: QueryWhere,
): { conditions: (AggregateCondition | undefined)[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const conditions = aggregates.map(([name, agg]) => {
    if (agg.where === undefined) return undefined;
    const compiled = compileFilters(agg.where, params, where, ['aggregate', name, 'where']);
    problems.push(...compiled.problems);
    return { key: JSON.stringify(agg.where), predicate: compiled.predicate, tests: compiled.tests };
  });
  return { conditions, problems };
}

/** The accumulators of an aggregate that adds only the rows meeting its condition. */
export function conditional(
  make: AccumulatorFactory,
  cond: AggregateCondition | undefined,
): AccumulatorFactory {
  if (cond === undefined) return make;
  return () => new Conditional(make(), cond.predicate);
}

/**
 * An aggregate over the rows of its group that meet a condition. Rows come in through `add`,
 * which tests them; a caller that has tested the rows itself (column by column) adds to
 * `inner` directly.
 */
export class Conditional implements Accumulator {
  constructor(
    readonly inner: Accumulator,
    readonly test: Predicate,
  ) {}
  add(row: Row, seq: number): void {
    if (this.test(row)) this.inner.add(row, seq);
  }
  addValue(v: Value, seq: number): void {
    this.inner.addValue(v, seq);
  }
  merge(other: Accumulator): void {
    this.inner.merge((other as Conditional).inner);
  }
  result(): Value {
    return this.inner.result();
  }
}

/** The accumulator that adds the values: the inner one of a conditional aggregate. */
export const unwrap = (acc: Accumulator): Accumulator => (acc instanceof Conditional ? acc.inner : acc);
