import { maybeNumber, parseNumber, type Value } from '../frame.js';

export { maybeNumber, parseNumber };

const rank = (v: Value): number => (typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2);

/**
 * A total order for sorting: numbers, then booleans (false first), then strings (by code unit).
 * Nulls are handled by the caller (they always sort last).
 */
export function compareForSort(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  // Same type from here on, so `<` is well defined.
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}
