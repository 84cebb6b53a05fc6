/**
 * ISO timestamp texts of a fixed shape held as numbers: `YYYY-MM-DD(T| )hh:mm:ss[.sss][Z]`,
 * years 0000 to 9999. A shape names where the text differs from `YYYY-MM-DDThh:mm:ss`; the
 * number is the milliseconds from 1970-01-01T00:00:00 to the digits read as UTC (proleptic
 * Gregorian, no leap seconds), whatever the text means. A real date and time has one text of
 * a shape, and each number one text: `isoTimeText` gives back the bytes that were read.
 */

/** Shape bit: a space, not `T`, between the date and the time. */
export const SHAPE_SPACE = 1;
/** Shape bit: three fraction digits (`.sss`) after the seconds. */
export const SHAPE_MILLIS = 2;
/** Shape bit: a `Z` at the end. */
export const SHAPE_ZONE = 4;

/** Bytes of a text of the shape. */
export function shapeLength(shape: number): number {
  return 19 + (shape & SHAPE_MILLIS ? 4 : 0) + (shape & SHAPE_ZONE ? 1 : 0);
}

export const DAY_MS = 86_400_000;

/**
 * Days from 1970-01-01 to the date (month 1 to 12, year from 0 to 9999): Howard Hinnant's
 * `days_from_civil`, in integer steps with no branch, so that the code V8 compiles for the
 * first rows it meets (January, say) still fits the rest of the year.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const early = +(month <= 2);
  // One era (400 years) added, so that every division below is of a number >= 0.
  const y = year - early + 400;
  const era = (y / 400) | 0;
  const yoe = y - era * 400;
  const doy = (((153 * (month + 9 - 12 * (1 - early)) + 2) / 5) | 0) + day - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return (era - 1) * 146_097 + doe - 719_468;
}

/** The date of a day from 1970-01-01 as `YYYYMMDD` (Hinnant's `civil_from_days`). */
export function civilFromDays(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

// Days in each month of a common year, from index 1.
const MONTH_DAYS = Uint8Array.of(0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);

/** Days in a month (1 to 12) of a year (0 to 9999); every step taken for every month. */
export function daysInMonth(year: number, month: number): number {
  // Divisible by 4, not by 100 unless by 400: each test counts once, and they nest.
  const leap = +(year % 4 === 0) - +(year % 100 === 0) + +(year % 400 === 0);
  return MONTH_DAYS[month]! + leap * +(month === 2);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** The text of shape `shape` whose number is `ms`. */
export function isoTimeText(ms: number, shape: number): string {
  const days = Math.floor(ms / DAY_MS);
  const date = civilFromDays(days);
  const year = Math.floor(date / 10_000);
  let rest = ms - days * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  const y = year < 1000 ? `${year}`.padStart(4, '0') : `${year}`;
  let text = `${y}-${pad2(Math.floor(date / 100) % 100)}-${pad2(date % 100)}${shape & SHAPE_SPACE ? ' ' : 'T'}${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  if (shape & SHAPE_MILLIS) text += `.${`${millis}`.padStart(3, '0')}`;
  return shape & SHAPE_ZONE ? `${text}Z` : text;
}
