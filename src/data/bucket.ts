import type { Value } from '../frame.js';
import type { TimeBucket } from '../spec/schema.js';
import { daysInMonth } from '../time-text.js';
import { formatOffset, instantOf, UTC, type Zone } from './zone.js';

/** The number written by `n` digits of `s` from `at`, or -1 when they are not all digits. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time string, or null when the string
 * is not one (or names an impossible date such as 2024-02-30). Accepted:
 * `YYYY[-MM[-DD]][(T| )hh:mm[:ss[.fff]]][Z|±hh[:]mm]`; times without an offset are UTC.
 * Hand-written rather than a regular expression: it runs for every distinct date a query
 * buckets, which can be every row.
 */
export function parseIsoDate(text: string): number | null {
  const s = text.trim();
  const n = s.length;
  const year = digits(s, 0, 4);
  // Date.UTC maps years 0-99 to 1900-1999.
  if (year < 100 || (n > 4 && n < 7)) return null;
  if (n === 4) return Date.UTC(year, 0, 1);
  const month = s.charCodeAt(4) === 45 /* - */ ? digits(s, 5, 2) - 1 : -2;
  if (month < 0 || month > 11) return null;
  if (n === 7) return Date.UTC(year, month, 1);
  const day = s.charCodeAt(7) === 45 ? digits(s, 8, 2) : -1;
  if (day < 1 || day > daysInMonth(year, month + 1)) return null;
  if (n === 10) return Date.UTC(year, month, day);
  const t = s.charCodeAt(10);
  if (!(t === 84 || t === 116 || t === 32) /* T t space */ || n < 16 || s.charCodeAt(13) !== 58 /* : */)
    return null;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  let i = 16;
  let second = 0;
  let ms = 0;
  if (s.charCodeAt(i) === 58) {
    second = digits(s, i + 1, 2);
    if (second < 0 || second > 59) return null;
    i += 3;
    const dot = s.charCodeAt(i);
    if (dot === 46 || dot === 44 /* . , */) {
      let end = i + 1;
      while (end < n && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
      if (end === i + 1) return null;
      ms = Math.floor(Number(`0.${s.slice(i + 1, end)}`) * 1000);
      i = end;
    }
  }
  const offset = zoneOffset(s, i);
  if (offset === null) return null;
  return Date.UTC(year, month, day, hour, minute, second, ms) - offset;
}

/** The offset written at the end of `s` from `at` (`Z`, `±hh`, `±hhmm`, `±hh:mm`, or nothing), in ms. */
function zoneOffset(s: string, at: number): number | null {
  const n = s.length;
  if (at === n) return 0;
  const c = s.charCodeAt(at);
  if (c === 90 || c === 122 /* Z z */) return at + 1 === n ? 0 : null;
  if (c !== 43 && c !== 45 /* + - */) return null;
  const hours = digits(s, at + 1, 2);
  let rest = at + 3;
  if (s.charCodeAt(rest) === 58 && n === at + 6) rest++;
  const minutes = rest === n ? 0 : n === rest + 2 ? digits(s, rest, 2) : -1;
  if (hours < 0 || minutes < 0) return null;
  return (c === 45 ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The start of the bucket holding `ms`, computed on the UTC calendar: pass local wall-clock
 * time (as UTC ms) to cut buckets in another zone. Weeks start on Monday (ISO weeks).
 */
export function bucketStart(ms: number, bucket: TimeBucket): number {
  const d = new Date(ms);
  switch (bucket) {
    case 'hour':
      return Math.floor(ms / HOUR) * HOUR;
    case 'day':
      return Math.floor(ms / DAY) * DAY;
    case 'week': {
      const day = Math.floor(ms / DAY) * DAY;
      // getUTCDay: 0 = Sunday; days since Monday is (day + 6) % 7.
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'quarter':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

/**
 * The bucket a cell falls in, as an ISO string of the bucket start, cut in local time of `zone`
 * (default UTC): `2024-03-05` (the local date) for days and longer; for hours the local time
 * with its offset, `2024-03-31T03:00:00+02:00`, or `2024-03-05T14:00:00Z` in UTC.
 *
 * A date-time is an instant (without an offset it is UTC); a date alone (`2024-03-05`) is a
 * calendar date and stays on its day in every zone. Cells that are not ISO date strings
 * (numbers, booleans, nulls, unparseable text) give null, so such rows form a null group.
 */
export function bucketValue(v: Value, bucket: TimeBucket, zone: Zone = UTC): string | null {
  if (typeof v !== 'string') return null;
  const ms = parseIsoDate(v);
  if (ms === null) return null;
  // A date alone is at most 10 characters (YYYY-MM-DD); a date-time is longer.
  if (v.trim().length > 10) return bucketOfInstant(ms, bucket, zone);
  const start = bucketStart(ms, bucket);
  if (bucket !== 'hour') return isoDate(start);
  return hourLabel(start, zone.offsetAt(instantOf(zone, start)), zone);
}

/** The bucket holding the instant `ms`, cut in local time of `zone`; see `bucketValue`. */
export function bucketOfInstant(ms: number, bucket: TimeBucket, zone: Zone = UTC): string {
  const offset = zone.offsetAt(ms);
  const local = ms + offset;
  const start = bucketStart(local, bucket);
  if (bucket !== 'hour') return isoDate(start);
  // The offset of the hour's first instant: the same unless the zone changed offset within it.
  return hourLabel(start, zone.offsetAt(ms - (local - start)), zone);
}

/**
 * The bucket after `key` (a label made by `bucketValue`), or null when `key` is not one. Days
 * and longer step on the calendar; hours step one hour of real time, so a local hour skipped
 * by a change to summer time is skipped and one repeated in autumn comes twice.
 */
export function nextBucket(key: string, bucket: TimeBucket, zone: Zone = UTC): string | null {
  const ms = parseIsoDate(key);
  if (ms === null) return null;
  if (bucket === 'hour') return bucketOfInstant(ms + HOUR, bucket, zone);
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const next = {
    day: ms + DAY,
    week: ms + 7 * DAY,
    month: Date.UTC(y, m + 1, 1),
    quarter: Date.UTC(y, m + 3, 1),
    year: Date.UTC(y + 1, 0, 1),
  }[bucket];
  return isoDate(next);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

const labels = new Map<number, string>();
const LABEL_CACHE_LIMIT = 10_000;

/** `YYYY-MM-DD` of UTC ms, memoised: buckets are few and made for every distinct date read. */
function isoDate(ms: number): string {
  let label = labels.get(ms);
  if (label === undefined) {
    const d = new Date(ms);
    label = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    if (labels.size >= LABEL_CACHE_LIMIT) labels.clear();
    labels.set(ms, label);
  }
  return label;
}

function hourLabel(localStart: number, offset: number, zone: Zone): string {
  const day = Math.floor(localStart / DAY) * DAY;
  const hour = pad2((localStart - day) / HOUR);
  return `${isoDate(day)}T${hour}:00:00${zone === UTC ? 'Z' : formatOffset(offset)}`;
}
