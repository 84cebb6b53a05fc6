import { type FormatLocaleObject, formatLocale, formatSpecifier, precisionFixed } from 'd3-format';
import { timeFormatLocale } from 'd3-time-format';
import { ChartpressError, problem } from '../errors.js';

/**
 * Number formats are d3-format specifiers (`[[fill]align][sign][symbol][0][width][,][.precision][~][type]`),
 * formatted by d3-format itself in its default en-US locale: `,.0f` 12345 -> "12,345",
 * `$,.2f` -> "$12,345.68", `.1%` 0.42 -> "42.0%", `.2s` 7e6 -> "7.0M", `~s` 2e6 -> "2M".
 * Negative numbers take d3's minus sign "−" (U+2212).
 *
 * The locale is built here rather than taken from d3's global default, so that a program that
 * changes d3's default locale does not change chartpress's output.
 */
const LOCALE: FormatLocaleObject = formatLocale({
  decimal: '.',
  thousands: ',',
  grouping: [3],
  currency: ['$', ''],
});

/** d3-format's types; d3 reads any other letter as `g`, which would hide a typo. */
const TYPES = new Set(['', 'e', 'f', 'g', 'r', 's', '%', 'p', 'b', 'o', 'd', 'x', 'X', 'c', 'n']);

/** Widest padding a format may ask for: `1000000000d` would build a gigabyte string. */
export const MAX_FORMAT_WIDTH = 100;

/**
 * Why `spec` is not a number format chartpress accepts, or undefined when it is one: a d3-format
 * specifier of a known type and a width of at most `MAX_FORMAT_WIDTH`.
 */
export function checkNumberFormat(spec: string): string | undefined {
  let parsed: ReturnType<typeof formatSpecifier>;
  try {
    parsed = formatSpecifier(spec);
  } catch {
    return `number format "${spec}" is not a d3-format specifier such as ",.0f", "$,.2f", ".1%" or ".2s"`;
  }
  if (!TYPES.has(parsed.type)) return `number format "${spec}" has an unknown type "${parsed.type}"`;
  if (parsed.width !== undefined && parsed.width > MAX_FORMAT_WIDTH) {
    return `number format "${spec}" pads to ${parsed.width} characters; at most ${MAX_FORMAT_WIDTH}`;
  }
  return undefined;
}

/** Non-finite values: nothing for NaN (a missing value), the infinity sign otherwise. */
function nonFinite(v: number): string {
  return Number.isNaN(v) ? '' : v > 0 ? '∞' : '−∞';
}

const compiled = new Map<string, (v: number) => string>();

/**
 * The formatting function of a d3-format specifier, compiled once per specifier. Finite numbers
 * format exactly as d3's `format(spec)` does; NaN gives "" and infinities "∞" / "−∞". Throws
 * `CP_ERR_INVALID_VALUE` naming the format when `checkNumberFormat` refuses it.
 */
export function numberFormatter(spec: string): (v: number) => string {
  let fn = compiled.get(spec);
  if (!fn) {
    const wrong = checkNumberFormat(spec);
    if (wrong !== undefined) {
      throw new ChartpressError(problem('CP_ERR_INVALID_VALUE', wrong, { hint: 'see d3-format' }));
    }
    const d3 = LOCALE.format(spec);
    fn = (v: number) => (Number.isFinite(v) ? d3(v) : nonFinite(v));
    if (compiled.size < 256) compiled.set(spec, fn);
  }
  return fn;
}

/**
 * Formats a number with a d3-format specifier (see `numberFormatter`), or without one as
 * `autoFormatter` formats that value alone. `null`/`undefined` give an empty string.
 */
export function formatNumber(value: number | null | undefined, spec?: string): string {
  if (value === null || value === undefined) return '';
  return (spec === undefined ? autoFormatter([value]) : numberFormatter(spec))(value);
}

/** Most decimals the automatic format ever shows. */
const MAX_DECIMALS = 10;

