import type { Value } from '../frame.js';

/** Numeric bins: `{step, offset}` as written in a groupBy item. */
export interface BinSpec {
  /** Bin width, > 0. */
  readonly step: number;
  /** Where bins start. Defaults to 0. */
  readonly offset?: number | undefined;
}

/**
 * The bin of a cell: its lower edge `offset + floor((v - offset) / step) * step`, or null for a
 * cell that is not a finite number. Edges are rounded to the decimals of `step` and `offset`,
 * so a step of 0.1 gives 0.3, not 0.30000000000000004, and 0.3 falls in the bin starting at 0.3.
 */
export function binner(spec: BinSpec): (v: Value) => number | null {
  const { step } = spec;
  const offset = spec.offset ?? 0;
  const digits = Math.min(15, Math.max(decimals(step), decimals(offset)));
  const scale = 10 ** digits;
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    const q = (v - offset) / step;
    // 0.3 / 0.1 is 2.9999999999999996: a quotient this close to an integer is that integer.
    const near = Math.round(q);
    const k = Math.abs(q - near) < 1e-9 ? near : Math.floor(q);
    return Math.round((offset + k * step) * scale) / scale;
  };
}

/** Digits after the decimal point of a number as written: 0.25 -> 2, 1e-7 -> 7, 10 -> 0. */
function decimals(n: number): number {
  const [mantissa = '', exponent] = String(n).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}
