import { chartPxFor, type PageSpec, rowCellPt, textWidthPt } from '../document/page.js';
import type { Value } from '../frame.js';
import { type BlockOf, visitBlocks } from '../spec/blocks.js';
import { chartDefaults, defaultTheme, type NormalizedChart, pageDefaults } from '../spec/defaults.js';
import { conditionParam, isParamRef, normalizeChart } from '../spec/normalize.js';
import type { Params } from '../spec/params.js';
import type { ChartSpec, Condition, Filter, Query, Report, TableBlock, ThemeName } from '../spec/schema.js';
import { hasTemplate, templateRefs } from '../spec/template.js';
import { type ColorPlan, planColors } from './colors.js';
import { planValues, type ValueSource } from './values.js';

/** A chart placed in the document. */
export interface ChartUse {
  /**
   * The chart id: its name under `charts:`, or the body path of an inline chart. A chart placed
   * at two widths (in a row and alone, say) is two pictures: the later width's id takes
   * `@<width>px` after the name.
   */
  readonly id: string;
  /** Field path of the chart's definition, for messages (`charts.revenue`). */
  readonly path: string;
  readonly chart: NormalizedChart;
}

/** A table placed in the document. */
export interface TableUse {
  readonly id: string;
  readonly path: string;
  readonly table: TableBlock;
  /** The run's params, for the conditions of the table's `style`. Defaults to none. */
  readonly params?: Params | undefined;
  /** The report's theme, whose colours the table's styles and bars name. Defaults to `default`. */
  readonly theme?: ThemeName | undefined;
  /** The table's sparkline columns, each a chart drawn once per row. Defaults to none. */
  readonly sparklines?: readonly SparklineUse[] | undefined;
}

/** A sparkline column of a table: its series query runs in the plan, its rows drawn per table row. */
export interface SparklineUse {
  /** Index of the column in the table's `columns`. */
  readonly column: number;
  readonly field: string;
  /** Column the series and the table share. */
  readonly key: string;
  /** The chart each row draws (its query the series'); its id also keys the series query. */
  readonly use: ChartUse;
}

/** A query to run, and where it was written (for messages). */
export interface PlannedQuery {
  readonly query: Query;
  readonly path: string;
}

/** The body after `when` is decided: what the document shows, in order. */
export type PlanBlock =
  | {
      readonly kind: 'heading';
      readonly text: string;
      readonly level: number;
      /** Field path of the text when it holds `{{ }}` values (see values.ts). */
      readonly template?: string | undefined;
    }
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly template?: string | undefined;
      /** The values of a text whose references are resolved, in the order of its markers. */
      readonly values?: readonly string[] | undefined;
    }
  | {
      readonly kind: 'chart';
      readonly use: ChartUse;
      readonly caption?: string | undefined;
      /** Field path of the caption when it holds `{{ }}` values. */
      readonly captionTemplate?: string | undefined;
    }
  | { readonly kind: 'row'; readonly items: readonly PlanBlock[] }
  | { readonly kind: 'table'; readonly use: TableUse }
  | { readonly kind: 'pagebreak' };

export interface Plan {
  readonly blocks: readonly PlanBlock[];
  /** Every chart the body reaches, by id; a chart placed twice is listed once. */
  readonly charts: ReadonlyMap<string, ChartUse>;
  readonly tables: ReadonlyMap<string, TableUse>;
  /** Queries grouped by dataset, keyed by chart or table id: one scan per dataset runs them all. */
  readonly queries: ReadonlyMap<string, ReadonlyMap<string, PlannedQuery>>;
  /** Charts defined or placed that the body does not reach with these params. */
  readonly skipped: readonly { id: string; type: NormalizedChart['type'] }[];
  /** Which charts colour by which field, and the queries reading the fields' values; none: no colours planned. */
  readonly colors?: ColorPlan | undefined;
  /** The charts and named values that reached text refers to, by name; none: no text holds values. */
  readonly values?: ReadonlyMap<string, ValueSource> | undefined;
}

/**
 * Walks the body with the run's params. Only what the body reaches is planned: charts under a
 * false `when` and charts never placed are skipped, and their datasets are not read unless
 * something else needs them.
 */
