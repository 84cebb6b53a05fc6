import { type DateGranularity, dateLabel } from '../chart/dates.js';
import { autoFormatter, checkNumberFormat, numberFormatter, timeFormatter } from '../chart/format.js';
import { dropForbiddenXmlChars } from '../chart/xml-chars.js';
import { columnValues, type Value } from '../frame.js';
import type { TableBlock, TimeBucket } from '../spec/schema.js';
import type { TableData } from './model.js';

/** Largest number of rows a table shows; the rest is summarised in a last line. Defaults to 500. */
export const MAX_TABLE_ROWS = 500;

/** The line a table without rows shows under its header (or alone, when it has no columns). */
export const NO_ROWS = 'No rows';

/** A table as text, ready for any writer. */
export interface TableText {
  readonly headers: readonly string[];
  /** Numbers are right-aligned. */
  readonly align: readonly ('left' | 'right')[];
  readonly rows: readonly (readonly string[])[];
  /** How many rows were left out (over MAX_TABLE_ROWS). */
  readonly omitted: number;
  /** Whether the table has no rows: writers show `NO_ROWS`, and no table when it has no columns. */
  readonly empty: boolean;
}

/** How a time bucket is labelled: weeks by their first day, hours with their time. */
const BUCKET_LABEL: Readonly<Record<TimeBucket, DateGranularity>> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'day',
  day: 'day',
  hour: 'time',
};

/** The output columns of a query's time buckets, with their bucket. */
function bucketColumns(table: TableBlock): Map<string, TimeBucket> {
  const out = new Map<string, TimeBucket>();
  for (const g of table.data.groupBy ?? []) {
    if (typeof g !== 'string' && g.bucket !== undefined) out.set(g.as ?? g.field, g.bucket);
  }
  return out;
}

/** The output columns of a query's groups (not its aggregates, nor the columns of a pivot). */
function groupColumns(table: TableBlock): Set<string> {
  return new Set((table.data.groupBy ?? []).map((g) => (typeof g === 'string' ? g : (g.as ?? g.field))));
}

/** An ISO date and the time written in it, offset aside ("2024-03-31T03:00:00+02:00" -> 03:00). */
const ISO_WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?/;

/**
 * The date and time an ISO string is written in, as a UTC date: a time bucket in a time zone
 * shows its local time, as its key writes it.
 */
export function wallClock(text: string): Date | undefined {
  const m = ISO_WALL_CLOCK.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', ms = '0'] = m;
  const date = new Date(
    Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(sec),
      Number(ms.padEnd(3, '0')),
    ),
  );
  // Years before 100 would be read as 19xx by Date.UTC.
  date.setUTCFullYear(Number(y));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A bucket key as its bucket reads: "2000", "Q1 2000", "Jan 2000", "Jan 3 2000", "Jan 3 2000 14:00". */
function bucketLabel(key: string, bucket: TimeBucket): string | undefined {
  const date = wallClock(key);
  return date && dateLabel(date, BUCKET_LABEL[bucket], ' ');
}

/**
 * Formats a table's cells: the chosen columns, nulls as the table's `fill` (see `fillOf`), numbers with the column's
 * d3-format `format` or else with the same decimals down the column (see `autoFormatter`; the
 * columns of a pivot share theirs), ISO dates with the column's d3-time-format `format`, else
 * time buckets as their bucket ("2000", "Jan 2000"). Columns pivoted from a time bucket are
 * titled the same way.
 */
export function tableText(data: TableData, maxRows = MAX_TABLE_ROWS): TableText {
  const { frame, table } = data;
  const buckets = bucketColumns(table);
  const pivotBucket = table.data.pivot ? buckets.get(table.data.pivot.on) : undefined;
  const titleOf = (field: string) =>
    (pivotBucket !== undefined && !buckets.has(field) && bucketLabel(field, pivotBucket)) || field;
  const columns = (table.columns ?? frame.fields).map((c) =>
    typeof c === 'string'
      ? { field: c, title: titleOf(c), format: undefined }
      : { field: c.field, title: c.title ?? titleOf(c.field), format: c.format },
  );
  const shown = Math.min(frame.length, maxRows);
  const visible = (field: string) => columnValues(frame.columns[field], frame.length).slice(0, shown);
  const numbers = (values: readonly Value[]) => values.filter((v): v is number => typeof v === 'number');
  // The columns a pivot makes hold one measure: they share one format, as one column would.
  const groups = groupColumns(table);
  const pivoted = table.data.pivot ? frame.fields.filter((f) => !groups.has(f)) : [];
  const pivotFormat = autoFormatter(pivoted.flatMap((f) => numbers(visible(f))));
  const align: ('left' | 'right')[] = [];
  const cells = columns.map((c) => {
    const values = columnValues(frame.columns[c.field], frame.length);
    const numeric =
      values.some((v) => typeof v === 'number') && values.every((v) => v === null || typeof v === 'number');
    align.push(numeric ? 'right' : 'left');
    const shownValues = values.slice(0, shown);
    // A column's format is for numbers (d3-format) or for dates (d3-time-format).
    const numberFormat =
      c.format !== undefined && checkNumberFormat(c.format) === undefined ? c.format : undefined;
    const dateFormat =
      c.format !== undefined && numberFormat === undefined ? timeFormatter(c.format) : undefined;
    const format =
      numberFormat !== undefined
        ? numberFormatter(numberFormat)
        : pivoted.includes(c.field)
          ? pivotFormat
          : autoFormatter(numbers(shownValues));
    const date: DateText | undefined = dateFormat
      ? (v) => {
          const d = wallClock(v);
          return d && dateFormat(d);
        }
      : bucketOf(buckets.get(c.field));
    const fill = fillOf(table, numeric, pivoted.includes(c.field));
    return shownValues.map((v) => cellText(v, format, date, fill));
  });
  const rows: string[][] = [];
  for (let i = 0; i < shown; i++) rows.push(cells.map((col) => col[i] ?? ''));
  return {
    headers: columns.map((c) => dropForbiddenXmlChars(c.title)),
    align,
    rows,
    omitted: frame.length - shown,
    empty: frame.length === 0,
  };
}

/**
 * What a column's empty cells show: the table's `fill` (a number only in a number column, where
 * it takes the column's format), else 0 in the columns of a pivot whose query fills gaps with
 * zero, else undefined (a dash).
 */
function fillOf(table: TableBlock, numeric: boolean, pivotColumn: boolean): number | string | undefined {
  if (typeof table.fill === 'string') return table.fill;
  if (typeof table.fill === 'number') return numeric ? table.fill : undefined;
  return pivotColumn && numeric && table.data.fill === 'zero' ? 0 : undefined;
}

/** How a column writes an ISO date: its text, or undefined to show the cell as it is. */
type DateText = (iso: string) => string | undefined;

function bucketOf(bucket: TimeBucket | undefined): DateText | undefined {
  return bucket === undefined ? undefined : (v) => bucketLabel(v, bucket);
}

function cellText(
  v: Value,
  format: (v: number) => string,
  date: DateText | undefined,
  fill: number | string | undefined,
): string {
  if (v === null) {
    if (fill === undefined) return '–';
    return typeof fill === 'number' ? format(fill) : dropForbiddenXmlChars(fill);
  }
  if (typeof v === 'number') return format(v);
  if (date !== undefined && typeof v === 'string') {
    const text = date(v);
    if (text !== undefined) return dropForbiddenXmlChars(text);
  }
  // Control characters from the data would show as boxes (and make HTML invalid).
  return dropForbiddenXmlChars(String(v));
}
