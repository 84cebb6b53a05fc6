import { z } from 'zod';
import { checkCellFormat, checkNumberFormat } from '../chart/format.js';
import { checkDateFormat, DATE_DIRECTIVES } from '../data/date-format.js';
import { MAX_CHART_SIZE, MAX_TIMEOUT_MS } from './limits.js';

// Zod compiles object schemas with `new Function` on their first parse, a cost every process that
// checks one report pays in full: under a CPU profile, the first check of a report in a fresh
// process took about 21 ms compiled and about 9 ms interpreted.
z.config({ jitless: true });

/**
 * The report format. One source of truth: the TypeScript types, the validation (with field
 * paths) and the JSON Schema printed by `chartpress schema` all come from these schemas.
 */

export const ChartType = {
  bar: 'bar',
  line: 'line',
  area: 'area',
  pie: 'pie',
  scatter: 'scatter',
  sparkline: 'sparkline',
  gantt: 'gantt',
  combo: 'combo',
  heatmap: 'heatmap',
  boxplot: 'boxplot',
  kpi: 'kpi',
} as const;
export type ChartType = keyof typeof ChartType;

export const ThemeName = {
  default: 'default',
  corporate: 'corporate',
  minimal: 'minimal',
  vibrant: 'vibrant',
  dark: 'dark',
} as const;
export type ThemeName = keyof typeof ThemeName;

export const TimeBucket = {
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
} as const;
export type TimeBucket = keyof typeof TimeBucket;

export const FilterOp = {
  eq: 'eq',
  ne: 'ne',
  lt: 'lt',
  lte: 'lte',
  gt: 'gt',
  gte: 'gte',
  in: 'in',
  between: 'between',
  contains: 'contains',
  isNull: 'isNull',
  notNull: 'notNull',
} as const;
export type FilterOp = keyof typeof FilterOp;

export const AggregateOp = {
  count: 'count',
  countDistinct: 'countDistinct',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  median: 'median',
  p90: 'p90',
  first: 'first',
  last: 'last',
} as const;
export type AggregateOp = keyof typeof AggregateOp;

const enumOf = <T extends Record<string, string>>(o: T) =>
  z.enum(Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]);

/** A plain value in data, filters and params. */
export const Scalar = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .describe('A text, a number, true/false or null.');
export type Scalar = z.infer<typeof Scalar>;

/** `{ param: name }`: the value of a report param. */
export const ParamRef = z
  .strictObject({ param: z.string().min(1).describe('Name of a param under `params:`.') })
  .describe('The value of a report param; a filter whose param has no value is dropped (all rows).');
export type ParamRef = z.infer<typeof ParamRef>;

const FilterValue = z.union([Scalar, ParamRef, z.array(z.union([Scalar, ParamRef]))]);

export const Filter = z
  .strictObject({
    field: z.string().min(1).describe('Column to test.'),
    op: enumOf(FilterOp).default('eq').describe('Comparison. Defaults to eq.'),
    value: FilterValue.optional().describe(
      'A value, `{param: name}`, or a list (for in, and [low, high] for between). Not used by isNull/notNull.',
    ),
  })
  .describe('A condition rows must meet, e.g. { field: region, op: eq, value: EMEA }.');
export type Filter = z.infer<typeof Filter>;

export const GroupBy = z
  .union([
    z.string().min(1),
    z.strictObject({
      field: z.string().min(1).describe('Column to group by.'),
      bucket: enumOf(TimeBucket)
        .optional()
        .describe('Time bucket for ISO dates. Output is the ISO date of the bucket start.'),
      timezone: z
        .string()
        .min(1)
        .optional()
        .describe('IANA time zone the buckets are cut in, e.g. "Europe/Paris". Defaults to UTC.'),
      bin: z
        .strictObject({
          step: z.number().positive().describe('Bin width.'),
          offset: z.number().optional().describe('Where bins start. Defaults to 0.'),
        })
        .optional()
        .describe('Numeric bins: the output is the lower edge of the bin.'),
      as: z.string().min(1).optional().describe('Output column name. Defaults to the field name.'),
    }),
  ])
  .describe('A column to group by: its name, or { field, bucket | bin, timezone, as }.');
export type GroupBy = z.infer<typeof GroupBy>;

export const Aggregate = z
  .strictObject({
    op: enumOf(AggregateOp).describe(
      'Function: count, countDistinct, sum, avg, min, max, median, p90, first or last.',
    ),
    field: z.string().min(1).optional().describe('Column to aggregate; not needed for count.'),
    where: z
      .array(Filter)
      .optional()
      .describe(
        'Conditions (as in `filter`) a row must meet to count in this aggregate only, e.g. [{ field: delay, op: gt, value: 15 }]. Defaults to none: every row of the group.',
      ),
  })
  .describe('An output column computed over each group, e.g. { op: sum, field: revenue }.');
export type Aggregate = z.infer<typeof Aggregate>;

export const SortItem = z
  .union([
    z.string().min(1),
    z.strictObject({
      field: z.string().min(1).describe('Output column to sort by.'),
      order: z.enum(['asc', 'desc']).default('asc').describe('Defaults to asc.'),
    }),
  ])
  .describe('A column to sort by: its name (ascending), or { field, order }.');
export type SortItem = z.infer<typeof SortItem>;

export const WindowOp = {
  cumsum: 'cumsum',
  pctChange: 'pctChange',
  diff: 'diff',
  rank: 'rank',
  rowNumber: 'rowNumber',
  movingAvg: 'movingAvg',
} as const;
export type WindowOp = keyof typeof WindowOp;

/** Rows a movingAvg averages when it has no `frame`. */
export const DEFAULT_WINDOW_FRAME = 3;

