import type { Value } from '../frame.js';
import { parseDate } from './encode.js';
import { compareValues } from './palette.js';

/**
 * The order in which series (legend entries, colours) are listed, the order a field's values
 * take their colours in (see `compareValues`): numbers and numeric strings ("0", "3", "10")
 * by value, then text by code unit; chronologically when every non-null value is an ISO date.
 * Nulls go last. Where the rows come from, and in what order, plays no part: a value is listed
 * at the same place in every chart. The sort is stable and returns a new array.
 */
export function seriesOrder(values: readonly Value[]): Value[] {
  const present = values.filter((v) => v !== null);
  const nulls = values.filter((v) => v === null);
  const dates = present.length > 0 && present.every((v) => typeof v === 'string' && parseDate(v) !== null);
  const compare = dates
    ? (a: Value, b: Value) => (parseDate(a as string) ?? 0) - (parseDate(b as string) ?? 0)
    : compareValues;
  // Array.prototype.sort is stable: equal values keep their order.
  return [...present.sort(compare), ...nulls];
}

/** The label a missing series value is given (see `toLabel`): listed last. */
const NONE = '(none)';

/**
 * Named series (legend entries) in `seriesOrder` of their names, "(none)" last; or, given the
 * names in a written order (`encode.y: [p90, median]`, see `seriesNames`), those first in that
 * order, then any others sorted. Returns a new array; the series themselves are not copied.
 */
export function orderByName<T extends { readonly name: string }>(
  series: readonly T[],
  written: readonly string[] = [],
): T[] {
  const byName = new Map(series.map((s) => [s.name, s]));
  const first = written.filter((n) => byName.has(n));
  const rest = series.filter((s) => !first.includes(s.name));
  const names = seriesOrder(rest.map((s) => (s.name === NONE ? null : s.name)));
  return [
    ...first.map((n) => byName.get(n) as T),
    ...names.map((n) => byName.get(n === null ? NONE : String(n))).filter((s): s is T => s !== undefined),
  ];
}
