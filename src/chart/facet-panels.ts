import { ChartpressError, problem } from '../errors.js';
import { type Column, cell, type Frame, toColumn, type Value } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { isDateColumn, isNumberColumn, toLabel } from './encode.js';

/*
 * The data of small multiples: a faceted chart's frame cut into one frame per facet value,
 * aligned so that the panels share their categories and series (see `facetPanels`).
 */
/** One panel: the facet value it shows, and its rows. */
export interface Panel {
  readonly name: string;
  readonly frame: Frame;
}

/** A row of a panel: a row of the chart's frame, or an empty row holding only these cells. */
type RowRef = number | Readonly<Record<string, Value>>;

export type FacetedChart = NormalizedChart & { readonly facet: NonNullable<NormalizedChart['facet']> };

/** Whether the chart draws small multiples. */
export function isFaceted(chart: NormalizedChart): chart is FacetedChart {
  return chart.facet !== undefined;
}

/** The facet column, or `CP_ERR_UNKNOWN_COLUMN` at `facet.field`. */
function facetColumn(chart: FacetedChart, frame: Frame): Column {
  const col = frame.columns[chart.facet.field];
  if (col !== undefined) return col;
  const known = frame.fields.length > 0 ? frame.fields.join(', ') : '(none)';
  throw new ChartpressError(
    problem(
      'CP_ERR_UNKNOWN_COLUMN',
      `facet.field: column "${chart.facet.field}" not found; columns: ${known}`,
      { path: 'facet.field' },
    ),
  );
}

/**
 * The rows of each facet value, in first-seen order (the query's order). More values than
 * `facet.maxPanels` is `CP_ERR_TOO_MANY_PANELS`.
 */
export function facetGroups(chart: FacetedChart, frame: Frame): Map<string, number[]> {
  const col = facetColumn(chart, frame);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < frame.length; i++) {
    const name = toLabel(cell(col, i));
    const rows = groups.get(name);
    if (rows) rows.push(i);
    else groups.set(name, [i]);
  }
  const { maxPanels, field } = chart.facet;
  if (groups.size > maxPanels) {
    throw new ChartpressError(
      problem(
        'CP_ERR_TOO_MANY_PANELS',
        `facet.maxPanels: "${field}" has ${groups.size} values, more than the ${maxPanels} panels allowed`,
        { path: 'facet.maxPanels' },
      ),
    );
  }
  return groups;
}

/** A frame of the given rows, empty rows taking their cells from the record (null elsewhere). */
function pick(frame: Frame, refs: readonly RowRef[]): Frame {
  const columns: Record<string, Column> = Object.create(null);
  for (const name of frame.fields) {
    const col = frame.columns[name];
    columns[name] = toColumn(refs.map((r) => (typeof r === 'number' ? cell(col, r) : (r[name] ?? null))));
  }
  return { fields: frame.fields, columns, length: refs.length };
}

/** Distinct values of a column in first-seen order, by label, and each row's value index. */
function distinct(col: Column, length: number): { values: Value[]; index: Int32Array } {
  const byLabel = new Map<Value, number>();
  const values: Value[] = [];
  const index = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const v = cell(col, i);
    let k = byLabel.get(v);
    if (k === undefined) {
      k = values.length;
      byLabel.set(v, k);
      values.push(v);
    }
    index[i] = k;
  }
  return { values, index };
}

/**
 * The panels of a faceted chart. On a category axis (bars, combos, lines and areas over text),
 * each panel lists every x value in the order of the whole frame, and every series, an absent
 * one as an empty row, so that categories line up and each series keeps its place in every
 * panel. Over dates or numbers (and scatters), and for pies, each panel has its own rows: the
 * axes share their span through `sharedExtent`.
 */
export function facetPanels(chart: FacetedChart, frame: Frame): Panel[] {
  const groups = facetGroups(chart, frame);
  const facetField = chart.facet.field;
  const xField = chart.encode.x;
  const xCol = xField === undefined ? undefined : frame.columns[xField];
  if (chart.type === 'pie' || xField === undefined || xCol === undefined) {
    return [...groups].map(([name, rows]) => ({ name, frame: pick(frame, rows) }));
  }
  // Points and lines over dates or numbers: the panels share the span of their x axes instead.
  const continuous =
    chart.type === 'scatter' ||
    ((chart.type === 'line' || chart.type === 'area') && (isDateColumn(xCol) || isNumberColumn(xCol)));
  if (continuous) return [...groups].map(([name, rows]) => ({ name, frame: pick(frame, rows) }));
  const x = distinct(xCol, frame.length);
  const sField = chart.encode.series;
  const sCol = sField === undefined || chart.type === 'combo' ? undefined : frame.columns[sField];
  const s = sCol ? distinct(sCol, frame.length) : undefined;
  return [...groups].map(([name, rows]) => {
    const byX: number[][] = x.values.map(() => []);
    const seen = new Set<number>();
    for (const r of rows) {
      byX[x.index[r] ?? 0]?.push(r);
      if (s) seen.add(s.index[r] ?? 0);
    }
    const facetValue = cell(frame.columns[facetField], rows[0] ?? 0);
    const empty = (xv: Value, sv: Value): RowRef => ({
      [xField]: xv,
      [facetField]: facetValue,
      ...(sField !== undefined && s ? { [sField]: sv } : {}),
    });
    const firstSeries = s?.values[0] ?? null;
    const refs: RowRef[] = [];
    byX.forEach((list, k) => {
      if (list.length > 0) refs.push(...list);
      else refs.push(empty(x.values[k] ?? null, firstSeries));
    });
    s?.values.forEach((sv, k) => {
      if (!seen.has(k)) refs.push(empty(x.values[0] ?? null, sv));
    });
    return { name, frame: pick(frame, refs) };
  });
}
