import { daysInMonth } from '../time-text.js';

/**
 * Date formats of declared date columns (`columns: { day: { type: date, format: "%b %d %Y" } }`),
 * with the directives of d3-time-format and strptime. A format is compiled once into a list of
 * steps; reading a cell then walks the text with `charCodeAt`, with no regular expression and
 * no allocation besides the ISO string it returns.
 */

/** Directives a date format may use (after `%`, with an optional `-`, `_` or `0` padding flag). */
export const DATE_DIRECTIVES = '%Y %y %m %d %e %b %B %a %A %H %I %p %M %S %L %f %j %Z %z %%';

/** Reads one cell: the ISO 8601 form of the date it writes, or null when it does not match. */
export type DateParser = (text: string) => string | null;

/** What a compiled step reads. */
const Op = {
  Literal: 0,
  Space: 1,
  Year4: 2,
  Year2: 3,
  Month: 4,
  Day: 5,
  DayOfYear: 6,
  Hour24: 7,
  Hour12: 8,
  Minute: 9,
  Second: 10,
  Milli: 11,
  Micro: 12,
  MonthName: 13,
  WeekdayName: 14,
  AmPm: 15,
  Zone: 16,
} as const;
type Op = (typeof Op)[keyof typeof Op];

interface Step {
  readonly op: Op;
  /** Op.Literal: the text to match, exactly. */
  readonly text?: string;
  /** Numbers: a leading space is allowed (`%e`, `%_d`). */
  readonly space?: boolean;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const DIRECTIVE_OPS: Readonly<Record<string, Op>> = {
  Y: Op.Year4,
  y: Op.Year2,
  m: Op.Month,
  d: Op.Day,
  e: Op.Day,
  j: Op.DayOfYear,
  H: Op.Hour24,
  I: Op.Hour12,
  M: Op.Minute,
  S: Op.Second,
  L: Op.Milli,
  f: Op.Micro,
  b: Op.MonthName,
  B: Op.MonthName,
  a: Op.WeekdayName,
  A: Op.WeekdayName,
  p: Op.AmPm,
  Z: Op.Zone,
  z: Op.Zone,
};

/** Steps that put a time of day in the result (a date-time rather than a date). */
const TIME_OPS: ReadonlySet<Op> = new Set([
  Op.Hour24,
  Op.Hour12,
  Op.Minute,
  Op.Second,
  Op.Milli,
  Op.Micro,
  Op.AmPm,
  Op.Zone,
]);

/** A format string that cannot be compiled, with what is wrong. */
export class DateFormatError extends Error {
  override readonly name = 'DateFormatError';
}

/** What is wrong with a date format, or undefined when it compiles. */
export function checkDateFormat(format: string): string | undefined {
  try {
    compileSteps(format);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function compileSteps(format: string): Step[] {
  const steps: Step[] = [];
  let literal = '';
  const flush = () => {
    if (literal !== '') steps.push({ op: Op.Literal, text: literal });
    literal = '';
  };
  let fields = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === ' ') {
      flush();
      // Runs of spaces in the format match one run of spaces in the text.
      if (steps[steps.length - 1]?.op !== Op.Space) steps.push({ op: Op.Space });
      continue;
    }
    if (c !== '%') {
      literal += c;
      continue;
    }
    let d = format[++i];
    let pad: string | undefined;
    if (d === '-' || d === '_' || d === '0') {
      pad = d;
      d = format[++i];
    }
    if (d === undefined) throw new DateFormatError(`date format "${format}" ends with a lone "%"`);
    if (d === '%' && pad === undefined) {
      literal += '%';
      continue;
    }
    const op = DIRECTIVE_OPS[d];
    if (op === undefined || !Object.hasOwn(DIRECTIVE_OPS, d)) {
      throw new DateFormatError(`unknown directive "%${pad ?? ''}${d}" in date format "${format}"`);
    }
    flush();
    fields++;
    steps.push({ op, space: d === 'e' || pad === '_' });
  }
  flush();
  if (fields === 0) throw new DateFormatError(`date format "${format}" has no directive (such as %Y)`);
  return steps;
}

/** The fields read from one cell; reused between cells (parsing is synchronous). */
interface Fields {
  year: number;
  month: number;
  day: number;
  yday: number;
  hour: number;
  pm: number;
  minute: number;
  second: number;
  micro: number;
  /** Minutes east of UTC; NaN when the text gives no offset. */
  offset: number;
  /** Offset written as `Z`. */
  zulu: boolean;
  weekday: number;
  /** Where the step left the text; -1 when it did not match. */
  at: number;
}

/**
 * Compiles a date format (see `DATE_DIRECTIVES`; other text must match exactly, and a space
 * matches one or more spaces). The parser reads the whole cell (surrounding spaces ignored) and
 * returns `YYYY-MM-DD` when the format has no time of day, else
 * `YYYY-MM-DDThh:mm:ss[.fff[fff]](Z|±hh:mm)` (UTC when the text gives no offset). It returns null
 * for text that does not match and for impossible dates (February 30, hour 24, a weekday that
 * is not the date's). Missing parts default as in d3: year 1900, January, the 1st, midnight.
 * `%y` reads 69-99 as 1969-1999 and 00-68 as 2000-2068; `%p` turns `%I` (or `%H`) into a
 * 24-hour clock; names (`%b %B %a %A`) are English, in any case, full or abbreviated.
 *
 * @throws DateFormatError for an unknown directive, a lone `%`, or a format without directives.
 */
export function compileDateFormat(format: string): DateParser {
  const steps = compileSteps(format);
  const hasTime = steps.some((s) => TIME_OPS.has(s.op));
  const f: Fields = {
    year: 1900,
    month: -1,
    day: -1,
    yday: -1,
    hour: 0,
    pm: -1,
    minute: 0,
    second: 0,
    micro: 0,
    offset: Number.NaN,
    zulu: false,
    weekday: -1,
    at: 0,
  };
  return (text) => {
    let start = 0;
    let end = text.length;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    f.year = 1900;
    f.month = -1;
    f.day = -1;
    f.yday = -1;
    f.hour = 0;
    f.pm = -1;
    f.minute = 0;
    f.second = 0;
    f.micro = 0;
    f.offset = Number.NaN;
    f.zulu = false;
    f.weekday = -1;
    f.at = start;
    for (let k = 0; k < steps.length; k++) {
      if (!runStep(steps[k]!, text, end, f)) return null;
    }
    if (f.at !== end) return null;
    return toIso(f, hasTime);
  };
}

const isSpace = (c: number) => c === 32 || c === 9;

/** Reads `min` to `max` digits at `f.at` (after spaces when `space`); -1 when there are too few. */
function number(s: string, end: number, f: Fields, min: number, max: number, space: boolean): number {
  let i = f.at;
  if (space) while (i < end && s.charCodeAt(i) === 32) i++;
  const from = i;
  let v = 0;
  while (i < end && i - from < max) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    i++;
  }
  if (i - from < min) return -1;
  f.at = i;
  return v;
}

