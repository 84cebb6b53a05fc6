import { type Column, cell, type Frame, type Value } from '../data/frame.js';
import { lttbIndices } from '../data/lttb.js';
import type { NormalizedChart } from '../spec/defaults.js';

/** Chart types whose series are reduced with LTTB when longer than the pixels can show. */
const DOWNSAMPLED = new Set<NormalizedChart['type']>(['line', 'area', 'scatter', 'sparkline']);

/** Points kept per series, per pixel of chart width. */
export const POINTS_PER_PIXEL = 2;

/**
 * Reduces each series of a line, area, scatter or sparkline chart to about twice the chart's
 * width in points (LTTB), so the renderer never draws more points than pixels. Other charts,
 * short series and `options.downsample: false` pass through unchanged.
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
