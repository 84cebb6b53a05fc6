import { dateParse } from '../chart/iso-time.js';
import { cellIndices } from '../data/cells.js';
import { lttbIndices } from '../data/lttb.js';
import { type Column, cell, type Frame, TimeColumn, type Value } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { SHAPE_SPACE, SHAPE_ZONE } from '../time-text.js';

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
  if (chart.type === 'scatter' && chart.encode.size !== undefined) return frame;

  if (chart.type !== 'scatter' && seriesCol === undefined) {
    // One series in x order, every point a number: LTTB reads the columns as they are.
    const x = directXs(xCol, frame.length);
    const y = x && directYs(yCol, frame.length);
    if (x && y) return pickRows(frame, lttbIndices(x, y, threshold));
  }
  const groups = seriesRows(seriesCol, frame.length);
  if (chart.type === 'scatter') return thinScatter(chart, frame, groups, xTimes(xCol, frame.length), yCol);
  const long = groups.some((rows) => rows.length > threshold);
  const times = long ? xTimes(xCol, frame.length) : new Float64Array(0);
  const kept = groups.map((rows) =>
    rows.length <= threshold ? rows : lttbRows(rows, times, yCol, threshold),
  );
  return pickRows(frame, mergeRows(kept));
}

/**
 * The rows LTTB keeps of one long series, ascending. `times` holds each row's x (NaN: none);
 * when the series is every row of the frame, it is taken over (its NaNs replaced).
 */
function lttbRows(rows: Uint32Array, times: Float64Array, yCol: Column, threshold: number): Uint32Array {
  const whole = rows.length === times.length;
  const xs = whole ? times : Float64Array.from(rows, (r) => times[r] ?? Number.NaN);
  // Without a time or number, a point is placed at its position in the series.
  for (let k = 0; k < xs.length; k++) if (Number.isNaN(xs[k])) xs[k] = k;
  // LTTB needs ascending x: lines usually are sorted, scatter data often is not.
  const order = isAscending(xs) ? undefined : sortedOrder(xs);
  const x = order ? Float64Array.from(order, (k) => xs[k] ?? 0) : xs;
  const y = lineYs(
    yCol,
    rows.length,
    order ? Uint32Array.from(order, (k) => rows[k] ?? 0) : whole ? undefined : rows,
  );
  const picked = lttbIndices(x, y, threshold);
  const out = new Uint32Array(picked.length);
  for (let j = 0; j < picked.length; j++) {
    const k = picked[j] ?? 0;
    out[j] = rows[order ? (order[k] ?? 0) : k] ?? 0;
  }
  return order ? out.sort() : out;
}

/** The rows of every series, ascending: each list is ascending, and no row is in two. */
function mergeRows(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 1 && lists[0]) return lists[0];
  let count = 0;
  for (const rows of lists) count += rows.length;
  const out = new Uint32Array(count);
  let at = 0;
  for (const rows of lists) {
    out.set(rows, at);
    at += rows.length;
  }
  return out.sort();
}

/**
 * The rows of each series (each distinct value of `col`, in first-seen order), ascending; one
 * series of every row without a column.
 */
function seriesRows(col: Column | undefined, length: number): Uint32Array[] {
  if (col === undefined) {
    const all = new Uint32Array(length);
    for (let i = 0; i < length; i++) all[i] = i;
    return [all];
  }
  const ids = new Map<Value, number>();
  const groupOf = new Uint32Array(length);
  const counts: number[] = [];
  for (let i = 0; i < length; i++) {
    const key = cell(col, i);
    let g = ids.get(key);
    if (g === undefined) {
      g = counts.length;
      ids.set(key, g);
      counts.push(0);
    }
    groupOf[i] = g;
    counts[g] = (counts[g] ?? 0) + 1;
  }
  const groups = counts.map((n) => new Uint32Array(n));
  const filled = new Uint32Array(counts.length);
  for (let i = 0; i < length; i++) {
    const g = groupOf[i] ?? 0;
    const at = filled[g] ?? 0;
    filled[g] = at + 1;
    const rows = groups[g];
    if (rows) rows[at] = i;
  }
  return groups;
}

/**
 * Each row's x as a number: numbers as they are, dates (ISO strings) as epoch milliseconds read
 * as `Date.parse` reads them, NaN for anything else (null, text that is no date) or without a
 * column.
 */
function xTimes(col: Column | undefined, length: number): Float64Array {
  const out = new Float64Array(length);
  if (col === undefined) return out.fill(Number.NaN);
  const stored = storedXs(col);
  if (stored) {
    out.set(stored.subarray(0, length));
    if (stored.length < length) out.fill(Number.NaN, stored.length);
    return out;
  }
  // Each cell is read, even one equal to the one before: comparing two timestamps that share
  // their date costs about as much as reading one.
  for (let i = 0; i < length; i++) {
    const v = cell(col, i);
    out[i] = typeof v === 'number' ? v : typeof v === 'string' ? dateParse(v) : Number.NaN;
  }
  return out;
}

