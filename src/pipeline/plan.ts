import type { Value } from '../data/frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { conditionParam, isParamRef, normalizeChart } from '../spec/normalize.js';
import type { Params } from '../spec/params.js';
import type { Block, Condition, Query, Report, TableBlock } from '../spec/schema.js';

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
  const theme = report.theme ?? 'default';

  const chartUse = (ref: Extract<Block, { chart: unknown }>['chart'], path: string): ChartUse => {
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

  const skip = (blocks: readonly Block[], path: string) => {
    blocks.forEach((block, i) => {
      const here = `${path}[${i}]`;
      if ('chart' in block) {
        const id = typeof block.chart === 'string' ? block.chart : `${here}.chart`;
        skipped.set(
          id,
          typeof block.chart === 'string' ? (report.charts[block.chart]?.type ?? 'bar') : block.chart.type,
        );
      } else if ('row' in block) skip(block.row, `${here}.row`);
      else if ('when' in block) {
        skip(block.then, `${here}.then`);
        if (block.else) skip(block.else, `${here}.else`);
      }
    });
  };

  const walk = (blocks: readonly Block[], path: string): PlanBlock[] => {
    const out: PlanBlock[] = [];
    blocks.forEach((block, i) => {
      const here = `${path}[${i}]`;
      if ('heading' in block) out.push({ kind: 'heading', text: block.heading, level: block.level ?? 1 });
      else if ('text' in block) out.push({ kind: 'text', text: block.text });
      else if ('chart' in block)
        out.push({ kind: 'chart', use: chartUse(block.chart, `${here}.chart`), caption: block.caption });
      else if ('row' in block) out.push({ kind: 'row', items: walk(block.row, `${here}.row`) });
      else if ('table' in block) {
        const use = { id: `${here}.table`, path: `${here}.table`, table: block.table };
        tables.set(use.id, use);
        out.push({ kind: 'table', use });
      } else if ('when' in block) {
        const taken = holds(block.when, params);
        out.push(...walk(taken ? block.then : (block.else ?? []), `${here}.${taken ? 'then' : 'else'}`));
        skip(taken ? (block.else ?? []) : block.then, `${here}.${taken ? 'else' : 'then'}`);
      } else out.push({ kind: 'pagebreak' });
    });
    return out;
  };

  const blocks = walk(report.body, 'body');
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
