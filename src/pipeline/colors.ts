import { canonicalJson } from '../cache/key.js';
import { chartPalette, chartPins, colorField } from '../chart/colors.js';
import { toLabel } from '../chart/encode.js';
import { assignColors, compareValues } from '../chart/palette.js';
import { themeFor } from '../chart/theme.js';
import { foldSpec } from '../data/fold.js';
import { cell, type Frame, type Value } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { isParamRef } from '../spec/normalize.js';
import type { GroupBy, Query, Report } from '../spec/schema.js';
import type { PlanDataSource } from './data.js';
import type { ChartUse, PlannedQuery } from './plan.js';

/*
 * A value keeps its colour across a report. Every chart that colours by a field (series, pie
 * slice, scatter colour) takes its colours from one list: the field's values over every chart
 * of the report that colours by it, sorted. A chart whose query a param filters would lose
 * values as the param changes, and shift the colours of the others: for it, the plan adds a
 * query of the same rows without the param filters, which reads the field's values only.
 */

/** What the report's colours need from the plan. */
export interface ColorPlan {
  /** The field each chart colours by, by chart id. */
  readonly fields: ReadonlyMap<string, string>;
  /** The extra queries reading a field's values whatever the params, by dataset, then id. */
  readonly queries: ReadonlyMap<string, ReadonlyMap<string, PlannedQuery>>;
  /** Per field, the ids of its extra queries. */
  readonly domains: ReadonlyMap<string, readonly { readonly dataset: string; readonly id: string }[]>;
  /** The report's pinned colours: field -> value -> colour. */
  readonly pinned: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Plans the report's colours for the charts it draws. */
export function planColors(charts: Iterable<ChartUse>, report: Pick<Report, 'colors'>): ColorPlan {
  const fields = new Map<string, string>();
  const queries = new Map<string, Map<string, PlannedQuery>>();
  const domains = new Map<string, { dataset: string; id: string }[]>();
  for (const use of charts) {
    const field = colorField(use.chart);
    if (field === undefined) continue;
    fields.set(use.id, field);
    const query = domainQuery(use.chart.query, field);
    if (!query) continue;
    // One query per distinct text: charts over the same rows share it.
    const id = `\u0000colors:${field}:${canonicalJson(query)}`;
    const forDataset = queries.get(query.from) ?? new Map<string, PlannedQuery>();
    queries.set(query.from, forDataset);
    if (forDataset.has(id)) continue;
    // Written where the chart's query is: a problem in it is the chart's problem too.
    forDataset.set(id, { query, path: `${use.path}.data` });
    const list = domains.get(field) ?? [];
    domains.set(field, list);
    list.push({ dataset: query.from, id });
  }
  return { fields, queries, domains, pinned: report.colors ?? {} };
}

/**
 * The values of `field` that `query` gives whatever its params: the same rows without the
 * filters that take a param, grouped by the field alone. Undefined when no param filters the
 * query (its own frame has every value), when the field is not one of its group keys, or when
 * it holds the names of the columns a fold folds.
 */
export function domainQuery(query: Query, field: string): Query | undefined {
  if (!paramFiltered(query) || query.pivot) return undefined;
  // A fold's names are the columns it folds, whatever the params.
  if (query.fold !== undefined && foldSpec(query.fold).as[0] === field) return undefined;
  const key = query.groupBy?.find((g) => outputOf(g) === field);
  if (key === undefined && (query.groupBy !== undefined || query.aggregate !== undefined)) return undefined;
  const filter = (query.filter ?? []).filter((f) => !hasParam(f.value));
  return {
    from: query.from,
    // The filters and the key may read looked-up and calculated fields; `having` filters groups
    // of the query's own aggregates, which this one does not compute.
    ...(query.lookup !== undefined ? { lookup: query.lookup } : {}),
    ...(query.calculate !== undefined ? { calculate: query.calculate } : {}),
    ...(query.timezone !== undefined ? { timezone: query.timezone } : {}),
    ...(filter.length > 0 ? { filter } : {}),
    groupBy: [key ?? field],
    ...(query.onInvalid !== undefined ? { onInvalid: query.onInvalid } : {}),
  };
}

/** Whether a param filters the query: its rows (or, in `having`, its groups) may change with the params. */
function paramFiltered(query: Query): boolean {
  return [...(query.filter ?? []), ...(query.having ?? [])].some((f) => hasParam(f.value));
}

function hasParam(value: unknown): boolean {
  return Array.isArray(value) ? value.some(isParamRef) : isParamRef(value);
}

function outputOf(g: GroupBy): string {
  return typeof g === 'string' ? g : (g.as ?? g.field);
}

/**
 * The report's colours, worked out once per field when a chart first needs them: the field's
 * values over the frames of every chart colouring by it and its extra queries, sorted.
 */
export class ReportColors {
  readonly #plan: ColorPlan;
  readonly #charts: ReadonlyMap<string, ChartUse>;
  readonly #data: PlanDataSource;
  readonly #domains = new Map<string, Promise<readonly string[]>>();

