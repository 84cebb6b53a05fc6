import { type Problem, problem } from '../errors.js';
import type { Row, Value } from '../frame.js';
import type { Filter, ParamRef } from '../spec/schema.js';
import { parseIsoDate } from './bucket.js';
import { maybeNumber } from './compare.js';
import { DateMisses } from './invalid.js';
import { at, type QueryWhere } from './where.js';

/** Param values by name, as given to the render (after defaults). */
export type Params = Readonly<Record<string, Value>>;

/** Tells whether a row passes. */
export type Predicate = (row: Row) => boolean;

/** A filter comparing a column with a date: the cells it met that were not ISO dates. */
export interface DateCheck {
  /** Index of the filter in the query's `filter` list. */
  readonly index: number;
  readonly field: string;
  readonly misses: DateMisses;
  /** The last cell found to be a date. */
  last?: Value;
}

/** Tells whether a cell passes one filter. */
export type Test = (v: Value) => boolean;

/** One filter compiled: the column it reads and the test of its cells. */
export interface FieldTest {
  readonly field: string;
  readonly test: Test;
  /**
   * For a comparison with a number, the same test of a number cell (NaN for null) as an op
   * and the number, which a column of numbers runs as a plain loop.
   */
  readonly numeric?: { readonly op: NumericOp; readonly target: number } | undefined;
}

/** The comparisons a `FieldTest` may give as `numeric`. */
export type NumericOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';
const NUMERIC_OPS: ReadonlySet<Filter['op']> = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte']);
type FilterValue = Filter['value'];

const isParamRef = (v: unknown): v is ParamRef =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'param' in v;

/**
 * Compiles a query's filters (all must pass) to one predicate. Comparisons are numeric when both
 * sides are numeric (numbers or numeric strings), by string when neither is, so ISO dates compare
 * correctly; a non-numeric cell never passes a numeric `lt`/`gt`/`between` (nor equals a number).
 * A null cell matches only `eq null` (and `in` a list holding null); `ne null` matches every
 * non-null cell. `between` is inclusive; a null bound leaves that side open. `contains` passes
 * string cells holding the value's text (case-sensitive); `isNull` and `notNull` take no value.
 * Problems (unknown params, missing or wrong value shapes) are returned, not thrown, so a
 * caller can report all of them at once. `dates` lists the filters comparing with an ISO date
 * (`isDateComparison`), whose cells the caller checks are dates (they are compared as text).
 * `tests` are the filters one by one (a row passes when every test passes its cell), for
 * callers that test a column's distinct values once. `list` is the key path of the filters in
 * the query, for problems: `filter`, or `having`, or an aggregate's `where`.
 */
export function compileFilters(
  filters: readonly Filter[] | undefined,
  params: Params,
  where: QueryWhere,
  list: readonly PropertyKey[] = ['filter'],
): { predicate: Predicate; problems: Problem[]; dates: DateCheck[]; tests: FieldTest[] } {
  const problems: Problem[] = [];
  const dates: DateCheck[] = [];
  const tests: FieldTest[] = [];
  (filters ?? []).forEach((f, i) => {
    if (f.op === 'isNull' || f.op === 'notNull') {
      tests.push({ field: f.field, test: f.op === 'isNull' ? (v) => v === null : (v) => v !== null });
      return;
    }
    if (f.value === undefined) {
      problems.push(problem('CP_ERR_MISSING_FIELD', `${f.op} needs a value`, at(where, ...list, i, 'value')));
      return;
    }
    const value = resolve(f.value, params, (j, name) => {
      const keys: PropertyKey[] = j === undefined ? [...list, i, 'value'] : [...list, i, 'value', j];
      problems.push(problem('CP_ERR_UNKNOWN_PARAM', `param "${name}" is not defined`, at(where, ...keys)));
    });
    const test = compileTest(f.op, value, (msg) =>
      problems.push(problem('CP_ERR_INVALID_VALUE', msg, at(where, ...list, i, 'value'))),
    );
    if (test === undefined) return;
    const target = Array.isArray(value) || value === null ? undefined : maybeNumber(value);
    const numeric =
      NUMERIC_OPS.has(f.op) && target !== undefined && !Number.isNaN(target)
        ? { op: f.op as NumericOp, target }
        : undefined;
    tests.push({ field: f.field, test, numeric });
    if (isDateComparison(f.op, value)) dates.push({ index: i, field: f.field, misses: new DateMisses() });
  });
  const predicate: Predicate =
    tests.length === 0
      ? () => true
      : (row) => {
          for (const t of tests) if (!t.test(row[t.field] ?? null)) return false;
          return true;
        };
  return { predicate, problems, dates, tests };
}