/** Index of the English name (full, or its first three letters) at `f.at`, in any case; -1 if none. */
function name(s: string, end: number, f: Fields, names: readonly string[]): number {
  const first = s.charCodeAt(f.at) | 32;
  for (let k = 0; k < names.length; k++) {
    const full = names[k]!;
    if (full.charCodeAt(0) !== first) continue;
    const n = matchName(s, f.at, end, full);
    if (n === full.length || n === 3) {
      // A longer run of letters would be another word ("Mayday").
      const after = f.at + n;
      if (after < end && isLetter(s.charCodeAt(after))) continue;
      f.at = after;
      return k;
    }
  }
  return -1;
}

/** How many letters of `full` the text has at `at`, ignoring case (stops at the first difference). */
function matchName(s: string, at: number, end: number, full: string): number {
  let n = 0;
  while (n < full.length && at + n < end && (s.charCodeAt(at + n) | 32) === full.charCodeAt(n)) n++;
  return n;
}

const isLetter = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;

function runStep(step: Step, s: string, end: number, f: Fields): boolean {
  const space = step.space === true;
  switch (step.op) {
    case Op.Literal: {
      const t = step.text!;
      if (end - f.at < t.length) return false;
      for (let k = 0; k < t.length; k++) if (s.charCodeAt(f.at + k) !== t.charCodeAt(k)) return false;
      f.at += t.length;
      return true;
    }
    case Op.Space: {
      const from = f.at;
      while (f.at < end && isSpace(s.charCodeAt(f.at))) f.at++;
      return f.at > from;
    }
    case Op.Year4:
      f.year = number(s, end, f, 4, 4, space);
      return f.year >= 0;
    case Op.Year2: {
      const y = number(s, end, f, 2, 2, space);
      f.year = y < 0 ? -1 : y + (y > 68 ? 1900 : 2000);
      return y >= 0;
    }
    case Op.Month:
      f.month = number(s, end, f, 1, 2, space) - 1;
      return f.month >= 0;
    case Op.Day:
      f.day = number(s, end, f, 1, 2, space);
      return f.day >= 0;
    case Op.DayOfYear:
      f.yday = number(s, end, f, 1, 3, space);
      return f.yday >= 0;
    case Op.Hour24:
      f.hour = number(s, end, f, 1, 2, space);
      return f.hour >= 0;
    case Op.Hour12: {
      const h = number(s, end, f, 1, 2, space);
      f.hour = h;
      return h >= 1 && h <= 12;
    }
    case Op.Minute:
      f.minute = number(s, end, f, 1, 2, space);
      return f.minute >= 0;
    case Op.Second:
      f.second = number(s, end, f, 1, 2, space);
      return f.second >= 0;
    case Op.Milli: {
      const ms = number(s, end, f, 3, 3, false);
      f.micro = ms * 1000;
      return ms >= 0;
    }
    case Op.Micro:
      f.micro = number(s, end, f, 6, 6, false);
      return f.micro >= 0;
    case Op.MonthName:
      f.month = name(s, end, f, MONTHS);
      return f.month >= 0;
    case Op.WeekdayName:
      f.weekday = name(s, end, f, WEEKDAYS);
      return f.weekday >= 0;
    case Op.AmPm: {
      if (end - f.at < 2 || (s.charCodeAt(f.at + 1) | 32) !== 109 /* m */) return false;
      const c = s.charCodeAt(f.at) | 32;
      f.pm = c === 97 /* a */ ? 0 : c === 112 /* p */ ? 1 : -1;
      f.at += 2;
      return f.pm >= 0;
    }
    case Op.Zone:
      return zone(s, end, f);
  }
}