  constructor(plan: ColorPlan, charts: ReadonlyMap<string, ChartUse>, data: PlanDataSource) {
    this.#plan = plan;
    this.#charts = charts;
    this.#data = data;
  }

  /**
   * The chart with `colors` set for the values its frame shows: the report's sorted values
   * (a y list's in the order written) over its palette, the report's pins, then the chart's
   * own `options.colors` pins.
   */
  async colorChart(chart: NormalizedChart, frame: Frame): Promise<NormalizedChart> {
    const field = this.#plan.fields.get(chart.id);
    const col = field === undefined ? undefined : frame.columns[field];
    if (field === undefined || !col || frame.length === 0) return chart;
    // A y list's series take the palette in the order written, not the report's sorted values.
    const domain = chart.seriesNames ?? (await this.#domain(field));
    const all = {
      ...assignColors(domain, chartPalette(chart, themeFor(chart.options.theme)), this.#plan.pinned[field]),
      ...chartPins(chart),
    };
    // Only the values drawn: a value elsewhere in the report leaves this chart's key alone.
    const colors: Record<string, string> = {};
    for (let i = 0; i < frame.length; i++) {
      const label = toLabel(cell(col, i));
      const color = all[label];
      if (color !== undefined) colors[label] = color;
    }
    return { ...chart, colors } as NormalizedChart;
  }

  #domain(field: string): Promise<readonly string[]> {
    let domain = this.#domains.get(field);
    if (!domain) {
      domain = this.#collect(field);
      this.#domains.set(field, domain);
    }
    return domain;
  }

  async #collect(field: string): Promise<readonly string[]> {
    const uses = [...this.#plan.fields].flatMap(([id, f]) => {
      const use = f === field ? this.#charts.get(id) : undefined;
      // A y list's series are column names, not values of the field.
      return use && use.chart.seriesNames === undefined ? [use] : [];
    });
    const extra = this.#plan.domains.get(field) ?? [];
    const datasets = new Set([...uses.map((u) => u.chart.query.from), ...extra.map((q) => q.dataset)]);
    const frames = new Map<string, Frame>();
    // A dataset that failed gives no values: its own charts report it.
    const read = await Promise.allSettled([...datasets].map((name) => this.#data.dataset(name)));
    for (const r of read)
      if (r.status === 'fulfilled') for (const [id, f] of r.value.frames) frames.set(id, f);

    const values = (ids: readonly string[]) => {
      const out = new Map<string, Value>();
      for (const id of ids) {
        const frame = frames.get(id);
        const col = frame?.columns[field];
        if (!frame || !col) continue;
        for (let i = 0; i < frame.length; i++) {
          const v = cell(col, i);
          const label = toLabel(v);
          if (!out.has(label)) out.set(label, v);
        }
      }
      return out;
    };
    const sorted = (m: ReadonlyMap<string, Value>) =>
      [...m].sort(([, a], [, b]) => compareValues(a, b)).map(([label]) => label);
    // Values whatever the params: unfiltered charts, and the extra queries of filtered ones.
    const fixed = values([
      ...uses.filter((u) => !paramFiltered(u.chart.query)).map((u) => u.id),
      ...extra.map((q) => q.id),
    ]);
    const shown = values(uses.filter((u) => paramFiltered(u.chart.query)).map((u) => u.id));
    // Values only the params let in (an "Other" row, say) come after, not in between.
    for (const label of fixed.keys()) shown.delete(label);
    return [...sorted(fixed), ...sorted(shown)];
  }
}