export const Window = z
  .strictObject({
    op: enumOf(WindowOp).describe(
      'cumsum (running sum), pctChange (change from the row before, as a fraction: 0.1 is +10%), diff (change from the row before), rank (1 + the rows ordered before; ties share a rank, with gaps after), rowNumber (1, 2, 3...) or movingAvg (mean of the row and the frame - 1 rows before it).',
    ),
    field: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Output column read by cumsum, pctChange, diff and movingAvg (an aggregate, a group column or an earlier window). Not used by rank and rowNumber, which number rows by `order`.',
      ),
    as: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Name of the new output column. Defaults to `<field>_<op>` (rank and rowNumber: the op name).',
      ),
    by: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .optional()
      .describe(
        'Output column(s) that split the rows into partitions, each computed on its own, e.g. region. Defaults to none: one partition.',
      ),
    order: z
      .array(SortItem)
      .optional()
      .describe(
        'Order of the rows within a partition, as in `sort`, e.g. [{ field: revenue, order: desc }]. Defaults to the groupBy columns ascending; rows that tie are always ordered by the groupBy columns ascending, so the result never depends on the order rows were read.',
      ),
    frame: z
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe(
        `movingAvg only: rows averaged, the current one and those before it (fewer at the start of a partition). Defaults to ${DEFAULT_WINDOW_FRAME}.`,
      ),
  })
  .describe(
    'A column computed over the aggregated rows, after having and fill, before sort and limit, e.g. { op: cumsum, field: revenue, by: region }. Nulls (and values that are not numbers) are skipped by cumsum and movingAvg, and make diff and pctChange null; the first row of a partition has a null diff and pctChange, as has a pctChange from 0.',
  );
export type Window = z.infer<typeof Window>;

/** Default names of the two columns `fold` makes: the folded column's name, and its value. */
export const DEFAULT_FOLD_AS = ['key', 'value'] as const;

export const Fold = z
  .union([
    z.array(z.string().min(1)).min(1),
    z.strictObject({
      fields: z.array(z.string().min(1)).min(1).describe('Output columns to fold, in order.'),
      as: z
        .tuple([z.string().min(1), z.string().min(1)])
        .optional()
        .describe(
          `Names of the column holding the folded column's name, and of the one holding its value. Defaults to [${DEFAULT_FOLD_AS.join(', ')}].`,
        ),
    }),
  ])
  .describe(
    `Turns output columns into rows, last of all (after sort and limit): one row per row and folded column, the other columns kept, then a ${DEFAULT_FOLD_AS[0]} column (the folded column's name) and a ${DEFAULT_FOLD_AS[1]} column (its value). A list of columns, or { fields, as: [key, value] }. Not with pivot.`,
  );
export type Fold = z.infer<typeof Fold>;

/** What a `lookup` does with a row whose key its dimension dataset lacks (or whose key is null). */
export const LookupMissing = z
  .enum(['null', 'skip', 'error'])
  .describe(
    'A row whose key the dimension dataset lacks (or is null): keep it with null fields (null, the default), drop it (skip), or fail naming the first missing keys (error).',
  );

/** A join of a small dimension dataset into the rows of a query's dataset. */
export const Lookup = z
  .strictObject({
    from: z
      .string()
      .min(1)
      .describe('The dimension dataset under `datasets:`, read whole into memory (at most 1,000,000 rows).'),
    on: z
      .union([
        z.string().min(1),
        z.strictObject({
          left: z.string().min(1).describe("Key column of the query's dataset."),
          right: z.string().min(1).describe('Key column of the dimension dataset; each key at most once.'),
        }),
      ])
      .describe('Key column of both datasets, or { left, right } when their names differ.'),
    fields: z
      .array(z.string().min(1))
      .min(1)
      .describe('Columns of the dimension dataset added to each row, e.g. [region, size].'),
    as: z
      .union([z.string().min(1), z.record(z.string().min(1), z.string().min(1))])
      .optional()
      .describe(
        'Names of the added fields: a text prefixes each (`store_` gives store_region), or { field: name } renames some. Defaults to the column names.',
      ),
    onMissing: LookupMissing.optional(),
  })
  .meta({
    id: 'Lookup',
    description:
      'Joins a dimension dataset into each row before calculate, filter and groupBy see it, e.g. { from: stores, on: store_id, fields: [region] }.',
  });
export type Lookup = z.infer<typeof Lookup>;

/** A declarative query over one dataset. */
export const Query = z
  .strictObject({
    from: z.string().min(1).describe('Name of a dataset under `datasets:`.'),
    lookup: z
      .union([Lookup, z.array(Lookup).min(1)])
      .optional()
      .describe(
        "Fields joined in from dimension datasets, before calculate, filter and groupBy: one lookup or a list (a later one may key on an earlier one's fields). Defaults to none.",
      ),
    calculate: z
      .record(z.string().min(1), z.string())
      .optional()
      .describe(
        'Fields computed from each row before filter, groupBy and aggregate see it, by name, e.g. { margin: "revenue - cost", late: "delay > 15" }; each may use the ones before it. Defaults to none.',
      ),
    timezone: z
      .string()
      .min(1)
      .optional()
      .describe(
        'IANA time zone that the date functions of `calculate` (year, month, day, hour, weekday) read date-times in, e.g. "Europe/Paris". Defaults to UTC.',
      ),
    filter: z
      .array(Filter)
      .optional()
      .describe('Conditions every row must meet (all of them). Defaults to none: every row.'),
    groupBy: z
      .array(GroupBy)
      .optional()
      .describe(
        'Columns, time buckets or numeric bins to group rows by: one output row per group. Defaults to none: rows pass through (or one row, with aggregate).',
      ),
    aggregate: z
      .record(z.string().min(1), Aggregate)
      .optional()
      .describe(
        'Output columns computed over each group, by name, e.g. { revenue: { op: sum, field: amount } }. Defaults to none.',
      ),
    having: z
      .array(Filter)
      .optional()
      .describe(
        'Conditions (as in `filter`) on the output columns that every group must meet, after aggregation, e.g. [{ field: n, op: gte, value: 10 }]. Defaults to none: every group.',
      ),
    pivot: z
      .strictObject({
        on: z.string().min(1).describe('Output column whose values become columns.'),
        value: z.string().min(1).describe('Output column that fills them.'),
      })
      .optional()
      .describe('Turns the values of one column into columns (a wide table).'),
    window: z
      .array(Window)
      .optional()
      .describe(
        'Columns computed over the aggregated rows (after having and fill, before sort and limit), in order; each may read the ones before it. Needs groupBy or aggregate. Defaults to none.',
      ),
    fold: Fold.optional(),
    sort: z
      .array(SortItem)
      .optional()
      .describe('Order of the output rows: by the first column, then the next. Defaults to none.'),
    limit: z
      .int()
      .positive()
      .optional()
      .describe('Keep the first N output rows (after sort). Defaults to all.'),
    other: z
      .union([z.boolean(), z.string().min(1)])
      .optional()
      .describe(
        'With limit: sum the rows past the limit into one row labelled "Other" (or this label). Defaults to false.',
      ),
    fill: z
      .enum(['zero', 'null'])
      .optional()
      .describe(
        'Fill missing time buckets between the first and last with 0 or null aggregates. Defaults to none: missing buckets stay out.',
      ),
    onInvalid: z
      .enum(['skip', 'error'])
      .optional()
      .describe(
        'Nulls and non-numbers in numeric aggregates, and text that is not a date where a date is read: skip and warn (default), or fail.',
      ),
  })
  .meta({
    id: 'Query',
    description:
      'A query over one dataset, run in the one scan of that dataset: lookup, calculate, filter, groupBy with aggregate, having, fill, window, sort, limit, pivot or fold.',
  });
