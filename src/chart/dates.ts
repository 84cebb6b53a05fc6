import type { Value } from '../frame.js';
import { parseDate, toLabel } from './encode.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The precision a date is labelled at. */
export type DateGranularity = 'year' | 'quarter' | 'month' | 'day' | 'time';

/** The precision dates are labelled at: the coarsest their values have (all on month starts: month). */
export function granularityOf(dates: readonly Date[]): DateGranularity {
  const all = (test: (d: Date) => boolean) => dates.every(test);
  if (!all((d) => d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0)) return 'time';
  if (!all((d) => d.getUTCDate() === 1)) return 'day';
  const several = dates.length > 1;
  if (several && all((d) => d.getUTCMonth() === 0)) return 'year';
  if (several && all((d) => d.getUTCMonth() % 3 === 0)) return 'quarter';
  return 'month';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The label of one date (read in UTC) at a granularity: "2024", "Q1 2024", "Jan", "Jan 5",
 * "Jan 5 14:00". With `yearSep`, month and day labels carry the year after it ("Jan\n2024",
 * "Jan 5 2024"), and so do times ("Jan 5 2024 14:00").
 */
export function dateLabel(d: Date, g: DateGranularity, yearSep?: string): string {
  const y = d.getUTCFullYear();
  const month = MONTHS[d.getUTCMonth()] ?? '';
  const year = yearSep === undefined ? '' : `${yearSep}${y}`;
  switch (g) {
    case 'year':
      return String(y);
    case 'quarter':
      return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${y}`;
    case 'month':
      return `${month}${year}`;
    case 'day':
      return `${month} ${d.getUTCDate()}${year}`;
    default:
      return `${month} ${d.getUTCDate()}${year} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  }
}

/**
 * Labels for date categories (ISO strings, UTC), at the precision the data has: "2024",
 * "Q1 2024", "Jan" / "Feb", "Jan 5" / "Jan 6", "Jan 5 14:00". Month and day labels carry the
 * year on a second line on the first label and wherever the year changes. Non-dates are shown
 * as is.
 */
export function dateLabels(values: readonly Value[]): string[] {
  const times = values.map((v) => parseDate(v));
  const dates = times.filter((t): t is number => t !== null).map((t) => new Date(t));
  const g = granularityOf(dates);
  let lastYear: number | undefined;
  return values.map((v, i) => {
    const t = times[i];
    if (t === null || t === undefined) return toLabel(v);
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const newYear = y !== lastYear;
    lastYear = y;
    return dateLabel(d, g, newYear && (g === 'month' || g === 'day') ? '\n' : undefined);
  });
}