/** Fewest decimals (at most `cap`) that show `v` as it is, to 12 significant digits. */
function decimalsOf(v: number, cap: number): number {
  const x = Number(Math.abs(v).toPrecision(12));
  for (let d = 0; d < cap; d++) if (Number(x.toFixed(d)) === x) return d;
  return cap;
}

/** Largest absolute finite value, 0 when there is none. */
function largestOf(values: Iterable<number | null>): number {
  let m = 0;
  for (const v of values) if (v !== null && Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/**
 * Decimals for a set of values shown together (a table column, a chart's labels): the fewest
 * that show every value as it is, capped at 2 — or, when every value is below 1 in size, capped
 * at two digits past the largest value's first significant digit (0.5 -> 3, 0.0034 -> 5).
 * 42.2 and 43.88 -> 2 ("42.20", "43.88"); 3 and 4.5 -> 1; integers -> 0.
 */
export function autoDecimals(values: Iterable<number | null>): number {
  const list = [...values].filter((v): v is number => v !== null && Number.isFinite(v));
  const largest = largestOf(list);
  const cap =
    largest === 0 || largest >= 1 ? 2 : Math.min(MAX_DECIMALS, 1 - Math.floor(Math.log10(largest)) + 1);
  let d = 0;
  for (const v of list) {
    if (d === cap) break;
    d = Math.max(d, decimalsOf(v, cap));
  }
  return d;
}

/**
 * Thousands separators, when the largest value of a set has five digits or more: four-digit
 * numbers (years above all) read better without one, "1970" rather than "1,970".
 */
function groupFor(largest: number): string {
  return largest >= 1e4 ? ',' : '';
}

/**
 * The format of numbers shown without a format: the same number of decimals for every value of
 * the set (`autoDecimals`), "42.20" beside "43.88", never "42.2"; thousands separators when the
 * set reaches 10,000 ("12,345", but "2024").
 */
export function autoFormatter(values: Iterable<number | null>): (v: number) => string {
  const list = [...values];
  return numberFormatter(`${groupFor(largestOf(list))}.${autoDecimals(list)}f`);
}

/** SI prefixes from millions up, as the automatic format writes them (B for billions, not G). */
const PREFIXES = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
] as const;

/** The prefix of `largest` when it reaches a million: its scale and letter. */
function prefixOf(largest: number): readonly [number, string] | undefined {
  return PREFIXES.find(([scale]) => largest >= scale);
}

/** `v / scale` with `decimals` decimals and the letter, e.g. "7.97M"; zero is "0" in any unit. */
function prefixed(scale: number, letter: string, decimals: number): (v: number) => string {
  const fixed = numberFormatter(`,.${decimals}f`);
  return (v) => (v === 0 ? '0' : Number.isFinite(v) ? `${fixed(v / scale)}${letter}` : nonFinite(v));
}

const SI3 = numberFormatter('.3s');
const WHOLE = numberFormatter(',.0f');

/**
 * A data value of a chart that reaches millions: three significant digits in its own unit,
 * "1.42B", "333M", "388k", so that small values beside large ones do not read "0.00B".
 */
function significant(v: number): string {
  if (Math.abs(v) < 1000) return WHOLE(v);
  const s = SI3(v);
  return s.endsWith('G') ? `${s.slice(0, -1)}B` : s;
}

/** How the numbers of one chart are written: its data values, and the ticks of its axes. */
export interface ValueFormat {
  /** Data values (labels, tooltips). */
  readonly value: (v: number) => string;
  /** Ticks of an axis whose ticks are `step` apart. */
  readonly ticks: (step: number) => (v: number) => string;
  /** Smallest and largest value an axis of these values shows (0 when there is none). */
  readonly min: number;
  readonly max: number;
}

/**
 * The number format of a chart. With a d3-format specifier, values and ticks alike follow it.
 * Without one, values get the same decimals across the chart (`autoDecimals`) and ticks the
 * decimals their spacing needs ("0.0, 0.5, 1.0"). From a million up, ticks are written in the
 * largest value's unit ("0", "0.5B", "1.0B") and values with three significant digits in their
 * own ("1.42B", "333M", "388k"). `axisValues` (default `values`) is what the axis spans, e.g.
 * the totals of a stack.
 */
export function valueFormat(
  spec: string | undefined,
  values: readonly (number | null)[],
  axisValues: readonly (number | null)[] = values,
): ValueFormat {
  let min = 0;
  let max = 0;
  let seen = false;
  for (const v of axisValues) {
    if (v === null || !Number.isFinite(v)) continue;
    min = seen ? Math.min(min, v) : v;
    max = seen ? Math.max(max, v) : v;
    seen = true;
  }
  if (spec !== undefined) {
    const fn = numberFormatter(spec);
    return { value: fn, ticks: () => fn, min, max };
  }
  const largest = Math.max(largestOf(values), largestOf(axisValues));
  const prefix = prefixOf(largest);
  const scale = prefix?.[0] ?? 1;
  const group = groupFor(largest);
  const write = (decimals: number) =>
    prefix ? prefixed(prefix[0], prefix[1], decimals) : numberFormatter(`${group}.${decimals}f`);
  const value = prefix ? significant : write(autoDecimals(values));
  const ticks = (step: number) => {
    const base = step > 0 && Number.isFinite(step) ? precisionFixed(step / scale) : 0;
    const byDecimals = new Map<number, (v: number) => string>();
    // A tick the estimated step does not account for still shows as it is, never rounded.
    return (v: number) => {
      const d = Math.min(MAX_DECIMALS, Math.max(base, decimalsOf(v / scale, MAX_DECIMALS)));
      let fn = byDecimals.get(d);
      if (!fn) {
        fn = write(d);
        byDecimals.set(d, fn);
      }
      return fn(v);
    };
  };
  return { value, ticks, min, max };
}

/** The directives d3-time-format writes, each after `%` and an optional `-`, `_` or `0` flag. */
const TIME_DIRECTIVE = /%[-_0]?([aAbBcdefgGHIjLmMpqQsSuUVwWxXyYZ%])?/g;

/**
 * Why `spec` is not a date format, or undefined when it is one: d3-time-format directives
 * (`%Y %m %d %b %B %a %H %M %S %q` ...) and literal text, with at least one directive.
 */
export function checkTimeFormat(spec: string): string | undefined {
  let directives = 0;
  for (const m of spec.matchAll(TIME_DIRECTIVE)) {
    if (m[1] === undefined)
      return `date format "${spec}" has an unknown directive at "${spec.slice(m.index, m.index + 3)}"`;
    directives++;
  }
  return directives === 0 ? `date format "${spec}" has no directive such as %Y or %b` : undefined;
}

/**
 * Why `spec` is neither a number format (`checkNumberFormat`) nor a date format
 * (`checkTimeFormat`), or undefined when it is one of them.
 */
export function checkCellFormat(spec: string): string | undefined {
  if (checkNumberFormat(spec) === undefined || checkTimeFormat(spec) === undefined) return undefined;
  return `format "${spec}" is neither a d3-format number format (",.2f") nor a d3-time-format date format ("%b %Y")`;
}

/** d3-time-format's en-US locale, built here for the same reason as `LOCALE`. */
const TIME_LOCALE = timeFormatLocale({
  dateTime: '%x, %X',
  date: '%-m/%-d/%Y',
  time: '%-I:%M:%S %p',
  periods: ['AM', 'PM'],
  days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  shortDays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  months: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  shortMonths: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
});

const timeCompiled = new Map<string, (d: Date) => string>();

/**
 * The formatting function of a d3-time-format date format, reading dates in UTC, compiled once
 * per format. Throws `CP_ERR_INVALID_VALUE` when `checkTimeFormat` refuses it.
 */
export function timeFormatter(spec: string): (d: Date) => string {
  let fn = timeCompiled.get(spec);
  if (!fn) {
    const wrong = checkTimeFormat(spec);
    if (wrong !== undefined) {
      throw new ChartpressError(problem('CP_ERR_INVALID_VALUE', wrong, { hint: 'see d3-time-format' }));
    }
    fn = TIME_LOCALE.utcFormat(spec);
    if (timeCompiled.size < 256) timeCompiled.set(spec, fn);
  }
  return fn;
}