export type Query = z.infer<typeof Query>;

export const ColumnType = z.enum(['string', 'number', 'date', 'boolean']).describe('Type of a column.');

/** A date format of d3-time-format / strptime directives, such as "%b %d %Y". */
export const DateFormat = z.string().superRefine((format, ctx) => {
  const wrong = checkDateFormat(format);
  if (wrong !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: wrong,
      params: { hint: `use ${DATE_DIRECTIVES} and literal text, e.g. "%b %d %Y"` },
    });
  }
});

/** A declared column: its type, and for dates the format of the text. */
export const ColumnSpec = z
  .strictObject({
    type: ColumnType,
    format: DateFormat.optional().describe(
      'Date columns: the format of the text, e.g. "%b %d %Y". Defaults to ISO dates and YYYY/MM/DD.',
    ),
  })
  .superRefine((c, ctx) => {
    if (c.format !== undefined && c.type !== 'date') {
      ctx.addIssue({ code: 'custom', path: ['format'], message: 'format applies to date columns only' });
    }
  })
  .describe('A column type, with the format of its text for dates.');

const Columns = z
  .record(z.string(), z.union([ColumnType, ColumnSpec]))
  .optional()
  .describe(
    'Declared column types (a type, or { type, format }); other columns are inferred (numbers become numbers).',
  );

const SOURCE = 'Where the rows come from: inline, csv, ndjson, json, sqlite, postgres, parquet or duckdb.';

/** The resources DuckDB may use for a `parquet` or `duckdb` dataset. */
const DuckdbLimits = {
  memoryLimitMb: z
    .int()
    .positive()
    .max(1_048_576)
    .optional()
    .describe('Memory DuckDB may use, in MiB, past which it spills to a temp folder. Defaults to 1024.'),
  threads: z
    .int()
    .positive()
    .max(256)
    .optional()
    .describe("Threads DuckDB may use. Defaults to the machine's cores, at most 4."),
  timeoutMs: z
    .int()
    .positive()
    .max(MAX_TIMEOUT_MS)
    .optional()
    .describe(
      'Limit for each statement (and each read of rows), in ms. Defaults to 60000; at most 2^31 - 1.',
    ),
};

export const Dataset = z
  .discriminatedUnion('source', [
    z
      .strictObject({
        source: z.literal('inline').describe(SOURCE),
        rows: z.array(z.record(z.string(), Scalar)).describe('The rows, as objects.'),
        columns: Columns,
      })
      .describe('Rows written in the report itself.'),
    z
      .strictObject({
        source: z.literal('csv').describe(SOURCE),
        path: z
          .string()
          .min(1)
          .describe(
            'CSV file, relative to the report file; or a glob (`sales/2025-*.csv`, `logs/**/*.csv`: *, ?, [abc], {a,b}, **) whose files, in sorted path order, are read as one dataset. The files must have the same columns (in any order); at most 10,000 files.',
          ),
        delimiter: z.string().length(1).optional().describe('Field delimiter. Defaults to ",".'),
        columns: Columns,
      })
      .describe('A CSV file with a header row.'),
    z
      .strictObject({
        source: z.literal('ndjson').describe(SOURCE),
        path: z
          .string()
          .min(1)
          .describe(
            'Newline-delimited JSON file (one object per line), relative to the report file; or a glob (`logs/*.ndjson`, `logs/**/*.ndjson`: *, ?, [abc], {a,b}, **) whose files, in sorted path order, are read as one dataset; at most 10,000 files.',
          ),
        columns: Columns,
      })
      .describe('A newline-delimited JSON file.'),
    z
      .strictObject({
        source: z.literal('json').describe(SOURCE),
        path: z.string().min(1).describe('JSON file holding one top-level array of objects (streamed).'),
        columns: Columns,
      })
      .describe('A JSON file holding an array of objects.'),
    z
      .strictObject({
        source: z.literal('sqlite').describe(SOURCE),
        path: z.string().min(1).describe('SQLite database file, opened read-only.'),
        table: z.string().min(1).optional().describe('Table (or view) to read.'),
        query: z.string().min(1).optional().describe('SQL query to read (instead of table).'),
        columns: Columns,
      })
      .describe('A table or query of a SQLite database; queries are pushed down to SQL.'),
    z
      .strictObject({
        source: z.literal('postgres').describe(SOURCE),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax of the URL.
        url: z.string().min(1).describe('Connection URL; `${ENV_VAR}` is replaced from the environment.'),
        table: z.string().min(1).optional().describe('Table (or view) to read, optionally schema-qualified.'),
        query: z.string().min(1).optional().describe('SQL query to read (instead of table).'),
        timeoutMs: z
          .int()
          .positive()
          .max(MAX_TIMEOUT_MS)
          .optional()
          .describe('Limit for connecting and for each read, in ms. Defaults to 30000; at most 2^31 - 1.'),
        columns: Columns,
      })
      .describe('A table or query of a PostgreSQL database; queries are pushed down to SQL.'),
    z
      .strictObject({
        source: z.literal('parquet').describe(SOURCE),
        path: z
          .string()
          .min(1)
          .describe(
            'Parquet file, or a glob of files read as one (`sales/2025-*.parquet`), relative to the report file.',
          ),
        ...DuckdbLimits,
        columns: Columns,
      })
      .describe('Parquet files, read through DuckDB; queries are pushed down to SQL.'),
    z
      .strictObject({
        source: z.literal('duckdb').describe(SOURCE),
        path: z
          .string()
          .min(1)
          .optional()
          .describe(
            "DuckDB database file, opened read-only. Without it, `query` reads files (`select * from 'logs/*.csv'`).",
          ),
        table: z
          .string()
          .min(1)
          .optional()
          .describe('Table (or view) of the database file to read, optionally schema-qualified.'),
        query: z
          .string()
          .min(1)
          .optional()
          .describe(
            'One SELECT to read (instead of table); file paths in it are relative to the report file.',
          ),
        ...DuckdbLimits,
        columns: Columns,
      })
      .describe(
        'A table or query of a DuckDB database file, or a query over files; queries are pushed down to SQL.',
      ),
  ])
  .meta({
    id: 'Dataset',
    description:
      'A table of rows, read once per render: `source` says from where (inline, csv, ndjson, json, sqlite, postgres, parquet, duckdb).',
  });
