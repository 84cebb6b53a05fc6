import { type Column, cell, type Frame, toColumn, type Value } from '../frame.js';
import { quantile } from './holistic.js';

/*
 * Box statistics. The rows of a query are the observations; each group (a value of `group`, and
 * of `series` when given) is reduced to the numbers a box plot draws — quartiles, whisker ends —
 * and the observations beyond its whiskers. The result is a small frame: a chart is keyed by it
 * and a worker receives it, never the observations.
 */

/** Columns of a box statistics frame, besides the group and series columns (kept by name). */
export const BoxColumn = {
  /** Observations in the group (finite numbers). */
  n: '$box.n',
  /** Lower whisker end. */
  low: '$box.low',
  q1: '$box.q1',
  median: '$box.median',
  q3: '$box.q3',
  /** Upper whisker end. */
  high: '$box.high',
  /** An outlier's value, on a row of its own (the box columns are then null). */
  outlier: '$box.outlier',
} as const;
export type BoxColumn = (typeof BoxColumn)[keyof typeof BoxColumn];

/** How observations are grouped and how far whiskers reach. */
export interface BoxOptions {
  /** Column of the observations. Cells that are not finite numbers are skipped. */
  readonly value: string;
  /** Column whose values name the boxes (the categories); none: one box of every row. */
  readonly group?: string | undefined;
  /** Column whose values split each group into boxes side by side. */
  readonly series?: string | undefined;
  /**
   * Whisker reach: a multiple k of the interquartile range (each whisker ends at the last
   * observation within k × IQR of the box; those beyond are outliers), or `minmax`.
   */
  readonly whisker: number | 'minmax';
}

/** One box: its statistics and its outliers (distinct values, ascending). */
export interface BoxStats {
  readonly n: number;
  readonly low: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly high: number;
  readonly outliers: readonly number[];
}

/**
 * The statistics of one group's observations, sorted ascending (at least one). Quartiles
 * interpolate between ranks as `median` and `p90` do (see `quantile`). An outlier repeated is
 * listed once: it is drawn once.
 */
export function boxOf(sorted: Float64Array, whisker: number | 'minmax'): BoxStats {
  const n = sorted.length;
  const q1 = quantile(sorted, 0.25) ?? 0;
  const median = quantile(sorted, 0.5) ?? 0;
  const q3 = quantile(sorted, 0.75) ?? 0;
  const first = sorted[0] ?? 0;
  const last = sorted[n - 1] ?? 0;
  if (whisker === 'minmax') return { n, low: first, q1, median, q3, high: last, outliers: [] };
  const reach = whisker * (q3 - q1);
  const lowFence = q1 - reach;
  const highFence = q3 + reach;
  let lo = 0;
  while (lo < n - 1 && (sorted[lo] ?? 0) < lowFence) lo++;
  let hi = n - 1;
  while (hi > 0 && (sorted[hi] ?? 0) > highFence) hi--;
  const outliers: number[] = [];
  const keep = (v: number) => {
    if (outliers[outliers.length - 1] !== v) outliers.push(v);
  };
  for (let i = 0; i < lo; i++) keep(sorted[i] ?? 0);
  for (let i = hi + 1; i < n; i++) keep(sorted[i] ?? 0);
  // A whisker never reaches into its box: with every observation beyond a fence, it ends there.
  return {
    n,
    low: Math.min(sorted[lo] ?? q1, q1),
    q1,
    median,
    q3,
    high: Math.max(sorted[hi] ?? q3, q3),
    outliers,
  };
}

/** Whether a frame already holds box statistics (see `boxStatsFrame`). */
export function isBoxStatsFrame(frame: Frame): boolean {
  return frame.columns[BoxColumn.q1] !== undefined;
}

/**
 * Reduces observations to box statistics: one row per box (its group and series, then the
 * `BoxColumn` statistics), each followed by one row per outlier. Boxes come in the order their
 * group and series first appear. Groups without a number give no box.
 */
export function boxStatsFrame(frame: Frame, opts: BoxOptions): Frame {
  const values = frame.columns[opts.value];
  const groupCol = opts.group === undefined ? undefined : frame.columns[opts.group];
  const seriesCol = opts.series === undefined ? undefined : frame.columns[opts.series];
  const groups = new Map<Value, Map<Value, number[]>>();
  for (let i = 0; i < frame.length; i++) {
    const v = cell(values, i);
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const g = groupCol ? cell(groupCol, i) : null;
    const s = seriesCol ? cell(seriesCol, i) : null;
    let bySeries = groups.get(g);
    if (!bySeries) {
      bySeries = new Map();
      groups.set(g, bySeries);
    }
    let list = bySeries.get(s);
    if (!list) {
      list = [];
      bySeries.set(s, list);
    }
    list.push(v);
  }

  const out = {
    group: [] as Value[],
    series: [] as Value[],
    n: [] as Value[],
    low: [] as Value[],
    q1: [] as Value[],
    median: [] as Value[],
    q3: [] as Value[],
    high: [] as Value[],
    outlier: [] as Value[],
  };
  const row = (g: Value, s: Value, box: BoxStats | undefined, outlier: number | null) => {
    out.group.push(g);
    out.series.push(s);
    out.n.push(box?.n ?? null);
    out.low.push(box?.low ?? null);
    out.q1.push(box?.q1 ?? null);
    out.median.push(box?.median ?? null);
    out.q3.push(box?.q3 ?? null);
    out.high.push(box?.high ?? null);
    out.outlier.push(outlier);
  };
  for (const [g, bySeries] of groups) {
    for (const [s, list] of bySeries) {
      const box = boxOf(Float64Array.from(list).sort(), opts.whisker);
      row(g, s, box, null);
      for (const v of box.outliers) row(g, s, undefined, v);
    }
  }

  const fields: string[] = [];
  const columns: Record<string, Column> = Object.create(null);
  const add = (name: string, col: Value[]) => {
    if (fields.includes(name)) return;
    fields.push(name);
    columns[name] = toColumn(col);
  };
  if (opts.group !== undefined && groupCol) add(opts.group, out.group);
  if (opts.series !== undefined && seriesCol) add(opts.series, out.series);
  add(BoxColumn.n, out.n);
  add(BoxColumn.low, out.low);
  add(BoxColumn.q1, out.q1);
  add(BoxColumn.median, out.median);
  add(BoxColumn.q3, out.q3);
  add(BoxColumn.high, out.high);
  add(BoxColumn.outlier, out.outlier);
  return { fields, columns, length: out.n.length };
}
