import { ChartpressError, problem } from '../errors.js';
import type { Value } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import type { AxisScale, Rule } from '../spec/schema.js';
import { toNumber } from './encode.js';

/** Where a value axis is drawn on screen: `x` across, `y` up. */
export type ScreenAxis = 'x' | 'y';

/** The domain of a value axis: its ends and the spacing of its ticks (0 on a log axis). */
export interface ValueDomain {
  readonly min: number;
  readonly max: number;
  readonly interval: number;
  readonly log: boolean;
}

/** The scale a chart sets for the axis drawn along `axis` (`options.x` or `options.y`), if any. */
export function scaleOf(chart: NormalizedChart, axis: ScreenAxis): AxisScale | undefined {
  const options: Readonly<Record<string, unknown>> = chart.options;
  return options[axis] as AxisScale | undefined;
}

/** The rules a chart draws across the axis `axis` (`{ y: ... }` rules lie on the y axis). */
export function rulesOn(chart: NormalizedChart, axis: ScreenAxis): { rule: Rule; index: number }[] {
  const options: Readonly<Record<string, unknown>> = chart.options;
  return ((options.rules as readonly Rule[] | undefined) ?? []).flatMap((rule, index) =>
    rule[axis] === undefined ? [] : [{ rule, index }],
  );
}

/** Throws `CP_ERR_AXIS_SCALE` at `options.<path>`. */
export function axisProblem(path: string, message: string): never {
  throw new ChartpressError(
    problem('CP_ERR_AXIS_SCALE', `options.${path}: ${message}`, { path: `options.${path}` }),
  );
}

/**
 * The numbers of the rules on a numeric axis; a rule whose value is not a number is refused
 * with `CP_ERR_AXIS_SCALE`.
 */
export function ruleNumbers(chart: NormalizedChart, axis: ScreenAxis): number[] {
  return rulesOn(chart, axis).map(({ rule, index }) => {
    const v = rule[axis] as Value;
    const n = toNumber(v);
    if (n === null || typeof v === 'boolean') {
      axisProblem(
        `rules[${index}].${axis}`,
        `${JSON.stringify(v)} is not a number, and the ${axis} axis shows numbers`,
      );
    }
    return n;
  });
}

/**
 * The spacing of ticks over `[min, max]` in about `splitNumber` intervals: 1, 2, 3 or 5 times a
 * power of ten, near span / splitNumber (as ECharts picks it).
 */
export function tickStep(min: number, max: number, splitNumber: number): number {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return 0;
  const raw = span / splitNumber;
  const exponent = Math.floor(Math.log10(raw));
  const f = raw / 10 ** exponent;
  const nf = f < 1.5 ? 1 : f < 2.5 ? 2 : f < 4 ? 3 : f < 7 ? 5 : 10;
  // Rounded as ECharts rounds it: 3 * 0.1 is 0.3, not 0.30000000000000004.
  return Number((nf * 10 ** exponent).toFixed(Math.max(0, -exponent)));
}

/** `v` rounded to the decimals of `step`, so that 3 * 0.1 reads 0.3. */
function snap(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(v.toFixed(Math.min(20, decimals + 1)));
}

/** What a value axis spans before it is made round. */
export interface DomainInput {
  /** Smallest and largest data value (and rule value) the axis must show. */
  readonly lo: number;
  readonly hi: number;
  /** Stretch to include zero. */
  readonly zero: boolean;
  /** Extra room on each side, as a fraction of the span (0.04 keeps scatter points off the edges). */
  readonly pad: number;
  /** About how many tick intervals fit. */
  readonly splitNumber: number;
  readonly scale?: AxisScale | undefined;
}

/**
 * The domain of a value axis: the data span, stretched to zero when `zero` (unless the scale
 * says otherwise), padded, then widened to whole ticks. Padding never makes an axis cross zero
 * that its data does not cross: non-negative data gets no negative tick. An explicit `min` or
 * `max` is kept as given. A log axis spans whole powers of ten and refuses data at or below zero
 * (`CP_ERR_AXIS_SCALE`, at `path`).
 */
export function valueDomain(input: DomainInput, path: string): ValueDomain {
  const { scale } = input;
  let lo = Math.min(input.lo, input.hi);
  let hi = Math.max(input.lo, input.hi);
  if (scale?.log) {
    if (lo <= 0) {
      axisProblem(`${path}.log`, `a log axis needs values above zero; the data goes down to ${lo}`);
    }
    if (scale.min !== undefined && scale.min <= 0) axisProblem(`${path}.min`, 'a log axis starts above zero');
    const min = scale.min ?? 10 ** Math.floor(Math.log10(lo));
    let max = scale.max ?? 10 ** Math.ceil(Math.log10(hi));
    if (!(max > min)) max = min * 10;
    return { min, max, interval: 0, log: true };
  }
  const floor = lo;
  const ceiling = hi;
  if (scale?.zero ?? input.zero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (scale?.min !== undefined) lo = scale.min;
  if (scale?.max !== undefined) hi = scale.max;
  if (!(hi > lo)) {
    // One value: show it in the middle of a unit around it.
    const half = lo === 0 ? 1 : Math.abs(lo) / 2;
    if (scale?.min === undefined) lo -= half;
    if (scale?.max === undefined) hi += half;
  }
  const gap = (hi - lo) * input.pad;
  if (scale?.min === undefined) lo -= gap;
  if (scale?.max === undefined) hi += gap;
  // Data on one side of zero keeps the axis on that side.
  if (floor >= 0 && lo < 0 && scale?.min === undefined) lo = 0;
  if (ceiling <= 0 && hi > 0 && scale?.max === undefined) hi = 0;
  const interval = tickStep(lo, hi, input.splitNumber);
  if (interval === 0) return { min: lo, max: hi, interval: 0, log: false };
  const min = scale?.min ?? snap(Math.floor(lo / interval + 1e-9) * interval, interval);
  const max = scale?.max ?? snap(Math.ceil(hi / interval - 1e-9) * interval, interval);
  return { min, max, interval, log: false };
}