export type Dataset = z.infer<typeof Dataset>;

export const ParamDef = z
  .strictObject({
    type: z
      .enum(['string', 'number', 'boolean', 'date'])
      .default('string')
      .describe('Type the given value is read as. Defaults to string.'),
    default: Scalar.optional().describe('Value when none is given. Defaults to none: the param is unset.'),
    values: z.array(Scalar).optional().describe('Allowed values. Defaults to any value of the type.'),
    description: z.string().optional().describe('What the param is for.'),
  })
  .describe('A value given at render time (`--param name=value`), used by filters and `when` blocks.');
export type ParamDef = z.infer<typeof ParamDef>;

/** A d3-format specifier such as ",.0f", "$,.2f", ".1%" or ".2s". */
export const NumberFormat = z
  .string()
  .superRefine((format, ctx) => {
    const wrong = checkNumberFormat(format);
    if (wrong !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: wrong,
        params: { hint: 'use a d3-format specifier, e.g. ",.0f", "$,.2f", ".1%", ".2s" or "~s"' },
      });
    }
  })
  .describe('A d3-format specifier, e.g. ",.0f", "$,.2f", ".1%", ".2s".');

/** A table column's format: a d3-format number format, or a d3-time-format date format. */
export const CellFormat = z
  .string()
  .superRefine((format, ctx) => {
    const wrong = checkCellFormat(format);
    if (wrong !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: wrong,
        params: { hint: 'numbers take d3-format (",.0f", "$,.2f", ".1%"), dates d3-time-format ("%b %Y")' },
      });
    }
  })
  .describe(
    'Numbers: a d3-format specifier, e.g. ",.0f". Dates (ISO text): a d3-time-format format, e.g. "%b %d, %Y". Defaults to the same decimals down the column, and time buckets as their bucket.',
  );

const LegendPosition = z.enum(['top', 'bottom', 'left', 'right', 'none']);
const Dimension = z.int().min(10).max(MAX_CHART_SIZE);

/** `min` below `max` when both are given. */
function minBelowMax(scale: { min?: number | undefined; max?: number | undefined }, ctx: z.RefinementCtx) {
  if (scale.min !== undefined && scale.max !== undefined && !(scale.min < scale.max)) {
    ctx.addIssue({
      code: 'custom',
      path: ['max'],
      message: `max (${scale.max}) must be above min (${scale.min})`,
    });
  }
}

const linearScale = {
  zero: z
    .boolean()
    .optional()
    .describe(
      'Stretch the axis to include zero. Defaults to true for bars, areas and lines, false for scatters. An axis that leaves zero out still never crosses it when all the data lies on one side of it (no negative ticks for non-negative data).',
    ),
  min: z
    .number()
    .optional()
    .describe('Lowest value of the axis. Defaults to a round number at or below the data.'),
  max: z
    .number()
    .optional()
    .describe('Highest value of the axis. Defaults to a round number at or above the data.'),
};

/**
 * The scale of a value axis, named by where the axis is drawn: `x` is the horizontal axis on
 * screen, `y` the vertical one (on a horizontal bar chart the values run along `x`).
 */
export const LinearScale = z
  .strictObject(linearScale)
  .superRefine(minBelowMax)
  .describe('Scale of a value axis: `zero`, `min`, `max`.');
/** A value axis scale that may also be logarithmic. */
export const AxisScale = z
  .strictObject({
    ...linearScale,
    log: z
      .boolean()
      .optional()
      .describe(
        'Logarithmic axis (base 10). Every value must be positive: zero or a negative value is refused with CP_ERR_AXIS_SCALE. Ignores `zero`. Defaults to false.',
      ),
  })
  .superRefine(minBelowMax)
  .describe('Scale of a value axis: `zero`, `min`, `max`, `log`.');
export type AxisScale = z.infer<typeof AxisScale>;