/**
 * The column's numbers when they are its x as `xTimes` reads it: a numeric column, or `Z`
 * timestamps (`YYYY-MM-DDThh:mm:ss[.sss]Z`), whose numbers are what `Date.parse` reads of their
 * texts. Without the `Z` a text is local time, and with a space `Date.parse` reads it by rules of
 * its own: those are read from their texts. Undefined for any other column.
 */
function storedXs(col: Column): Float64Array | undefined {
  if (col instanceof Float64Array) return col;
  return col instanceof TimeColumn && (col.shape & (SHAPE_ZONE | SHAPE_SPACE)) === SHAPE_ZONE
    ? col.ms
    : undefined;
}

/**
 * The x of the first `length` rows as they are stored, when LTTB can read them so: numbers or
 * `Z` timestamps (see `storedXs`), none missing, ascending. Undefined otherwise.
 */
function directXs(col: Column | undefined, length: number): Float64Array | undefined {
  const xs = col && storedXs(col);
  if (xs === undefined || xs.length < length) return undefined;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    const v = xs[i]!;
    // NaN (none) fails too.
    if (!(v >= last)) return undefined;
    last = v;
  }
  return xs.subarray(0, length);
}

/** The y of the first `length` rows as they are stored, when every one is a number; undefined otherwise. */
function directYs(col: Column, length: number): Float64Array | undefined {
  if (!(col instanceof Float64Array) || col.length < length) return undefined;
  for (let i = 0; i < length; i++) if (Number.isNaN(col[i])) return undefined;
  return col.subarray(0, length);
}

/** The y values of `n` of the frame's rows (`rows`, or the first `n`): numbers, anything else 0. */
function lineYs(col: Column, n: number, rows: Uint32Array | undefined): Float64Array {
  const y = new Float64Array(n);
  if (col instanceof Float64Array && rows === undefined) {
    for (let k = 0; k < n; k++) {
      const v = col[k] ?? 0;
      y[k] = Number.isNaN(v) ? 0 : v;
    }
    return y;
  }
  for (let k = 0; k < n; k++) {
    const v = cell(col, rows ? (rows[k] ?? 0) : k);
    y[k] = typeof v === 'number' ? v : 0;
  }
  return y;
}

/** Positions 0..n-1 ordered by `xs`, equal values in their first order. */
function sortedOrder(xs: Float64Array): number[] {
  const order = Array.from(xs, (_, k) => k);
  return order.sort((p, q) => (xs[p] ?? 0) - (xs[q] ?? 0));
}

/**
 * Keeps, per series, the last point of each cell of the plot. Cells are measured against the
 * data's extent over the chart's whole width and height: the plot is smaller and its axes
 * span at least the data, so a cell is never larger on screen than intended.
 */
function thinScatter(
  chart: Extract<NormalizedChart, { type: 'scatter' }>,
  frame: Frame,
  groups: readonly Uint32Array[],
  xs: Float64Array,
  yCol: Column,
): Frame {
  const ys = Float64Array.from({ length: frame.length }, (_, i) => yNumber(yCol, i));
  const side = chart.options.pointSize * SCATTER_CELL;
  // All points on one x (or y) share a column (or row), whatever its width.
  const cellX = (side * span(xs)) / chart.options.width || 1;
  const cellY = (side * span(ys)) / chart.options.height || 1;
  const kept = groups.map((rows) => {
    const x = Float64Array.from(rows, (r) => xs[r] ?? Number.NaN);
    const y = Float64Array.from(rows, (r) => ys[r] ?? Number.NaN);
    return cellIndices(x, y, cellX, cellY).map((k) => rows[k] ?? 0);
  });
  const rows = mergeRows(kept);
  return rows.length === frame.length ? frame : pickRows(frame, rows);
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

function isAscending(xs: Float64Array): boolean {
  for (let i = 1; i < xs.length; i++) if ((xs[i] ?? 0) < (xs[i - 1] ?? 0)) return false;
  return true;
}

/** The frame's `rows` (ascending), in order; numeric columns stay `Float64Array`s. */
function pickRows(frame: Frame, rows: Uint32Array): Frame {
  const count = rows.length;
  const columns: Record<string, Column> = Object.create(null);
  for (const name of frame.fields) {
    const col = frame.columns[name];
    if (col instanceof Float64Array) {
      const out = new Float64Array(count);
      for (let k = 0; k < count; k++) out[k] = col[rows[k] ?? 0] ?? Number.NaN;
      columns[name] = out;
    } else {
      const out = new Array<Value>(count);
      for (let k = 0; k < count; k++) out[k] = cell(col, rows[k] ?? 0);
      columns[name] = out;
    }
  }
  return { fields: frame.fields, columns, length: count };
}