export function planReport(report: Report, params: Params): Plan {
  const charts = new Map<string, ChartUse>();
  const tables = new Map<string, TableUse>();
  const skipped = new Map<string, NormalizedChart['type']>();
  const theme = report.theme ?? defaultTheme;
  // Chart id -> the width it was first drawn at (undefined: its own).
  const firstWidth = new Map<string, number | undefined>();
  // Names that the reached text refers to with `{{ }}`; their queries run with the charts'.
  const referred = new Set<string>();
  const refer = <K extends string>(text: string | undefined, path: string, key: K) => {
    if (text === undefined || !hasTemplate(text)) return {};
    for (const ref of templateRefs(text)) referred.add(ref.name);
    return { [key]: path } as { [P in K]: string };
  };

  /** The chart drawn at `cellPx` (in a row cell) unless its options set a width. */
  const chartUse = (ref: BlockOf<'chart'>['chart'], path: string, cellPx: number | undefined): ChartUse => {
    const name = typeof ref === 'string' ? ref : path;
    const spec = typeof ref === 'string' ? report.charts[ref] : ref;
    if (!spec) throw new Error(`chart "${name}" was not checked before planning`);
    const sized = cellPx !== undefined && spec.options?.width === undefined ? atWidth(spec, cellPx) : spec;
    const width = sized === spec ? undefined : cellPx;
    if (!firstWidth.has(name)) firstWidth.set(name, width);
    const id = firstWidth.get(name) === width ? name : `${name}@${width ?? chartDefaults[spec.type].width}px`;
    const known = charts.get(id);
    if (known) return known;
    const use = {
      id,
      path: typeof ref === 'string' ? `charts.${ref}` : path,
      chart: normalizeChart(id, sized, theme),
    };
    charts.set(id, use);
    return use;
  };

  const drafts = visitBlocks<Draft>(report.body, 'body', {
    heading: (b, at) =>
      at.reached
        ? {
            kind: 'heading',
            text: b.heading,
            level: b.level ?? 1,
            ...refer(b.heading, `${at.path}.heading`, 'template'),
          }
        : undefined,
    text: (b, at) =>
      at.reached
        ? { kind: 'text', text: b.text, ...refer(b.text, `${at.path}.text`, 'template') }
        : undefined,
    chart: (b, { path, reached }) => {
      if (reached)
        return {
          kind: 'chart',
          ref: b.chart,
          path: `${path}.chart`,
          caption: b.caption,
          ...refer(b.caption, `${path}.caption`, 'captionTemplate'),
        };
      const id = typeof b.chart === 'string' ? b.chart : `${path}.chart`;
      skipped.set(id, typeof b.chart === 'string' ? (report.charts[b.chart]?.type ?? 'bar') : b.chart.type);
      return undefined;
    },
    row: (_, at, items) => (at.reached ? { kind: 'row', items } : undefined),
    table: (b, { path, reached }) => {
      if (!reached) return undefined;
      const id = `${path}.table`;
      const sparklines = tableSparklines(report, b.table, id, theme);
      const use = {
        id,
        path: id,
        table: b.table,
        params,
        theme,
        ...(sparklines.length > 0 ? { sparklines } : {}),
      };
      tables.set(use.id, use);
      return { kind: 'table', use };
    },
    pagebreak: (_, at) => (at.reached ? { kind: 'pagebreak' } : undefined),
    when: (b) => (holds(b.when, params) ? 'then' : 'else'),
  });
  // Charts are sized once the rows they sit in are known: a row's cell decides their width.
  const page: PageSpec = {
    size: report.page?.size ?? pageDefaults.size,
    orientation: report.page?.orientation ?? pageDefaults.orientation,
  };
  const place = (items: readonly Draft[], widthPt: number, inRow: boolean): PlanBlock[] =>
    items.map((d) => {
      if (d.kind === 'chart')
        return {
          kind: 'chart',
          use: chartUse(d.ref, d.path, inRow ? chartPxFor(widthPt) : undefined),
          caption: d.caption,
          ...(d.captionTemplate !== undefined ? { captionTemplate: d.captionTemplate } : {}),
        };
      if (d.kind === 'row')
        return { kind: 'row', items: place(d.items, rowCellPt(widthPt, d.items.length), true) };
      return d;
    });
  const blocks = place(drafts, textWidthPt(page), false);
  for (const [id, spec] of Object.entries(report.charts)) if (!charts.has(id)) skipped.set(id, spec.type);
  for (const id of charts.keys()) skipped.delete(id);

  const queries = new Map<string, Map<string, PlannedQuery>>();
  const add = (id: string, query: Query, path: string) => {
    const forDataset = queries.get(query.from) ?? new Map<string, PlannedQuery>();
    queries.set(query.from, forDataset);
    forDataset.set(id, { query, path });
  };
  for (const use of charts.values())
    add(use.id, withoutUnsetParams(use.chart.query, params), `${use.path}.data`);
  for (const use of tables.values()) {
    add(use.id, withoutUnsetParams(use.table.data, params), `${use.path}.data`);
    for (const s of use.sparklines ?? [])
      add(s.use.id, withoutUnsetParams(s.use.chart.query, params), `${s.use.path}.from`);
  }
  const colors = planColors(charts.values(), report);
  for (const forDataset of colors.queries.values())
    for (const [id, q] of forDataset) add(id, q.query, q.path);
  const values = planValues(report, referred);
  for (const v of values.values()) add(v.id, withoutUnsetParams(v.query, params), v.path);

  return {
    blocks,
    charts,
    tables,
    queries,
    skipped: [...skipped].map(([id, type]) => ({ id, type })),
    colors,
    ...(values.size > 0 ? { values } : {}),
  };
}