/** A reference line across the plot. */
export const Rule = z
  .strictObject({
    x: z
      .union([z.number(), z.string().min(1)])
      .optional()
      .describe('A vertical line at this x: a number, an ISO date on a time axis, or a category.'),
    y: z
      .union([z.number(), z.string().min(1)])
      .optional()
      .describe('A horizontal line at this y: a number, or a category on a horizontal bar chart.'),
    label: z.string().optional().describe('Text at the end of the line. Defaults to none.'),
  })
  .superRefine((rule, ctx) => {
    if ((rule.x === undefined) === (rule.y === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a rule takes exactly one of x or y' });
    }
  })
  .describe('A dashed reference line at `x` (vertical) or `y` (horizontal), with an optional label.');
export type Rule = z.infer<typeof Rule>;

const rules = z
  .array(Rule)
  .max(100)
  .optional()
  .describe(
    'Reference lines, e.g. `[{ y: 0, label: target }, { x: 2024-03-01 }]`: dashed, muted, labelled at their end. The value axis stretches to show them. Defaults to none.',
  );

/** Options every chart type accepts. */
const commonOptions = {
  width: Dimension.optional().describe(
    'Width in pixels, 10 to 10000. Defaults to 600 (sparkline: 100, kpi: 260).',
  ),
  height: Dimension.optional().describe(
    'Height in pixels, 10 to 10000. Defaults to 400 (sparkline: 20, kpi: 130).',
  ),
  subtitle: z.string().optional().describe('Line under the chart title. Defaults to none.'),
  xTitle: z
    .string()
    .optional()
    .describe(
      'Title of the horizontal axis as drawn (on a horizontal bar chart, the value axis). Defaults to none.',
    ),
  yTitle: z
    .string()
    .optional()
    .describe(
      'Title of the vertical axis as drawn (on a horizontal bar chart, the category axis). Defaults to none.',
    ),
  legend: LegendPosition.optional().describe(
    'Legend position, or none. Defaults to bottom when there are series.',
  ),
  colors: z
    .union([
      z.array(z.string().min(1)).min(1),
      z.record(z.string(), z.string().min(1)).describe('A colour per value, e.g. { GOOG: "#1f5fa8" }.'),
    ])
    .optional()
    .describe(
      'A list: the palette of this chart, in place of the theme palette. A map: the colour of these values of the series (pie: slice, scatter: color) field in this chart, over the report colours. Defaults to the theme palette, in the sorted order of the values across the report.',
    ),
  numberFormat: NumberFormat.optional().describe(
    'Number format for axes, labels and tooltips, as d3-format writes it, e.g. ",.0f", "$,.2f", ".1%", ".2s". Defaults to the same decimals across the chart, in M/B/T from a million up.',
  ),
  labelRotate: z
    .number()
    .min(-90)
    .max(90)
    .optional()
    .describe('Rotation of category axis labels in degrees, -90 to 90. Defaults to 0.'),
  grid: z.boolean().optional().describe('Grid lines. Defaults to true (theme may change it).'),
  theme: enumOf(ThemeName).optional().describe('Theme. Defaults to the report theme, then `default`.'),
  echarts: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Raw ECharts option, deep-merged into the generated one (escape hatch). Defaults to none.'),
  timeoutMs: z
    .int()
    .positive()
    .max(MAX_TIMEOUT_MS)
    .optional()
    .describe(
      'Milliseconds this chart may take to render; it is then drawn in a worker and stopped when over. Defaults to the engine timeout (10000); at most 2^31 - 1.',
    ),
};

const Encode = z
  .strictObject({
    x: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Column along the category or time axis (scatter: x values; pie: slice names; gantt: start time; heatmap: columns; boxplot: groups; kpi: the order of the sparkline, naming the comparison).',
      ),
    x2: z.string().min(1).optional().describe('Gantt: end time.'),
    y: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe(
        'Column of values (pie: slice sizes; gantt: task names; heatmap: rows; boxplot: the observations; kpi: the number, of the last row). Bar, line, area, scatter and boxplot also take a list, e.g. [median, p90]: each column drawn as a series named by it, with a legend (the columns are folded into two columns, `series` and `value`; not with encode.series, nor scatter color; areas then overlap unless `stacked: true`).',
      ),
    y2: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Combo: the second measure (on the right axis). Kpi: the value to compare with, of the last row.',
      ),
    series: z
      .string()
      .min(1)
      .optional()
      .describe('One line / bar group / area layer / gantt category / box per value.'),
    size: z.string().min(1).optional().describe('Scatter: point size.'),
    color: z
      .string()
      .min(1)
      .optional()
      .describe('Scatter: point colour (by category). Heatmap: the value that colours each cell.'),
  })
  .meta({ id: 'Encode', description: 'Which output column of `data` feeds each channel of the chart.' });
export type Encode = z.infer<typeof Encode>;
/** The encode of a normalized chart: `y` names one column (a list of them is folded into series). */
export type ChartEncode = Omit<Encode, 'y'> & { readonly y?: string | undefined };

/** Most panels a faceted chart draws by default. */
export const FACET_MAX_PANELS = 24;
/** Panels per row of a faceted chart by default. */
export const FACET_COLUMNS = 3;

/** Small multiples: one panel per value of a field. */
export const Facet = z
  .strictObject({
    field: z
      .string()
      .min(1)
      .describe(
        'Output column whose values each get a panel, in the order the query gives them. A grouped query is grouped by it too.',
      ),
    columns: z
      .int()
      .min(1)
      .max(12)
      .optional()
      .describe(`Panels per row, 1 to 12. Defaults to ${FACET_COLUMNS} (fewer when there are fewer panels).`),
    maxPanels: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(
        `Most panels drawn, 1 to 100; more values than this is CP_ERR_TOO_MANY_PANELS (filter the data, or raise it). Defaults to ${FACET_MAX_PANELS}.`,
      ),
  })
  .meta({
    id: 'Facet',
    description:
      'Small multiples (bar, line, area, scatter, combo, pie): one panel per value of `field`, in a grid, with shared scales and one legend.',
  });
export type Facet = z.infer<typeof Facet>;

const chartBase = {
  extends: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Name of a chart under `charts:` this one starts from: its fields are deep-merged (objects merge, lists and values are replaced by the ones given here). `type`, `data` and `encode` may then be left out.',
    ),
  title: z.string().optional().describe('Title above the chart. Defaults to none.'),
  data: Query,
  encode: Encode,
  facet: Facet.optional().describe(
    'Small multiples: one panel per value of a field, e.g. { field: region, columns: 3 }. Defaults to none.',
  ),
};

/** A chart of one type: its `type`, the common fields, and the options of that type. */
function chartOf<T extends ChartType, O extends z.ZodType>(type: T, options: O, description: string) {
  const name = `${type.charAt(0).toUpperCase()}${type.slice(1)}Chart`;
  return z
    .strictObject({
      type: z
        .literal(type)
        .describe(
          'Chart type: bar, line, area, pie, scatter, sparkline, gantt, combo, heatmap, boxplot or kpi.',
        ),
      ...chartBase,
      options: options.optional().describe(`Options of a ${type} chart. Defaults to none.`),
    })
    .meta({ id: name, description });
}