/** `Z`, `±hh`, `±hhmm` or `±hh:mm` at `f.at`. */
function zone(s: string, end: number, f: Fields): boolean {
  const c = s.charCodeAt(f.at);
  if (c === 90 || c === 122 /* Z z */) {
    f.at++;
    f.offset = 0;
    f.zulu = true;
    return true;
  }
  if (c !== 43 && c !== 45 /* + - */) return false;
  f.at++;
  const hours = number(s, end, f, 2, 2, false);
  if (hours < 0 || hours > 23) return false;
  let minutes = 0;
  if (s.charCodeAt(f.at) === 58 /* : */) {
    f.at++;
    minutes = number(s, end, f, 2, 2, false);
  } else if (f.at < end && s.charCodeAt(f.at) >= 48 && s.charCodeAt(f.at) <= 57) {
    minutes = number(s, end, f, 2, 2, false);
  }
  if (minutes < 0 || minutes > 59) return false;
  f.offset = (c === 45 ? -1 : 1) * (hours * 60 + minutes);
  return true;
}

/** Days in month `m` (0 to 11) of year `y`. */
const daysIn = (y: number, m: number) => daysInMonth(y, m + 1);
const isLeap = (y: number) => daysInMonth(y, 2) === 29;

/** `00` to `99`, so that a result is built from a few string pieces. */
const TWO = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

function toIso(f: Fields, hasTime: boolean): string | null {
  const y = f.year;
  // ISO strings of years before 100 are not dates anywhere else in chartpress.
  if (y < 100 || y > 9999) return null;
  let month = f.month;
  let day = f.day;
  if (f.yday >= 0) {
    if (f.yday < 1 || f.yday > (isLeap(y) ? 366 : 365)) return null;
    let m = 0;
    let d = f.yday;
    while (d > daysIn(y, m)) d -= daysIn(y, m++);
    if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) return null;
    month = m;
    day = d;
  }
  if (month < 0) month = 0;
  if (day < 0) day = 1;
  if (month > 11 || day < 1 || day > daysIn(y, month)) return null;
  if (f.weekday >= 0 && f.weekday !== weekdayOf(y, month, day)) return null;
  const date = `${TWO[Math.floor(y / 100)]}${TWO[y % 100]}-${TWO[month + 1]}-${TWO[day]}`;
  if (!hasTime) return date;
  let hour = f.hour;
  if (f.pm >= 0) {
    if (hour > 12) return null;
    hour = (hour % 12) + f.pm * 12;
  }
  if (hour > 23 || f.minute > 59 || f.second > 59) return null;
  let frac = '';
  if (f.micro > 0) {
    const ms = Math.floor(f.micro / 1000);
    const rest = f.micro % 1000;
    frac = `.${String(ms).padStart(3, '0')}${rest === 0 ? '' : String(rest).padStart(3, '0')}`;
  }
  let zoneText = 'Z';
  if (!Number.isNaN(f.offset) && !f.zulu) {
    const abs = Math.abs(f.offset);
    zoneText = `${f.offset < 0 ? '-' : '+'}${TWO[Math.floor(abs / 60)]}:${TWO[abs % 60]}`;
  }
  return `${date}T${TWO[hour]}:${TWO[f.minute]}:${TWO[f.second]}${frac}${zoneText}`;
}

/** Day of the week (0 = Sunday) of a date, by days since the epoch. */
function weekdayOf(y: number, m: number, d: number): number {
  const days = Math.floor(Date.UTC(y, m, d) / 86_400_000);
  // 1970-01-01 was a Thursday (4).
  return (((days + 4) % 7) + 7) % 7;
}
