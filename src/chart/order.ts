import type { Value } from '../data/frame.js';
import { parseDate, toNumber } from './encode.js';

/** A value as a number when it is a number or a numeric string, else null. */
function numeric(v: Value): number | null {
  return typeof v === 'number' || typeof v === 'string' ? toNumber(v) : null;
}

/**
 * The order in which series (legend entries, colours) are listed: numerically when every
 * non-null value is a number or a numeric string ("0", "3", "10"), chronologically when every
 * non-null value is an ISO date, else as given (first seen). Nulls go last. The sort is stable
 * and returns a new array.
 */
export function seriesOrder(values: readonly Value[]): Value[] {
  const present = values.filter((v) => v !== null);
  const nulls = values.filter((v) => v === null);
  if (present.length === 0) return [...values];
  const key = sortKey(present);
  if (!key) return [...values];
  const keyed = present.map((v, i) => ({ v, k: key(v), i }));
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return [...keyed.map((e) => e.v), ...nulls];
}

/** The numeric sort key that fits every value, or undefined when none does. */
function sortKey(values: readonly Value[]): ((v: Value) => number) | undefined {
  if (values.every((v) => numeric(v) !== null)) return (v) => numeric(v) ?? 0;
  if (values.every((v) => typeof v === 'string' && parseDate(v) !== null)) return (v) => parseDate(v) ?? 0;
  return undefined;
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