export const BarOptions = z.strictObject({
  ...commonOptions,
  orientation: z.enum(['vertical', 'horizontal']).optional().describe('Defaults to vertical.'),
  stacked: z.boolean().optional().describe('Stack series instead of grouping them. Defaults to false.'),
  labels: z.boolean().optional().describe('Value labels on bars. Defaults to false.'),
  barGap: z
    .number()
    .min(-100)
    .max(100)
    .optional()
    .describe('Gap between bars of a group, in % of bar width. Defaults to 20.'),
  x: LinearScale.optional().describe('Scale of the horizontal axis when it shows values (horizontal bars).'),
  y: LinearScale.optional().describe('Scale of the vertical axis when it shows values (vertical bars).'),
  rules,
});
export const LineOptions = z.strictObject({
  ...commonOptions,
  downsample: z
    .boolean()
    .optional()
    .describe('Reduce series longer than twice the width in pixels with LTTB. Defaults to true.'),
  smooth: z.boolean().optional().describe('Defaults to false.'),
  markers: z
    .union([z.boolean(), z.literal('auto')])
    .optional()
    .describe(
      'Point markers: true, false, or auto (drawn when each line has at most one point per 12 px of plot width). Defaults to auto.',
    ),
  lineWidth: z.number().min(0).max(20).optional().describe('Defaults to 2.'),
  gaps: z
    .enum(['connect', 'break'])
    .optional()
    .describe(
      'Where a series lacks a point other series have: connect joins its line across, break leaves a gap. Defaults to connect (break when the query fills missing buckets).',
    ),
  labels: z.boolean().optional().describe('Value labels. Defaults to false.'),
  y: AxisScale.optional().describe('Scale of the value axis. Includes zero unless `zero: false`.'),
  rules,
});
export const AreaOptions = z.strictObject({
  ...commonOptions,
  downsample: z
    .boolean()
    .optional()
    .describe('Reduce series longer than twice the width in pixels with LTTB. Defaults to true.'),
  stacked: z.boolean().optional().describe('Stack layers. Defaults to true.'),
  opacity: z.number().min(0).max(1).optional().describe('Fill opacity. Defaults to 0.35 (0.8 when stacked).'),
  smooth: z.boolean().optional().describe('Defaults to false.'),
  lineWidth: z.number().min(0).max(20).optional().describe('Defaults to 1.5.'),
  gaps: z
    .enum(['connect', 'break'])
    .optional()
    .describe(
      'Where a series lacks a point other series have (unstacked: a stack counts it as zero): connect joins its line across, break leaves a gap. Defaults to connect (break when the query fills missing buckets).',
    ),
  y: LinearScale.optional().describe('Scale of the value axis. Includes zero unless `zero: false`.'),
  rules,
});
export const PieOptions = z.strictObject({
  ...commonOptions,
  innerRadius: z.number().min(0).max(90).optional().describe('Inner radius in % (donut). Defaults to 0.'),
  labels: z
    .enum(['percent', 'value', 'name', 'none'])
    .optional()
    .describe('Slice labels. Defaults to percent.'),
});
export const ScatterOptions = z.strictObject({
  ...commonOptions,
  downsample: z
    .boolean()
    .optional()
    .describe(
      'With more points than twice the width in pixels, keep one point per series in each cell a quarter of the point size wide (the one drawn on top): the picture stays the same. Defaults to true.',
    ),
  pointSize: z
    .number()
    .min(1)
    .max(100)
    .optional()
    .describe('Point size in px (max size when `size` is encoded). Defaults to 8.'),
  x: AxisScale.optional().describe(
    'Scale of the x axis when x is numeric. Leaves zero out unless `zero: true`.',
  ),
  y: AxisScale.optional().describe('Scale of the y axis. Leaves zero out unless `zero: true`.'),
  rules,
});
export const SparklineOptions = z.strictObject({
  ...commonOptions,
  downsample: z
    .boolean()
    .optional()
    .describe('Reduce series longer than twice the width in pixels with LTTB. Defaults to true.'),
  showMin: z.boolean().optional().describe('Mark the minimum. Defaults to false.'),
  showMax: z.boolean().optional().describe('Mark the maximum. Defaults to false.'),
  showLast: z.boolean().optional().describe('Mark the last point. Defaults to true.'),
  lineWidth: z.number().min(0).max(20).optional().describe('Defaults to 1.5.'),
  area: z.boolean().optional().describe('Fill under the line. Defaults to false.'),
});
export const GanttOptions = z.strictObject({
  ...commonOptions,
  labels: z.boolean().optional().describe('Task names on the bars. Defaults to true.'),
});
export const ComboMark = z.enum(['bar', 'line', 'area']);
export const ComboOptions = z.strictObject({
  ...commonOptions,
  marks: z
    .array(ComboMark)
    .length(2)
    .optional()
    .describe('The mark of each measure, y then y2: bar, line or area. Defaults to [bar, line].'),
  dualAxis: z
    .boolean()
    .optional()
    .describe(
      'Draw y2 against an axis of its own, on the right. Defaults to true; false draws both measures against the left axis (the same unit, e.g. actual and target).',
    ),
  y2Title: z.string().optional().describe('Title of the right axis (y2). Defaults to none.'),
  y2Format: NumberFormat.optional().describe(
    'Number format of y2: its axis, labels and tooltips, e.g. ".0%". Defaults to the automatic format of its values (numberFormat when it shares the left axis).',
  ),
  labels: z.boolean().optional().describe('Value labels on bars and points. Defaults to false.'),
  lineWidth: z.number().min(0).max(20).optional().describe('Stroke of lines and areas. Defaults to 2.'),
  smooth: z.boolean().optional().describe('Curved lines. Defaults to false.'),
  markers: z
    .union([z.boolean(), z.literal('auto')])
    .optional()
    .describe(
      'Point markers on lines: true, false, or auto (drawn when there is at most one point per 12 px of plot width). Defaults to auto.',
    ),
  y: LinearScale.optional().describe('Scale of the left axis. Includes zero unless `zero: false`.'),
  y2: LinearScale.optional().describe('Scale of the right axis. Includes zero unless `zero: false`.'),
  rules,
});
export const HeatmapOptions = z.strictObject({
  ...commonOptions,
  labels: z
    .boolean()
    .optional()
    .describe("Each cell's value written in it, where it fits. Defaults to false."),
  colorScale: z
    .enum(['sequential', 'diverging'])
    .optional()
    .describe(
      "sequential: from a light tint to the palette's first colour; diverging: the theme's negative colour below zero, positive above, light at zero. A `colors` list gives the stops instead. Defaults to sequential.",
    ),
});
export const BoxplotOptions = z.strictObject({
  ...commonOptions,
  whisker: z
    .union([z.number().positive().max(100), z.literal('minmax')])
    .optional()
    .describe(
      'Reach of the whiskers: a multiple k of the interquartile range (each whisker ends at the last observation within k × IQR of the box; those beyond are outliers), or minmax (the smallest and largest observations; no outliers). Defaults to 1.5.',
    ),
  outliers: z.boolean().optional().describe('Draw outliers as points. Defaults to true.'),
  y: LinearScale.optional().describe('Scale of the value axis. Leaves zero out unless `zero: true`.'),
  rules,
});
export const KpiOptions = z.strictObject({
  ...commonOptions,
  compare: z
    .union([z.enum(['previous', 'first', 'none']), z.number()])
    .optional()
    .describe(
      'What the number (y of the last row) is compared with: the row before it (previous), the first row (first), a number (a target), or none. With encode.y2, its cell in the last row. Defaults to previous.',
    ),
  delta: z
    .enum(['percent', 'absolute', 'both'])
    .optional()
    .describe('How the change is written: +4.2%, +1.2k, or both. Defaults to percent.'),
  better: z
    .enum(['higher', 'lower'])
    .optional()
    .describe(
      "Which way is good: a change that way is drawn in the theme's positive colour, the other in its negative colour. Defaults to higher (lower: costs, churn).",
    ),
  compareLabel: z
    .string()
    .optional()
    .describe(
      'Text after the change. Defaults to "vs" and what is compared with: the x of that row ("vs Nov 2025"), the y2 column, or the number.',
    ),
  sparkline: z
    .boolean()
    .optional()
    .describe('Every row of y as a small line under the number (from two rows). Defaults to true.'),
});

