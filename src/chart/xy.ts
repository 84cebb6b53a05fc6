import type { Frame } from '../frame.js';
import { type AxisOption, categoryAxis, timeAxis, valueAxis } from './axes.js';
import { channel, isDateColumn, isNumberColumn, type Pivot, parseDate, pivot, toNumber } from './encode.js';
import { valueFormat } from './format.js';
import type { ChartContext, ChartOf } from './layout.js';
import { orderByName } from './order.js';

/** How the x values of a line or area chart are placed. */
export type XKind = 'time' | 'value' | 'category';

/** Pivoted x/y/series data with the x scale it calls for. */
export interface XYData extends Pivot {
  readonly kind: XKind;
  /** Position of each category on a time or value axis. */
  readonly xs: readonly (number | null)[];
}

/**
 * Reads `encode.x`, `encode.y` and `encode.series` and pivots them. ISO dates give a time axis,
 * numbers a value axis, anything else a category axis. Series are listed in `seriesOrder`.
 */
export function xyData(chart: ChartOf<'line' | 'area'>, frame: Frame): XYData {
  const x = channel(chart, frame, 'x', true);
  const y = channel(chart, frame, 'y', true);
  const s = channel(chart, frame, 'series');
  const p = pivot(x, y, s, chart.encode.y ?? 'value');
  const series = orderByName(p.series, chart.seriesNames);
  const kind: XKind = isDateColumn(p.categories)
    ? 'time'
    : isNumberColumn(p.categories)
      ? 'value'
      : 'category';
  const xs =
    kind === 'time' ? p.categories.map(parseDate) : kind === 'value' ? p.categories.map(toNumber) : [];
  return { categories: p.categories, series, kind, xs };
}

/** One series' data for ECharts: plain values on a category axis, `[x, y]` pairs otherwise. */
export function seriesData(
  d: XYData,
  values: readonly (number | null)[],
): (number | null)[] | [number, number | null][] {
  if (d.kind === 'category') return [...values];
  const pairs: [number, number | null][] = [];
  values.forEach((v, i) => {
    const x = d.xs[i];
    if (x !== null && x !== undefined) pairs.push([x, v]);
  });
  return pairs;
}

/** The x axis for the data's kind; lines start and end at the plot edges unless `pad`. */
export function xAxisFor(ctx: ChartContext, d: XYData, title: string | undefined, pad = false): AxisOption {
  // Labels above the first and last points need room inside the plot.
  if (d.kind === 'time') return timeAxis(ctx, title, d.xs, { pad: pad ? 0.03 : 0 });
  if (d.kind === 'value') {
    return {
      ...valueAxis(ctx, valueFormat(undefined, d.xs), title, { scale: true, line: true, horizontal: true }),
      splitLine: { show: false },
    };
  }
  return { ...categoryAxis(ctx, d.categories, title), boundaryGap: pad };
}
