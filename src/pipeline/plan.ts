import type { Value } from '../data/frame.js';
import { type BlockOf, visitBlocks } from '../spec/blocks.js';
import { defaultTheme, type NormalizedChart } from '../spec/defaults.js';
import { conditionParam, isParamRef, normalizeChart } from '../spec/normalize.js';
import type { Params } from '../spec/params.js';
import type { Condition, Query, Report, TableBlock } from '../spec/schema.js';

/** A chart placed in the document. */
export interface ChartUse {
  /** The chart id: its name under `charts:`, or the body path of an inline chart. */
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
}

/** A query to run, and where it was written (for messages). */
export interface PlannedQuery {
  readonly query: Query;
  readonly path: string;
}

/** The body after `when` is decided: what the document shows, in order. */
export type PlanBlock =
  | { readonly kind: 'heading'; readonly text: string; readonly level: number }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'chart'; readonly use: ChartUse; readonly caption?: string | undefined }
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

  const chartUse = (ref: BlockOf<'chart'>['chart'], path: string): ChartUse => {
    const id = typeof ref === 'string' ? ref : path;
    const known = charts.get(id);
    if (known) return known;
    const spec = typeof ref === 'string' ? report.charts[ref] : ref;
    if (!spec) throw new Error(`chart "${id}" was not checked before planning`);
    const use = {
      id,
      path: typeof ref === 'string' ? `charts.${ref}` : path,
      chart: normalizeChart(id, spec, theme),
    };
    charts.set(id, use);
    return use;
  };

  const blocks = visitBlocks<PlanBlock>(report.body, 'body', {
    heading: (b, at) => (at.reached ? { kind: 'heading', text: b.heading, level: b.level ?? 1 } : undefined),
    text: (b, at) => (at.reached ? { kind: 'text', text: b.text } : undefined),
    chart: (b, { path, reached }) => {
      if (reached) return { kind: 'chart', use: chartUse(b.chart, `${path}.chart`), caption: b.caption };
      const id = typeof b.chart === 'string' ? b.chart : `${path}.chart`;
      skipped.set(id, typeof b.chart === 'string' ? (report.charts[b.chart]?.type ?? 'bar') : b.chart.type);
      return undefined;
    },
    row: (_, at, items) => (at.reached ? { kind: 'row', items } : undefined),
    table: (b, { path, reached }) => {
      if (!reached) return undefined;
      const use = { id: `${path}.table`, path: `${path}.table`, table: b.table };
      tables.set(use.id, use);
      return { kind: 'table', use };
    },
    pagebreak: (_, at) => (at.reached ? { kind: 'pagebreak' } : undefined),
    when: (b) => (holds(b.when, params) ? 'then' : 'else'),
  });
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
  for (const use of tables.values())
    add(use.id, withoutUnsetParams(use.table.data, params), `${use.path}.data`);

  return {
    blocks,
    charts,
    tables,
    queries,
    skipped: [...skipped].map(([id, type]) => ({ id, type })),
  };
}

/**
 * Drops filters whose value is a param with no value: an unset param means "all" (a report can
 * filter by `{param: region}` and still show every region when none is given). Filter indexes
 * in error paths refer to the query as written, so only queries with such filters change.
 */
function withoutUnsetParams(query: Query, params: Params): Query {
  if (!query.filter?.some((f) => isUnsetParam(f.value, params))) return query;
  return { ...query, filter: query.filter.filter((f) => !isUnsetParam(f.value, params)) };
}

function isUnsetParam(value: unknown, params: Params): boolean {
  return isParamRef(value) && (params[value.param] ?? null) === null;
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
