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
 * Named series (legend entries) in `seriesOrder` of their names, "(none)" last. Returns a new
 * array; the series themselves are not copied.
 */
export function orderByName<T extends { readonly name: string }>(series: readonly T[]): T[] {
  const byName = new Map(series.map((s) => [s.name, s]));
  const names = seriesOrder(series.map((s) => (s.name === NONE ? null : s.name)));
  return names.map((n) => byName.get(n === null ? NONE : String(n))).filter((s): s is T => s !== undefined);
}