const RANGE_OPS: ReadonlySet<Filter['op']> = new Set(['lt', 'lte', 'gt', 'gte', 'between']);

/** A filter value compared as a date: text (not a number) that is an ISO date. */
const isDateTarget = (v: Value): boolean =>
  typeof v === 'string' && maybeNumber(v) === undefined && parseIsoDate(v) !== null;

/** `lt lte gt gte between` with an ISO date (params already resolved): its cells should be dates. */
export function isDateComparison(op: Filter['op'], value: Value | Value[]): boolean {
  return RANGE_OPS.has(op) && (Array.isArray(value) ? value.some(isDateTarget) : isDateTarget(value));
}

/** `isDateComparison` for a filter as written, its params looked up in `params` (unknown ones are null). */
export function isDateFilter(f: Filter, params: Params): boolean {
  if (f.value === undefined) return false;
  const one = (v: Value | ParamRef): Value =>
    isParamRef(v) ? (Object.hasOwn(params, v.param) ? (params[v.param] ?? null) : null) : v;
  return isDateComparison(f.op, Array.isArray(f.value) ? f.value.map(one) : one(f.value));
}

/** Replaces `{param}` references by their values; calls `missing` for params not given. */
function resolve(
  value: Exclude<FilterValue, undefined>,
  params: Params,
  missing: (index: number | undefined, name: string) => void,
): Value | Value[] {
  const one = (v: Value | ParamRef, index: number | undefined): Value => {
    if (!isParamRef(v)) return v;
    const p = Object.hasOwn(params, v.param) ? params[v.param] : undefined;
    if (p === undefined) {
      missing(index, v.param);
      return null;
    }
    return p;
  };
  return Array.isArray(value) ? value.map((v, j) => one(v, j)) : one(value, undefined);
}

function compileTest(
  op: Filter['op'],
  value: Value | Value[],
  invalid: (msg: string) => void,
): Test | undefined {
  if (op === 'in') {
    const tests = (Array.isArray(value) ? value : [value]).map(eqTest);
    return (v) => tests.some((t) => t(v));
  }
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) {
      invalid(`between needs a list of two values [low, high], got ${JSON.stringify(value)}`);
      return undefined;
    }
    const lo = value[0] ?? null;
    const hi = value[1] ?? null;
    const cmpLo = lo === null ? undefined : comparer(lo);
    const cmpHi = hi === null ? undefined : comparer(hi);
    return (v) =>
      v !== null && (cmpLo === undefined || cmpLo(v) >= 0) && (cmpHi === undefined || cmpHi(v) <= 0);
  }
  if (Array.isArray(value)) {
    invalid(`${op} needs a single value, got a list (use "in" for a list)`);
    return undefined;
  }
  switch (op) {
    case 'contains': {
      if (value === null) {
        invalid('contains needs a text to look for, got null');
        return undefined;
      }
      const text = String(value);
      return (v) => typeof v === 'string' && v.includes(text);
    }
    case 'eq':
      return eqTest(value);
    case 'ne': {
      const eq = eqTest(value);
      return (v) => v !== null && !eq(v);
    }
    default: {
      if (value === null) return () => false;
      const cmp = comparer(value);
      if (op === 'lt') return (v) => v !== null && cmp(v) < 0;
      if (op === 'lte') return (v) => v !== null && cmp(v) <= 0;
      if (op === 'gt') return (v) => v !== null && cmp(v) > 0;
      return (v) => v !== null && cmp(v) >= 0;
    }
  }
}

function eqTest(target: Value): Test {
  if (target === null) return (v) => v === null;
  const cmp = comparer(target);
  return (v) => v !== null && cmp(v) === 0;
}

/**
 * `v => sign(v - target)` for non-null cells, with the target's number parsed once: numeric when
 * both sides are numeric, by string when neither is. A non-numeric cell against a numeric target
 * gives NaN, which fails every comparison: "n/a" is neither above nor below 50.
 */
function comparer(target: Exclude<Value, null>): (v: Exclude<Value, null>) => number {
  const t = String(target);
  const tn = maybeNumber(target);
  const byString = (v: Value) => {
    const s = String(v);
    return s < t ? -1 : s > t ? 1 : 0;
  };
  if (tn === undefined) return byString;
  return (v) => {
    const n = maybeNumber(v);
    if (n === undefined) return Number.NaN;
    return n < tn ? -1 : n > tn ? 1 : 0;
  };
}