export const ChartSpec = z
  .discriminatedUnion('type', [
    chartOf('bar', BarOptions, 'Bars per category (x), grouped or stacked by series.'),
    chartOf('line', LineOptions, 'Lines over a category or time axis (x), one per series.'),
    chartOf('area', AreaOptions, 'Filled lines over a category or time axis (x), stacked by series.'),
    chartOf('pie', PieOptions, 'Slices named by x (or series), sized by y; a donut with innerRadius.'),
    chartOf('scatter', ScatterOptions, 'Points at (x, y), sized by size and coloured by color.'),
    chartOf('sparkline', SparklineOptions, 'A small line without axes, to sit in text or a row.'),
    chartOf('gantt', GanttOptions, 'Tasks (y) as bars from x to x2, coloured by series.'),
    chartOf('combo', ComboOptions, 'Two measures (y, y2) over x as bars and lines, y2 on a right axis.'),
    chartOf('heatmap', HeatmapOptions, 'Cells of x by y, coloured by the value `color` on a colour scale.'),
    chartOf(
      'boxplot',
      BoxplotOptions,
      'The distribution of y per x (and series): quartiles, whiskers, outliers.',
    ),
    chartOf(
      'kpi',
      KpiOptions,
      'A big number (y of the last row), its change against a comparison, a sparkline.',
    ),
  ])
  .meta({
    id: 'Chart',
    description:
      'A chart: its `type` (bar, line, area, pie, scatter, sparkline, gantt, combo, heatmap, boxplot, kpi), its data, encode and options.',
  });
export type ChartSpec = z.infer<typeof ChartSpec>;

const ChartRef = z
  .union([z.string().min(1).describe('Name of a chart under `charts:`.'), ChartSpec])
  .describe('A chart by name, or a chart written in place.');

export const Condition = z
  .union([
    z.string().min(1).describe('A param name: true when the param is truthy; `!name` negates.'),
    z.strictObject({
      param: z.string().min(1).describe('Name of a param under `params:`.'),
      eq: Scalar.optional().describe('True when the param has this value.'),
      ne: Scalar.optional().describe('True when the param has another value.'),
    }),
  ])
  .describe('When a block shows: a param name (truthy), `!name`, or { param, eq | ne }.');
export type Condition = z.infer<typeof Condition>;

/** The colour names a table takes from the theme. */
export const TableColorName = {
  positive: 'positive',
  negative: 'negative',
  muted: 'muted',
  accent: 'accent',
  text: 'text',
} as const;
export type TableColorName = keyof typeof TableColorName;

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** A colour in a table: a theme colour by name, or a hex colour. */
export const TableColor = z
  .string()
  .superRefine((c, ctx) => {
    if (Object.hasOwn(TableColorName, c) || HEX_COLOR.test(c)) return;
    ctx.addIssue({
      code: 'custom',
      message: `expected one of ${Object.keys(TableColorName).join('|')} or a hex colour such as "#d1495b", got ${JSON.stringify(c)}`,
      params: { hint: 'name a theme colour, or write #rgb / #rrggbb' },
    });
  })
  .describe('A theme colour (positive, negative, muted, accent, text) or a hex colour such as "#d1495b".');

/** How a totals row sums up a column. */
export const TotalsOp = { sum: 'sum', avg: 'avg', min: 'min', max: 'max', count: 'count' } as const;
export type TotalsOp = keyof typeof TotalsOp;

/** A conditional style of a table's cells or rows. */
export const TableStyle = z
  .strictObject({
    when: z
      .union([Filter, z.array(Filter).min(1)])
      .describe(
        'Condition on the row (as in `filter`; a list: all must hold), e.g. { field: margin, op: lt, value: 0 }.',
      ),
    color: TableColor.optional().describe('Text colour. Defaults to the text colour.'),
    background: TableColor.optional().describe(
      'Background colour: a theme colour drawn as a light tint, a hex colour as written. Defaults to none.',
    ),
    bold: z.boolean().optional().describe('Bold text. Defaults to false.'),
    row: z.boolean().optional().describe('Style the whole row. Defaults to false: the cells of `columns`.'),
    columns: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Columns whose cells take the style. Defaults to the columns the condition tests.'),
  })
  .describe('Styles the cells (or the whole row) of the rows that meet a condition; later rules win.');
export type TableStyle = z.infer<typeof TableStyle>;

/** A table column drawn as a small line per row, from the rows of a series query. */
export const TableSparkline = z
  .strictObject({
    from: z
      .union([z.string().min(1), Query])
      .describe('The series: a query, or the name of a chart under `charts:` whose query to use.'),
    key: z
      .string()
      .min(1)
      .describe(
        "Column that the series and the table share: a row's line is the series rows with its value.",
      ),
    x: z
      .string()
      .min(1)
      .optional()
      .describe('Column along the line (the series query sorts it). Defaults to none.'),
    y: z.string().min(1).describe('Column of the values drawn.'),
    width: z.int().min(20).max(600).optional().describe('Width of each line in px. Defaults to 100.'),
    height: z.int().min(8).max(200).optional().describe('Height of each line in px. Defaults to 20.'),
  })
  .describe(
    "Draws the column as a sparkline per row: the rows of `from` whose `key` equals the row's, e.g. { from: monthly, key: region, x: month, y: revenue }. The column's `field` names it.",
  );
export type TableSparkline = z.infer<typeof TableSparkline>;

/** A table column with its options. */
export const TableColumn = z.strictObject({
  field: z.string().min(1).describe('Output column to show.'),
  title: z.string().optional().describe('Header. Defaults to the field name.'),
  format: CellFormat.optional(),
  align: z
    .enum(['left', 'center', 'right'])
    .optional()
    .describe('Alignment of the header and cells. Defaults to right for numbers, left otherwise.'),
  width: z
    .number()
    .min(10)
    .max(1000)
    .optional()
    .describe('Width in points (HTML: the same in pt). Defaults to as wide as its widest cell.'),
  bar: z
    .union([z.boolean(), TableColor])
    .optional()
    .describe(
      'Draw a bar beside each number, its length proportional to the value from zero (negative values to the left, in the negative colour); a colour names the bar colour. Defaults to false; accent when true.',
    ),
  sparkline: TableSparkline.optional(),
});
export type TableColumn = z.infer<typeof TableColumn>;

