import type { Value } from './frame.js';

/** Decimal number syntax: "12", "-3.5", "1e3", ".5" (surrounding spaces allowed; no hex, no "Infinity"). */
const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The number a numeric string stands for, or undefined. */
export function parseNumber(s: string): number | undefined {
  if (!NUMERIC.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** The number a value stands for: numbers as they are, numeric strings parsed; else undefined. */
export function maybeNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? parseNumber(v) : undefined;
}

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
