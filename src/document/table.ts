import { type DateGranularity, dateLabel } from '../chart/dates.js';
import { autoFormatter, checkNumberFormat, numberFormatter, timeFormatter } from '../chart/format.js';
import { dropForbiddenXmlChars } from '../chart/xml-chars.js';
import { columnValues, type Value } from '../frame.js';
import { chartDefaults } from '../spec/defaults.js';
import type { TableBlock, TableColumn, TimeBucket, TotalsOp } from '../spec/schema.js';
import type { RenderedChart, TableData } from './model.js';
import { PX_TO_PT } from './page.js';
import { CELL_INSET_X_PT } from './table-layout.js';
import { type BarCell, type BarColumn, barColumn, type CellStyle, cellStyles } from './table-style.js';
import { columnTotal, totalsLabel, totalsOps } from './table-totals.js';

/** Largest number of rows a table shows; the rest is summarised in a last line. Defaults to 500. */
export const MAX_TABLE_ROWS = 500;

/** The line a table without rows shows under its header (or alone, when it has no columns). */
export const NO_ROWS = 'No rows';

/** How a column's header and cells are aligned. */
export type ColumnAlign = 'left' | 'center' | 'right';

/** A table as text, ready for any writer. */
export interface TableText {
  readonly headers: readonly string[];
  /** Numbers are right-aligned unless their column says otherwise. */
  readonly align: readonly ColumnAlign[];
  /** Which columns hold numbers (they never wrap). */
  readonly numeric: readonly boolean[];
  /** Widths the columns ask for, in points (undefined: as wide as their content). */
  readonly widths: readonly (number | undefined)[];
  readonly rows: readonly (readonly string[])[];
  /** Each row's cell styles, by column; undefined when the table has no `style`. */
  readonly styles?: readonly (readonly (CellStyle | undefined)[])[] | undefined;
  /** The bars of `bar:` columns, by column. */
  readonly bars: readonly (BarColumn | undefined)[];
  /** The sparklines of `sparkline:` columns, by column, then row (none in a subtotal row). */
  readonly charts: readonly (readonly (RenderedChart | undefined)[] | undefined)[];
  /** Which rows are subtotals (`subtotals:`), when the table has them. */
  readonly subtotal?: readonly boolean[] | undefined;
  /** The totals row's cells (its label in the first column), when the table has `totals`. */
  readonly totals?: readonly string[] | undefined;
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
 * titled the same way. Alignments and widths come from the columns; cell styles from the rules
 * of `style` the rows meet (`data.matches`), bars from `bar` columns and the totals row from
 * `totals` (over all the rows, not only those shown).
 */
export function tableText(data: TableData, maxRows = MAX_TABLE_ROWS): TableText {
  const { frame, table } = data;
  const buckets = bucketColumns(table);
  const pivotBucket = table.data.pivot ? buckets.get(table.data.pivot.on) : undefined;
  const titleOf = (field: string) =>
    (pivotBucket !== undefined && !buckets.has(field) && bucketLabel(field, pivotBucket)) || field;
  const columns = (table.columns ?? frame.fields).map((c): TableColumn & { title: string } =>
    typeof c === 'string' ? { field: c, title: titleOf(c) } : { ...c, title: c.title ?? titleOf(c.field) },
  );
  const shown = Math.min(frame.length, maxRows);
  const visible = (field: string) => columnValues(frame.columns[field], frame.length).slice(0, shown);
  const numbers = (values: readonly Value[]) => values.filter((v): v is number => typeof v === 'number');
  // The columns a pivot makes hold one measure: they share one format, as one column would.
  const groups = groupColumns(table);
  const pivoted = table.data.pivot ? frame.fields.filter((f) => !groups.has(f)) : [];
  const pivotFormat = autoFormatter(pivoted.flatMap((f) => numbers(visible(f))));
  const align: ColumnAlign[] = [];
  const numerics: boolean[] = [];
  const bars: (BarColumn | undefined)[] = [];
  const formats: ((v: number) => string)[] = [];
  const charts: ((RenderedChart | undefined)[] | undefined)[] = [];
  const widths: (number | undefined)[] = [];
  // Whether each column has a number format of its own.
  const explicit: boolean[] = [];
  const cells = columns.map((c, ci) => {
    const drawn = c.sparkline ? (data.sparklines?.get(ci) ?? []) : undefined;
    charts.push(drawn && [...drawn]);
    // A sparkline column is as wide as its lines, unless its width is set.
    const sparkPt =
      c.sparkline && (c.sparkline.width ?? chartDefaults.sparkline.width) * PX_TO_PT + 2 * CELL_INSET_X_PT;
    widths.push(c.width ?? (sparkPt ? Math.ceil(sparkPt) : undefined));
    const values = columnValues(frame.columns[c.field], frame.length);
    const numeric =
      values.some((v) => typeof v === 'number') && values.every((v) => v === null || typeof v === 'number');
    align.push(c.align ?? (numeric ? 'right' : 'left'));
    numerics.push(numeric);
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
    formats.push(format);
    explicit.push(numberFormat !== undefined);
    const bar = c.bar !== undefined && c.bar !== false && numeric ? c.bar : undefined;
    bars.push(bar === undefined ? undefined : barColumn(numbers(shownValues), bar, data.theme));
    if (drawn) return shownValues.map(() => '');
    return shownValues.map((v) => cellText(v, format, date, fill));
  });
  const rows: string[][] = [];
  for (let i = 0; i < shown; i++) rows.push(cells.map((col) => col[i] ?? ''));
  const fields = columns.map((c) => c.field);
  /** The text of column `i`'s total over `values`. */
  const totalText = (op: TotalsOp, i: number, values: readonly Value[]): string => {
    const { value } = columnTotal(op, values);
    if (value === null) return '–';
    // An explicit format is kept; else the column's decimals, unless an average needs more,
    // and thousands separators when the total reaches five digits.
    const format =
      op === 'count'
        ? autoFormatter([value])
        : explicit[i]
          ? (formats[i] ?? autoFormatter([value]))
          : autoFormatter([...numbers(visible(fields[i] ?? '')), value]);
    return dropForbiddenXmlChars(format(value));
  };
  const ops = frame.length > 0 ? totalsOps(table, fields, numerics, groups) : undefined;
  const totals = ops?.map((op, i) =>
    op === undefined
      ? i === 0
        ? totalsLabel(ops)
        : ''
      : totalText(op, i, columnValues(frame.columns[fields[i] ?? ''], frame.length)),
  );
  const body = withSubtotals(
    { rows, styles: cellStyles(table, fields, data.matches, shown, data.theme), bars, charts },
    table.subtotals === undefined ? undefined : visible(table.subtotals),
    fields.indexOf(table.subtotals ?? ''),
    totalsOps({ ...table, totals: table.totals ?? 'sum' }, fields, numerics, groups) ?? [],
    (op, i, from, to) => totalText(op, i, visible(fields[i] ?? '').slice(from, to)),
  );
  return {
    headers: columns.map((c) => dropForbiddenXmlChars(c.title)),
    align,
    numeric: numerics,
    widths,
    ...body,
    ...(totals ? { totals } : {}),
    omitted: frame.length - shown,
    empty: frame.length === 0,
  };
}

/** A table's body: its rows, their cell styles and the bars of its columns. */
interface TableBody {
  readonly rows: readonly (readonly string[])[];
  readonly styles?: readonly (readonly (CellStyle | undefined)[])[] | undefined;
  readonly bars: readonly (BarColumn | undefined)[];
  readonly charts: readonly (readonly (RenderedChart | undefined)[] | undefined)[];
  readonly subtotal?: readonly boolean[] | undefined;
}

/**
 * The body with a subtotal row after each run of rows whose `key` is the same (none without
 * a key): the ops of each column over the run, labelled "<key> total" in the key's column (or
 * the first column, when the key's column has a total or is not shown). Subtotal rows have no
 * style and no bar.
 */
function withSubtotals(
  body: TableBody,
  key: readonly Value[] | undefined,
  keyColumn: number,
  ops: readonly (TotalsOp | undefined)[],
  total: (op: TotalsOp, column: number, from: number, to: number) => string,
): TableBody {
  if (key === undefined || body.rows.length === 0) return body;
  const rows: (readonly string[])[] = [];
  const styles: (readonly (CellStyle | undefined)[])[] = [];
  const subtotal: boolean[] = [];
  const barCells = body.bars.map((): (BarCell | undefined)[] => []);
  const chartCells = body.charts.map((): (RenderedChart | undefined)[] => []);
  const labelColumn = keyColumn >= 0 && ops[keyColumn] === undefined ? keyColumn : 0;
  let start = 0;
  body.rows.forEach((row, i) => {
    rows.push(row);
    styles.push(body.styles?.[i] ?? []);
    subtotal.push(false);
    body.bars.forEach((b, c) => {
      barCells[c]?.push(b?.cells[i]);
    });
    body.charts.forEach((col, c) => {
      chartCells[c]?.push(col?.[i]);
    });
    if (i + 1 < body.rows.length && Object.is(key[i], key[i + 1])) return;
    const name = keyColumn >= 0 ? (body.rows[start]?.[keyColumn] ?? '') : String(key[start] ?? '–');
    rows.push(
      ops.map((op, c) =>
        op !== undefined ? total(op, c, start, i + 1) : c === labelColumn ? `${name} total` : '',
      ),
    );
    styles.push([]);
    subtotal.push(true);
    for (const cells of barCells) cells.push(undefined);
    for (const cells of chartCells) cells.push(undefined);
    start = i + 1;
  });
  return {
    rows,
    ...(body.styles ? { styles } : {}),
    bars: body.bars.map((b, c) => (b ? { ...b, cells: barCells[c] ?? [] } : undefined)),
    charts: body.charts.map((col, c) => (col ? (chartCells[c] ?? []) : undefined)),
    subtotal,
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