export const TableBlock = z
  .strictObject({
    data: Query,
    title: z.string().optional().describe('Title above the table, kept on its page. Defaults to none.'),
    columns: z
      .array(z.union([z.string().min(1), TableColumn]))
      .optional()
      .describe('Columns to show, in order. Defaults to every output column.'),
    style: z
      .array(TableStyle)
      .optional()
      .describe(
        'Conditional styles of cells or rows, e.g. [{ when: { field: margin, op: lt, value: 0 }, color: negative }].',
      ),
    totals: z
      .union([enumOf(TotalsOp), z.record(z.string().min(1), enumOf(TotalsOp))])
      .optional()
      .describe(
        'A totals row under the table, computed over all its rows: one op (sum, avg, min, max, count) for every number column, or an op by column, e.g. { revenue: sum, margin: avg }. Defaults to none.',
      ),
    subtotals: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A column to subtotal by: after each run of shown rows with the same value in it, a row with the ops of `totals` (sum when it is not set) over the run. Sort the query by it. Defaults to none.',
      ),
    fill: z
      .union([z.number(), z.string()])
      .optional()
      .describe(
        "What a cell without a value shows (a missing pivot cell, a null): a number, written in its column's format (in number columns; others show a dash), or a text. Defaults to a dash, or 0 in the columns of a pivot whose query fills with zero.",
      ),
  })
  .describe('A table of the output rows of a query.');
export type TableBlock = z.infer<typeof TableBlock>;

export type Block =
  | { heading: string; level?: number | undefined }
  | { text: string }
  | { chart: string | ChartSpec; caption?: string | undefined }
  | { row: Block[] }
  | { when: Condition; then: Block[]; else?: Block[] | undefined }
  | { table: TableBlock }
  | { pagebreak: true };

export const Block: z.ZodType<Block> = z
  .lazy(() =>
    z.union([
      z.strictObject({
        heading: z
          .string()
          .describe('A section heading, kept with what follows it; may hold `{{ name.field }}` values.'),
        level: z.int().min(1).max(4).optional().describe('Heading level, 1 to 4. Defaults to 1.'),
      }),
      z.strictObject({
        text: z
          .string()
          .describe(
            'A paragraph, with inline Markdown (bold, italic, code, links) and `{{ name.field | format }}` values.',
          ),
      }),
      z.strictObject({
        chart: ChartRef,
        caption: z
          .string()
          .optional()
          .describe('Text under the chart; may hold `{{ name.field }}` values. Defaults to none.'),
      }),
      z.strictObject({
        row: z.array(Block).min(1).describe('Blocks side by side, each in a cell of equal width.'),
      }),
      z.strictObject({
        when: Condition,
        then: z.array(Block).describe('Blocks shown when the condition holds.'),
        else: z.array(Block).optional().describe('Blocks shown otherwise. Defaults to none.'),
      }),
      z.strictObject({ table: TableBlock }),
      z.strictObject({ pagebreak: z.literal(true).describe('Starts a new page.') }),
    ]),
  )
  .meta({
    id: 'Block',
    description: 'A block of the body: one of heading, text, chart, row, when, table, pagebreak.',
  });

export const Report = z.strictObject({
  $schema: z
    .string()
    .optional()
    .describe(
      'The JSON Schema this file follows, for editors (e.g. the output of `chartpress schema`). Ignored.',
    ),
  title: z.string().describe('Document title.'),
  subtitle: z.string().optional().describe('Line under the title. Defaults to none.'),
  author: z.string().optional().describe('Author line under the title. Defaults to none.'),
  date: z.string().optional().describe('Date line under the title, shown as given.'),
  theme: enumOf(ThemeName).optional().describe('Default theme for every chart. Defaults to `default`.'),
  timezone: z
    .string()
    .min(1)
    .optional()
    .describe(
      'IANA time zone of the whole report, e.g. "Europe/Paris": the default `timezone` of every groupBy time bucket and of every query with `calculate` (its date functions) that sets none. Defaults to UTC.',
    ),
  colors: z
    .record(z.string().min(1), z.record(z.string(), z.string().min(1)))
    .optional()
    .describe(
      'Pinned colours by field, then value, for every chart that colours by that field, e.g. { cylinders: { "8": "#d1495b" } }. Other values take the palette in sorted order across the report.',
    ),
  page: z
    .strictObject({
      size: z.enum(['a4', 'us-letter']).optional().describe('Defaults to a4.'),
      orientation: z.enum(['portrait', 'landscape']).optional().describe('Defaults to portrait.'),
    })
    .optional()
    .describe('Page size and orientation of the PDF. Defaults to a4 portrait.'),
  interactive: z
    .boolean()
    .optional()
    .describe(
      'HTML only: charts with tooltips, legend toggling and zoom on long series (the ECharts runtime is embedded once; the static SVG stays as the fallback). PDF ignores it. Defaults to false.',
    ),
  params: z
    .record(z.string().min(1), ParamDef)
    .optional()
    .describe('Values given at render time, by name. Defaults to none.'),
  datasets: z
    .record(z.string().min(1), Dataset)
    .default({})
    .describe('Tables of rows, by name; each is read once per render. Defaults to none.'),
  charts: z
    .record(z.string().min(1), ChartSpec)
    .default({})
    .describe('Charts by name. Only the charts the body reaches are rendered. Defaults to none.'),
  values: z
    .record(z.string().regex(/^[A-Za-z_][\w-]*$/, 'a value name is letters, digits, _ and -'), Query)
    .optional()
    .describe(
      'Named queries whose rows text, headings and captions show with `{{ name.field }}`, e.g. { growth: { from: sales, aggregate: { pct: { op: avg, field: growth } } } }. Each runs in the one scan of its dataset, only when the body shows it. Defaults to none.',
    ),
  body: z.array(Block).min(1).describe('The document: its blocks, in order.'),
});
export type Report = z.infer<typeof Report>;
/** A report as written by a user, before defaults are applied. */
export type ReportInput = z.input<typeof Report>;
