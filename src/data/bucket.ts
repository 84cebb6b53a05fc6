import type { TimeBucket } from '../spec/schema.js';
import type { Value } from './frame.js';

// YYYY[-MM[-DD]][(T| )hh:mm[:ss[.fff]]][Z|±hh[:]mm]
const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time string, or null when the string
 * is not one (or names an impossible date such as 2024-02-30). Times without an offset are UTC.
 */
export function parseIsoDate(s: string): number | null {
  const m = ISO.exec(s.trim());
  if (!m) return null;
  const [, y, mo = '1', d = '1', h = '0', mi = '0', sec = '0', frac = '', tz] = m;
  const year = Number(y);
  // Date.UTC maps years 0-99 to 1900-1999.
  if (year < 100) return null;
  const month = Number(mo) - 1;
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month > 11 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month, day, hour, minute, second, Math.floor(Number(`0.${frac || '0'}`) * 1000));
  // Date.UTC rolls 2024-02-30 over to March; refuse it instead.
  const check = new Date(ms);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return null;
  return ms - offsetMs(tz);
}

function offsetMs(tz: string | undefined): number {
  if (tz === undefined || tz.toUpperCase() === 'Z') return 0;
  const sign = tz.startsWith('-') ? -1 : 1;
  const digits = tz.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  return sign * (hours * 60 + minutes) * 60_000;
}

const DAY = 86_400_000;

/** The start (epoch ms, UTC) of the bucket holding `ms`. Weeks start on Monday (ISO weeks). */
export function bucketStart(ms: number, bucket: TimeBucket): number {
  const d = new Date(ms);
  switch (bucket) {
    case 'hour':
      return Math.floor(ms / 3_600_000) * 3_600_000;
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
 * The bucket a cell falls in, as an ISO string of the bucket start: `2024-03-05T14:00:00Z` for
 * hours, `2024-03-05` (date only) for days and longer. Cells that are not ISO date strings
 * (numbers, booleans, nulls, unparseable text) give null, so such rows form a null group.
 */
export function bucketValue(v: Value, bucket: TimeBucket): string | null {
  if (typeof v !== 'string') return null;
  const ms = parseIsoDate(v);
  if (ms === null) return null;
  const iso = new Date(bucketStart(ms, bucket)).toISOString();
  return bucket === 'hour' ? `${iso.slice(0, 13)}:00:00Z` : iso.slice(0, 10);
}
