import { zoneNamed } from '../data/zone.js';
import { ChartpressError, type Problem, problem } from '../errors.js';
import { type BlockVisitor, visitBlocks } from './blocks.js';
import {
  chartDefaults,
  defaultTheme,
  derivedDefaults,
  type FacetSpec,
  type NormalizedChart,
} from './defaults.js';
import { checkEncodeY, foldEncodeY } from './encode-y.js';
import { attributeProblems } from './extends.js';
import {
  type ChartSpec,
  type ChartType,
  type Condition,
  type Encode,
  FACET_COLUMNS,
  FACET_MAX_PANELS,
  type Filter,
  type Query,
  type Report,
  type ThemeName,
  type Window,
} from './schema.js';
import { checkSparklineFold } from './table-sparkline.js';
import { checkTemplates } from './template-check.js';

/** Encode channels each chart type needs. */
const requiredEncode: Readonly<Record<ChartType, readonly (keyof Encode)[]>> = {
  bar: ['x', 'y'],
  line: ['x', 'y'],
  area: ['x', 'y'],
  pie: ['x', 'y'],
  scatter: ['x', 'y'],
  sparkline: ['y'],
  gantt: ['x', 'x2', 'y'],
  combo: ['x', 'y', 'y2'],
  heatmap: ['x', 'y', 'color'],
  boxplot: ['y'],
  kpi: ['y'],
};

/**
 * Checks what the schema cannot: that the body names defined charts, queries name defined
 * datasets, params used are declared, and each chart has the encode channels its type needs.
 * All problems are reported at once.
 */
export function checkReport(report: Report, file?: string): void {
  const problems: Problem[] = [];
  const at = (code: Problem['code'], message: string, path: string, hint?: string) =>
    problems.push(problem(code, message, { file, path, hint }));
  const params = Object.keys(report.params ?? {});
  const datasets = Object.keys(report.datasets);
  const charts = Object.keys(report.charts);

  const checkParam = (name: string, path: string) => {
    if (!params.includes(name)) {
      at(
        'CP_ERR_UNKNOWN_PARAM',
        `param "${name}" is not declared`,
        path,
        hintList('declared params', params),
      );
    }
  };
  const checkQuery = (query: Query, path: string) => {
    if (!datasets.includes(query.from)) {
      at(
        'CP_ERR_UNKNOWN_DATASET',
        `dataset "${query.from}" is not defined`,
        `${path}.from`,
        hintList('datasets', datasets),
      );
    }
    const lookups =
      query.lookup === undefined ? [] : Array.isArray(query.lookup) ? query.lookup : [query.lookup];
    lookups.forEach((l, i) => {
      if (datasets.includes(l.from)) return;
      const where = Array.isArray(query.lookup) ? `${path}.lookup[${i}].from` : `${path}.lookup.from`;
      at(
        'CP_ERR_UNKNOWN_DATASET',
        `dataset "${l.from}" is not defined`,
        where,
        hintList('datasets', datasets),
      );
    });
    const checkFilters = (filters: readonly Filter[] | undefined, at: string) =>
      filters?.forEach((f, i) => {
        const values = Array.isArray(f.value) ? f.value : f.value === undefined ? [] : [f.value];
        values.forEach((v, j) => {
          if (isParamRef(v))
            checkParam(v.param, `${at}[${i}].value${Array.isArray(f.value) ? `[${j}]` : ''}.param`);
        });
      });
    checkFilters(query.filter, `${path}.filter`);
    checkFilters(query.having, `${path}.having`);
    for (const [name, agg] of Object.entries(query.aggregate ?? {}))
      checkFilters(agg.where, `${path}.aggregate.${name}.where`);
  };
  const checkChart = (chart: ChartSpec, path: string) => {
    checkQuery(chart.data, `${path}.data`);
    if (chart.facet !== undefined && !FACETED.has(chart.type)) {
      at(
        'CP_ERR_INVALID_VALUE',
        `a ${chart.type} chart cannot be faceted; facet applies to ${[...FACETED].join(', ')} charts`,
        `${path}.facet`,
      );
    }
    checkEncodeY(chart, path, at);
    for (const channel of requiredEncode[chart.type]) {
      if (chart.encode[channel] === undefined) {
        at(
          'CP_ERR_MISSING_FIELD',
          `a ${chart.type} chart needs encode.${channel}`,
          `${path}.encode.${channel}`,
        );
      }
    }
  };
  // The whole body is checked, whatever its `when` conditions.
  const checkBlocks: BlockVisitor<never> = {
    chart: (b, { path }) => {
      if (typeof b.chart !== 'string') checkChart(b.chart, `${path}.chart`);
      else if (!charts.includes(b.chart)) {
        at(
          'CP_ERR_UNKNOWN_CHART',
          `chart "${b.chart}" is not defined`,
          `${path}.chart`,
          hintList('charts', charts),
        );
      }
      return undefined;
    },
    table: (b, { path }) => {
      checkQuery(b.table.data, `${path}.table.data`);
      for (const [i, c] of (b.table.columns ?? []).entries()) {
        const from = typeof c === 'string' ? undefined : c.sparkline?.from;
        const where = `${path}.table.columns[${i}].sparkline.from`;
        if (typeof from === 'object') checkQuery(from, where);
        else if (from !== undefined && !charts.includes(from))
          at('CP_ERR_UNKNOWN_CHART', `chart "${from}" is not defined`, where, hintList('charts', charts));
        if (typeof c !== 'string' && c.sparkline)
          checkSparklineFold(c.sparkline, report, `${path}.table.columns[${i}].sparkline`, at);
      }
      return undefined;
    },
    when: (b, { path }) => {
      checkParam(conditionParam(b.when), `${path}.when`);
      return undefined;
    },
  };

  if (report.timezone !== undefined && zoneNamed(report.timezone) === undefined) {
    at(
      'CP_ERR_INVALID_VALUE',
      `unknown time zone "${report.timezone}"; use an IANA name such as "Europe/Paris" or "UTC"`,
      'timezone',
    );
  }
  for (const [name, ds] of Object.entries(report.datasets)) {
    if (ds.source === 'duckdb' && ds.table !== undefined && ds.path === undefined)
      at(
        'CP_ERR_MISSING_FIELD',
        'a duckdb dataset with a table needs the path of its database file',
        `datasets.${name}.path`,
      );
    if (
      (ds.source === 'sqlite' || ds.source === 'postgres' || ds.source === 'duckdb') &&
      (ds.table === undefined) === (ds.query === undefined)
    ) {
      at(
        ds.table === undefined ? 'CP_ERR_MISSING_FIELD' : 'CP_ERR_INVALID_VALUE',
        `a ${ds.source} dataset needs exactly one of table and query`,
        `datasets.${name}`,
      );
    }
  }
  for (const [id, chart] of Object.entries(report.charts)) checkChart(chart, `charts.${id}`);
  for (const [name, query] of Object.entries(report.values ?? {})) checkQuery(query, `values.${name}`);
  visitBlocks(report.body, 'body', checkBlocks);
  checkTemplates(report, at);
  if (problems.length) throw new ChartpressError(attributeProblems(report, problems));
}