/**
 * Drops filters whose value is a param with no value: an unset param means "all" (a report can
 * filter by `{param: region}` and still show every region when none is given), in `filter`,
 * `having` and aggregates' `where`. Filter indexes in error paths refer to the query as
 * written, so only queries with such filters change.
 */
function withoutUnsetParams(query: Query, params: Params): Query {
  const unset = (filters: readonly Filter[] | undefined) =>
    filters?.some((f) => isUnsetParam(f.value, params)) ?? false;
  const aggregates = Object.entries(query.aggregate ?? {});
  if (!unset(query.filter) && !unset(query.having) && !aggregates.some(([, a]) => unset(a.where)))
    return query;
  const keep = (filters: readonly Filter[]) => filters.filter((f) => !isUnsetParam(f.value, params));
  return {
    ...query,
    ...(query.filter ? { filter: keep(query.filter) } : {}),
    ...(query.having ? { having: keep(query.having) } : {}),
    ...(query.aggregate
      ? {
          aggregate: Object.fromEntries(
            aggregates.map(([name, a]) => [name, a.where ? { ...a, where: keep(a.where) } : a]),
          ),
        }
      : {}),
  };
}

function isUnsetParam(value: unknown, params: Params): boolean {
  return isParamRef(value) && (params[value.param] ?? null) === null;
}

/** The body walked, before charts are sized: a chart is its reference until its row is known. */
type Draft =
  | Exclude<PlanBlock, { kind: 'chart' } | { kind: 'row' }>
  | {
      readonly kind: 'chart';
      readonly ref: BlockOf<'chart'>['chart'];
      readonly path: string;
      readonly caption?: string | undefined;
      readonly captionTemplate?: string | undefined;
    }
  | { readonly kind: 'row'; readonly items: readonly Draft[] };

/** The sparkline columns of a table, each with the chart its rows draw. */
function tableSparklines(report: Report, table: TableBlock, id: string, theme: ThemeName): SparklineUse[] {
  const out: SparklineUse[] = [];
  for (const [i, c] of (table.columns ?? []).entries()) {
    if (typeof c === 'string' || !c.sparkline) continue;
    const { from, key, x, y, width, height } = c.sparkline;
    const query = typeof from === 'string' ? report.charts[from]?.data : from;
    if (!query) throw new Error(`chart "${String(from)}" was not checked before planning`);
    const path = `${id}.columns[${i}].sparkline`;
    const spec = {
      type: 'sparkline',
      data: query,
      encode: { ...(x !== undefined ? { x } : {}), y },
      options: { ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) },
    } as ChartSpec;
    out.push({
      column: i,
      field: c.field,
      key,
      use: { id: path, path, chart: normalizeChart(path, spec, theme) },
    });
  }
  return out;
}

/** The least height a chart drawn for a row cell takes when its options set none, in px. */
export const ROW_CHART_MIN_HEIGHT = 200;

/**
 * A chart drawn `px` wide. Its height, unless set, keeps the proportions of the type's default
 * size, but no less than ROW_CHART_MIN_HEIGHT (or the default height, when smaller: a
 * sparkline keeps its shape), so that a narrow chart keeps room to plot beside its text.
 */
function atWidth(spec: ChartSpec, px: number): ChartSpec {
  const d = chartDefaults[spec.type];
  const least = Math.min(d.height, ROW_CHART_MIN_HEIGHT);
  const height = spec.options?.height ?? Math.max(least, Math.round((d.height * px) / d.width));
  return { ...spec, options: { ...spec.options, width: px, height } } as ChartSpec;
}

/** Whether a `when` condition holds for these params. */
export function holds(cond: Condition, params: Params): boolean {
  const value: Value = params[conditionParam(cond)] ?? null;
  if (typeof cond === 'string') return cond.startsWith('!') ? !truthy(value) : truthy(value);
  if (cond.eq !== undefined) return value === cond.eq;
  if (cond.ne !== undefined) return value !== cond.ne;
  return truthy(value);
}

function truthy(v: Value): boolean {
  return v !== null && v !== false && v !== 0 && v !== '' && v !== 'false';
}
