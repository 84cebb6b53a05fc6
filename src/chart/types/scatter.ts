import { cell, columnValues, type Frame } from '../../frame.js';
import { timeAxis, valueAxis } from '../axes.js';
import type { ChartOption, ScatterSeriesOption } from '../echarts.js';
import { channel, isDateColumn, maxAbs, parseDate, toLabel, toNumber } from '../encode.js';
import { type ChartOf, chartContext, chrome, gridFor, valueFormatter } from '../layout.js';
import { orderByName } from '../order.js';
import type { Theme } from '../theme.js';

/** Smallest drawn point when `size` is encoded, px. */
const MIN_POINT = 3;

/**
 * Scatter chart: one point per row at (`encode.x`, `encode.y`). `encode.size` scales the point
 * area (the largest value gets `pointSize` px, others sqrt-proportional, at least 3 px);
 * `encode.color` splits points into one coloured series per category, with a legend (in
 * `seriesOrder`). `numberFormat` writes the values of both axes (a time x keeps its dates).
 */
export function scatterOption(chart: ChartOf<'scatter'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const x = channel(chart, frame, 'x', true);
  const y = channel(chart, frame, 'y', true);
  const size = channel(chart, frame, 'size');
  const color = channel(chart, frame, 'color');
  const timeX = isDateColumn(x);
  const xs = columnValues(x).map((v) => (timeX ? parseDate(v) : toNumber(v)));
  const ys = columnValues(y).map(toNumber);
  const sizes = size && columnValues(size).map(toNumber);
  const largestSize = sizes ? maxAbs(sizes) : 0;

  // A point is a bare [x, y] pair unless it has a size of its own: ECharts makes a model for
  // each point given as an object, which costs more than drawing it.
  const groups = new Map<string, ([number, number] | { value: [number, number]; symbolSize: number })[]>();
  const single = chart.encode.y ?? 'value';
  for (let i = 0; i < frame.length; i++) {
    const xv = xs[i];
    const yv = ys[i];
    if (xv === null || xv === undefined || yv === null || yv === undefined) continue;
    const key = color ? toLabel(cell(color, i)) : single;
    let list = groups.get(key);
    if (!list) {
      list = [];
      groups.set(key, list);
    }
    const s = sizes?.[i];
    if (sizes && largestSize > 0) {
      const r = Math.sqrt(Math.max(0, s ?? 0) / largestSize);
      list.push({ value: [xv, yv], symbolSize: Math.max(MIN_POINT, Math.round(o.pointSize * r * 10) / 10) });
    } else {
      list.push([xv, yv]);
    }
  }

  // The chart's numberFormat writes both value axes: x and y alike are measured values.
  const yFormat = valueFormatter(chart, ys);
  const xFormat = valueFormatter(chart, xs);
  const series = orderByName(
    [...groups].map(([name, data]) => ({ name, data })),
    chart.seriesNames,
  );
  const { option, box } = chrome(ctx, { names: color ? series.map((s) => s.name) : [], icon: 'circle' });
  option.grid = gridFor(box);
  // Points on the extremes stay clear of the plot edges.
  const gap: [string, string] = ['4%', '4%'];
  option.xAxis = {
    ...(timeX
      ? timeAxis(ctx, o.xTitle, xs, { grid: true, pad: 0.04 })
      : valueAxis(ctx, xFormat, o.xTitle, {
          scale: true,
          line: true,
          horizontal: true,
        })),
    boundaryGap: gap,
  };
  option.yAxis = { ...valueAxis(ctx, yFormat, o.yTitle, { scale: true }), boundaryGap: gap };
  option.tooltip = {
    trigger: 'item',
    // A point's value is its [x, y] pair: each written in its axis' format.
    valueFormatter: (v) => {
      if (!Array.isArray(v)) return typeof v === 'number' ? yFormat.value(v) : String(v ?? '');
      const [xv, yv] = v;
      const xText =
        typeof xv !== 'number'
          ? String(xv ?? '')
          : timeX
            ? new Date(xv).toISOString().slice(0, 10)
            : xFormat.value(xv);
      return `${xText}, ${typeof yv === 'number' ? yFormat.value(yv) : String(yv ?? '')}`;
    },
  };
  option.series = series.map(
    ({ name, data }): ScatterSeriesOption => ({
      type: 'scatter',
      name,
      data,
      symbolSize: o.pointSize,
      itemStyle: { opacity: sizes ? 0.7 : 0.85, borderColor: theme.surface, borderWidth: 0.5 },
      emphasis: { disabled: true },
    }),
  );
  return option;
}