/** The param a `when` condition reads. */
export function conditionParam(cond: Condition): string {
  return typeof cond === 'string' ? cond.replace(/^!/, '') : cond.param;
}

export function isParamRef(v: unknown): v is { param: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'param' in v;
}

function hintList(what: string, names: readonly string[]): string {
  return names.length ? `defined ${what}: ${names.join(', ')}` : `no ${what} are defined`;
}

/**
 * A chart with every default applied: the per-type defaults, then the report theme, then the
 * chart's own options, then the defaults that depend on the chart (see `derivedDefaults`).
 */
export function normalizeChart(
  id: string,
  spec: ChartSpec,
  reportTheme: ThemeName = defaultTheme,
): NormalizedChart {
  const defaults = chartDefaults[spec.type];
  const given: Record<string, unknown> = { ...(spec.options ?? {}) };
  for (const key of Object.keys(given)) if (given[key] === undefined) delete given[key];
  const options: Record<string, unknown> = { ...defaults, theme: reportTheme, ...given };
  // `encode.y: [a, b]` is drawn as the series of the folded columns.
  const { query, encode } = foldEncodeY(spec);
  // Measures drawn side by side do not add up: their areas overlap unless asked to stack.
  if (spec.type === 'area' && Array.isArray(spec.encode.y) && given.stacked === undefined)
    options.stacked = false;
  Object.assign(options, derivedDefaults({ ...spec, data: query, encode } as ChartSpec, given, options));
  const chart = {
    id,
    type: spec.type,
    ...(spec.title !== undefined ? { title: spec.title } : {}),
    query: spec.facet ? facetQuery(query, spec.facet.field) : query,
    encode,
    options: Object.freeze(options),
    ...(Array.isArray(spec.encode.y) ? { seriesNames: Object.freeze([...spec.encode.y]) } : {}),
    ...(spec.facet
      ? {
          facet: Object.freeze({
            field: spec.facet.field,
            columns: spec.facet.columns ?? FACET_COLUMNS,
            maxPanels: spec.facet.maxPanels ?? FACET_MAX_PANELS,
            autoHeight: given.height === undefined,
          } satisfies FacetSpec),
        }
      : {}),
  };
  return Object.freeze(chart) as NormalizedChart;
}

/** The chart types that draw small multiples. */
export const FACETED: ReadonlySet<ChartType> = new Set(['bar', 'line', 'area', 'scatter', 'combo', 'pie']);

/**
 * A faceted chart's query: a grouped one (groupBy or aggregate) is grouped by the facet field
 * too, last, unless a groupBy item already outputs it, so that each panel's groups come from
 * the same single pass, and each window is partitioned by it. Rows passed through keep the
 * field as they are.
 */
export function facetQuery(given: Query, field: string): Query {
  if (given.groupBy === undefined && given.aggregate === undefined) return given;
  // Each panel computes its windows over its own rows.
  const query =
    given.window === undefined ? given : { ...given, window: given.window.map((w) => byPanel(w, field)) };
  const groupBy = query.groupBy ?? [];
  const outputs = groupBy.map((g) => (typeof g === 'string' ? g : (g.as ?? g.field)));
  if (outputs.includes(field)) return query;
  return { ...query, groupBy: [...groupBy, field] };
}

/** A window partitioned by the facet field too. */
function byPanel(w: Window, field: string): Window {
  const by = w.by === undefined ? [] : typeof w.by === 'string' ? [w.by] : w.by;
  return by.includes(field) ? w : { ...w, by: [...by, field] };
}
