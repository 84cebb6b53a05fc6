import { dateLabel } from './dates.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-05, the first Monday of the epoch: weeks start on Mondays. */
const MONDAY = 4 * DAY;

/** The level a tick interval is written at; every tick of an axis is written at one level. */
type Level = 'year' | 'month' | 'day' | 'minute' | 'second';

/** One rung of the ladder of tick intervals. */
interface Step {
  readonly level: Level;
  /** How many of `unit` one interval spans. */
  readonly count: number;
  readonly unit: 'ms' | 'month' | 'year';
  /** Length of one interval in ms for fixed units; months and years count calendar units. */
  readonly ms: number;
  /** Offset of the first aligned tick from the epoch, for fixed units (Mondays for weeks). */
  readonly origin?: number;
}

const fixed = (level: Level, ms: number, origin = 0): Step => ({ level, count: 1, unit: 'ms', ms, origin });
const months = (count: number): Step => ({ level: 'month', count, unit: 'month', ms: count * 30.4 * DAY });
const years = (count: number): Step => ({ level: 'year', count, unit: 'year', ms: count * 365.25 * DAY });

/**
 * The tick intervals a time axis chooses from, shortest first. Each is aligned to calendar
 * boundaries: whole seconds, minutes and hours of the UTC day, midnights, Mondays, month starts
 * (January, April... for quarters), and years divisible by the interval.
 */
const LADDER: readonly Step[] = [
  ...[1, 5, 15, 30].map((n) => fixed('second', n * SECOND)),
  ...[1, 5, 15, 30].map((n) => fixed('minute', n * MINUTE)),
  ...[1, 3, 6, 12].map((n) => fixed('minute', n * HOUR)),
  fixed('day', DAY),
  fixed('day', 2 * DAY),
  fixed('day', 7 * DAY, MONDAY),
  fixed('day', 14 * DAY, MONDAY),
  months(1),
  months(3),
  months(6),
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].map(years),
];

/** The ticks of `step` in `[lo, hi]`, at most `limit` of them (undefined when there are more). */
function ticksOf(step: Step, lo: number, hi: number, limit: number): number[] | undefined {
  if ((hi - lo) / step.ms > limit + 2) return undefined;
  const out: number[] = [];
  const push = (t: number) => {
    if (t >= lo && t <= hi) out.push(t);
    return out.length <= limit;
  };
  if (step.unit === 'ms') {
    const origin = step.origin ?? 0;
    for (let t = origin + Math.ceil((lo - origin) / step.ms) * step.ms; t <= hi; t += step.ms) {
      if (!push(t)) return undefined;
    }
  } else if (step.unit === 'month') {
    const start = new Date(lo);
    let m = start.getUTCFullYear() * 12 + start.getUTCMonth();
    m = Math.floor(m / step.count) * step.count;
    for (let t = monthStart(m); t <= hi; m += step.count, t = monthStart(m)) {
      if (!push(t)) return undefined;
    }
  } else {
    let y = Math.floor(new Date(lo).getUTCFullYear() / step.count) * step.count;
    for (let t = yearStart(y); t <= hi; y += step.count, t = yearStart(y)) {
      if (!push(t)) return undefined;
    }
  }
  return out;
}

function monthStart(m: number): number {
  return Date.UTC(Math.floor(m / 12), m % 12, 1);
}

function yearStart(y: number): number {
  const d = new Date(Date.UTC(2000, 0, 1));
  d.setUTCFullYear(y);
  return d.getTime();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Labels of ticks at one level: "2024"; "Jan", "Apr"; "Feb 5", "Feb 12"; "06:00", "12:00";
 * "06:00:15". The first label, and the first after the year (for months and days) or the day
 * (for times) changes, carries it on a second line.
 */
function labelsOf(ticks: readonly number[], level: Level): string[] {
  let lastYear: number | undefined;
  let lastDay: number | undefined;
  return ticks.map((t) => {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const day = Math.floor(t / DAY);
    const newYear = y !== lastYear;
    const newDay = day !== lastDay;
    lastYear = y;
    lastDay = day;
    switch (level) {
      case 'year':
        return String(y);
      case 'month':
      case 'day':
        return dateLabel(d, level, newYear ? '\n' : undefined);
      default: {
        const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
        const text = level === 'second' ? `${time}:${pad2(d.getUTCSeconds())}` : time;
        return newDay ? `${text}\n${dateLabel(d, 'day', newYear ? ' ' : undefined)}` : text;
      }
    }
  });
}

/** Ticks of a time axis and their labels. */
export interface TimeTicks {
  readonly values: readonly number[];
  readonly labels: readonly string[];
}

/** Most ticks a time axis shows, however wide. */
export const MAX_TIME_TICKS = 10;

/**
 * Regular ticks for a time axis over `[lo, hi]` (ms, UTC): the shortest interval of the ladder
 * whose labels fit `width` px side by side (each `measure`d, plus `gap` px), with at most
 * `MAX_TIME_TICKS` ticks, all written at the interval's level.
 */
export function timeTicks(
  lo: number,
  hi: number,
  width: number,
  measure: (label: string) => number,
  gap: number,
): TimeTicks {
  const room = Math.max(1, width);
  for (const step of LADDER) {
    const values = ticksOf(step, lo, hi, MAX_TIME_TICKS);
    if (!values) continue;
    const labels = labelsOf(values, step.level);
    // The second lines (a year, a date) are few and far apart: the first lines set the spacing.
    const widest = Math.max(0, ...labels.map((l) => measure(l.split('\n')[0] ?? '')));
    if (values.length * (widest + gap) <= room || values.length <= 1) return { values, labels };
  }
  const values = [lo, hi];
  return { values, labels: labelsOf(values, 'year') };
}
