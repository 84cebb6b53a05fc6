import type { Value } from '../../frame.js';
import { parseIsoDate } from '../bucket.js';
import { type IsoKeyUnit, isoKey } from '../bucketer.js';
import { UTC, type Zone } from '../zone.js';

/**
 * What the expression language computes, value by value. The JavaScript engine runs these (see
 * `compile-js.ts`); the SQL compiler writes SQL with the same results, or calls these very
 * functions from SQLite (see `registerFunctions`).
 *
 * Numbers travel as numbers with NaN standing for null: arithmetic then propagates null for
 * free. Every numeric result that is not a finite number (an overflow, a division by zero, the
 * logarithm of 0) is null, and -0 is 0.
 */

/** A numeric result: finite numbers (with -0 as 0), anything else NaN (null). */
export const finite = (x: number): number => (x - x === 0 ? x + 0 : Number.NaN);

/** A cell as a number for arithmetic: numbers only (text is not read as a number); NaN for anything else. */
export const toNumber = (v: Value): number => (typeof v === 'number' ? v : Number.NaN);

/** A number (NaN for null) as a value. */
export const fromNumber = (x: number): Value => (Number.isNaN(x) ? null : x);

/** A value as a condition: booleans as they are, a number is true unless 0, anything else unknown (null). */
export function truth(v: Value): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return null;
}

/** `a and b`, three-valued: false when either is false, else null when either is null. */
export function and(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

/** `a or b`, three-valued: true when either is true, else null when either is null. */
export function or(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

/**
 * -1, 0 or 1 for two values of one type (numbers by value, text by UTF-16 code unit as the rest
 * of the engine compares text, false before true); null when either is null or their types
 * differ.
 */
export function compare(a: Value, b: Value): number | null {
  if (a === null || b === null || typeof a !== typeof b) return null;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function divide(x: number, y: number): number {
  return y === 0 ? Number.NaN : finite(x / y);
}

export function remainder(x: number, y: number): number {
  return y === 0 ? Number.NaN : finite(x % y);
}

/** Powers of ten that round() scales by, written out so each is exact. */
const POWERS = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** The power of ten `round(x, digits)` scales by (`10^|digits|`). */
export const roundScale = (digits: number): number => POWERS[Math.abs(digits)] ?? Number.NaN;

/**
 * `x` rounded to `digits` decimals (tens, hundreds... for negative digits), halves away from
 * zero, computed in floating point exactly as written: `floor(|x| * 10^d + 0.5) / 10^d` with
 * the sign of x (`floor(|x| / 10^-d + 0.5) * 10^-d` for negative d).
 */
export function round(x: number, digits: number): number {
  const s = roundScale(digits);
  const a = Math.abs(x);
  const r = digits >= 0 ? Math.floor(a * s + 0.5) / s : Math.floor(a / s + 0.5) * s;
  return finite(r * Math.sign(x));
}

/** The least (or, with `sign` 1, greatest) of the values that are not null; null when their types differ. */
export function extreme(values: readonly Value[], sign: 1 | -1): Value {
  let best: Value = null;
  for (const v of values) {
    if (v === null) continue;
    if (best === null) best = v;
    else if (typeof v !== typeof best) return null;
    else if ((sign > 0 && v > best) || (sign < 0 && v < best)) best = v;
  }
  return best;
}

/** A value as concat() writes it: null as nothing, numbers as JavaScript writes them. */
export const asText = (v: Value): string => (v === null ? '' : String(v));

export const upper = (v: Value): Value => (typeof v === 'string' ? v.toUpperCase() : null);
export const lower = (v: Value): Value => (typeof v === 'string' ? v.toLowerCase() : null);

/** The parts of a date that year(), month(), day(), hour() and weekday() read. */
export type DatePart = 'year' | 'month' | 'day' | 'hour' | 'weekday';

/**
 * A part of a date, read as time buckets read dates (see `bucketValue`): a date alone
 * (`2024-03-05`) is a calendar date, whatever the zone, at hour 0; a date-time is an instant
 * (UTC without an offset), read on the clock of `zone`. Weekdays run from 1 (Monday) to 7
 * (Sunday). NaN (null) for anything that is not an ISO date.
 */
export function datePart(v: Value, part: DatePart, zone: Zone = UTC): number {
  if (typeof v !== 'string') return Number.NaN;
  const ms = parseIsoDate(v);
  if (ms === null) return Number.NaN;
  const local = v.trim().length > 10 ? ms + zone.offsetAt(ms) : ms;
  const d = new Date(local);
  switch (part) {
    case 'year':
      return d.getUTCFullYear();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'day':
      return d.getUTCDate();
    case 'hour':
      return d.getUTCHours();
    case 'weekday':
      return ((d.getUTCDay() + 6) % 7) + 1;
  }
}

const SLOT = 15 * 60_000;
/** Distinct days (hours, slots) a `DateParts` remembers before it starts over. */
const KEY_CACHE_LIMIT = 65_536;

/**
 * `datePart(v, part, zone)`, remembered per UTC day (hour for `hour`; in another zone, per
 * 15-minute slot whose offset is whole quarter hours), as `Bucketer` remembers buckets: a column
 * of timestamps rarely repeats a text, but many share a day.
 */
export class DateParts {
  readonly #part: DatePart;
  readonly #zone: Zone;
  readonly #unit: IsoKeyUnit;
  readonly #byKey = new Map<number, number>();
  #lastKey = -1;
  #lastPart = Number.NaN;

  constructor(part: DatePart, zone: Zone = UTC) {
    this.#part = part;
    this.#zone = zone;
    this.#unit = zone !== UTC ? 'slot' : part === 'hour' ? 'hour' : 'day';
  }

  of(v: Value): number {
    if (typeof v !== 'string') return Number.NaN;
    const key = isoKey(v, this.#unit);
    if (key < 0) return datePart(v, this.#part, this.#zone);
    // Rows in time order repeat the key of the row before.
    if (key === this.#lastKey) return this.#lastPart;
    let r = this.#byKey.get(key);
    if (r === undefined) {
      r = datePart(v, this.#part, this.#zone);
      if (!this.#shared(v)) return r;
      if (this.#byKey.size >= KEY_CACHE_LIMIT) this.#byKey.clear();
      this.#byKey.set(key, r);
    }
    this.#lastKey = key;
    this.#lastPart = r;
    return r;
  }

  /** Every text with the key of `v` has its part: in UTC always; elsewhere where the offset is whole quarter hours. */
  #shared(v: string): boolean {
    if (this.#unit !== 'slot') return true;
    const ms = parseIsoDate(v);
    return ms === null || this.#zone.offsetAt(ms) % SLOT === 0;
  }
}
