import { cellIndices } from '../data/cells.js';
import { lttbIndices } from '../data/lttb.js';
import { type Column, cell, type Frame, type Value } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';

/** Chart types whose series are reduced when longer than the pixels can show. */
const DOWNSAMPLED = new Set<NormalizedChart['type']>(['line', 'area', 'scatter', 'sparkline']);

/** Points kept per series, per pixel of chart width. */
export const POINTS_PER_PIXEL = 2;

/**
 * Side of a scatter's thinning cell, as a share of the point size: a point dropped lies within
 * a quarter of a symbol of the kept one, which covers all but a sliver of it.
 */
export const SCATTER_CELL = 0.25;

/**
 * Reduces a long chart to what its pixels can show. Lines, areas and sparklines: each series
 * to about twice the chart's width in points, with LTTB (x order, shape kept). Scatters: of the
 * points of one series falling in one small cell of the plot (a quarter of the point size, see
 * `SCATTER_CELL`), only the one drawn last, so the picture is the same; a scatter with
 * `encode.size` is drawn whole. Other charts, short series and `options.downsample: false` pass
 * through unchanged.
 */
export function downsampleFrame(chart: NormalizedChart, frame: Frame): Frame {
  if (!DOWNSAMPLED.has(chart.type) || !('downsample' in chart.options) || !chart.options.downsample)
    return frame;
  const threshold = Math.max(3, Math.round(chart.options.width * POINTS_PER_PIXEL));
  if (frame.length <= threshold) return frame;
  const yCol = frame.columns[chart.encode.y ?? ''];
  if (!yCol) return frame; // the chart reports the missing column
  const xCol = chart.encode.x === undefined ? undefined : frame.columns[chart.encode.x];
  const seriesField = chart.encode.series ?? (chart.type === 'scatter' ? chart.encode.color : undefined);
  const seriesCol = seriesField === undefined ? undefined : frame.columns[seriesField];

  const groups = new Map<Value, number[]>();
  for (let i = 0; i < frame.length; i++) {
    const key = seriesCol ? cell(seriesCol, i) : null;
    const rows = groups.get(key);
    if (rows) rows.push(i);
    else groups.set(key, [i]);
  }
  if (chart.type === 'scatter') {
    if (chart.encode.size !== undefined) return frame;
    return thinScatter(chart, frame, groups, xCol, yCol);
  }
  const keep = new Uint8Array(frame.length);
  for (const rows of groups.values()) {
    if (rows.length <= threshold) {
      for (const r of rows) keep[r] = 1;
      continue;
    }
    const xs = rows.map((r, k) => xNumber(xCol, r, k));
    // LTTB needs ascending x: lines usually are sorted, scatter data often is not.
    const order = rows.map((_, k) => k);
    if (!isAscending(xs)) order.sort((p, q) => (xs[p] ?? 0) - (xs[q] ?? 0));
    const x = Float64Array.from(order, (k) => xs[k] ?? 0);
    const y = Float64Array.from(order, (k) => {
      const v = cell(yCol, rows[k] ?? 0);
      return typeof v === 'number' ? v : 0;
    });
    for (const idx of lttbIndices(x, y, threshold)) keep[rows[order[idx] ?? 0] ?? 0] = 1;
  }
  return pickRows(frame, keep);
}

/**
 * Keeps, per series, the last point of each cell of the plot. Cells are measured against the
 * data's extent over the chart's whole width and height: the plot is smaller and its axes
 * span at least the data, so a cell is never larger on screen than intended.
 */
function thinScatter(
  chart: Extract<NormalizedChart, { type: 'scatter' }>,
  frame: Frame,
  groups: ReadonlyMap<Value, readonly number[]>,
  xCol: Column | undefined,
  yCol: Column,
): Frame {
  const xs = Float64Array.from({ length: frame.length }, (_, i) => xNumber(xCol, i, Number.NaN));
  const ys = Float64Array.from({ length: frame.length }, (_, i) => yNumber(yCol, i));
  const side = chart.options.pointSize * SCATTER_CELL;
  // All points on one x (or y) share a column (or row), whatever its width.
  const cellX = (side * span(xs)) / chart.options.width || 1;
  const cellY = (side * span(ys)) / chart.options.height || 1;
  const keep = new Uint8Array(frame.length);
  let kept = 0;
  for (const rows of groups.values()) {
    const x = Float64Array.from(rows, (r) => xs[r] ?? Number.NaN);
    const y = Float64Array.from(rows, (r) => ys[r] ?? Number.NaN);
    const indices = cellIndices(x, y, cellX, cellY);
    for (const k of indices) keep[rows[k] ?? 0] = 1;
    kept += indices.length;
  }
  return kept === frame.length ? frame : pickRows(frame, keep);
}

/** Largest minus smallest finite value; 0 when there are none. */
function span(values: Float64Array): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo ? hi - lo : 0;
}

function yNumber(col: Column, row: number): number {
  const v = cell(col, row);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

function xNumber(col: Column | undefined, row: number, position: number): number {
  const v = col ? cell(col, row) : null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  return position;
}

function isAscending(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if ((xs[i] ?? 0) < (xs[i - 1] ?? 0)) return false;
  return true;
}

function pickRows(frame: Frame, keep: Uint8Array): Frame {
  const rows: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) rows.push(i);
  const columns: Record<string, Column> = {};
  for (const name of frame.fields) {
    const col = frame.columns[name];
    if (col instanceof Float64Array) columns[name] = Float64Array.from(rows, (r) => col[r] ?? Number.NaN);
    else columns[name] = rows.map((r) => cell(col, r));
  }
  return { fields: frame.fields, columns, length: rows.length };
}
