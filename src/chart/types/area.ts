import type { Frame } from '../../frame.js';
import { valueAxis } from '../axes.js';
import type { ChartOption, LineSeriesOption } from '../echarts.js';
import { type ChartOf, chartContext, chrome, gridFor, tooltipFor, valueFormatter } from '../layout.js';
import type { Theme } from '../theme.js';
import { seriesData, xAxisFor, xyData } from '../xy.js';

/**
 * Area chart: like a line chart with the area under each line filled. Layers stack by default,
 * in `seriesOrder` (`stacked: false` overlaps them; a missing point then is joined across, or
 * with `gaps: break` leaves a gap, while in a stack it counts as zero). `opacity` is the fill opacity, `smooth` curves the edges, `lineWidth` sets the edge.
 */
export function areaOption(chart: ChartOf<'area'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const d = xyData(chart, frame);
  const layers = o.stacked ? d.series.map((s) => ({ ...s, values: s.values.map((v) => v ?? 0) })) : d.series;
  const totals = d.categories.map((_, i) => layers.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const values = d.series.flatMap((s) => s.values);
  const format = valueFormatter(chart, values, o.stacked ? totals : values);
  const named = chart.encode.series !== undefined;
  const { option, box } = chrome(ctx, { names: named ? d.series.map((s) => s.name) : [] });

  option.grid = gridFor(box);
  option.xAxis = xAxisFor(ctx, d, o.xTitle);
  option.yAxis = valueAxis(ctx, format, o.yTitle);
  option.tooltip = tooltipFor(format.value);
  option.series = layers.map(
    (s): LineSeriesOption => ({
      type: 'line',
      name: s.name,
      data: seriesData(d, s.values),
      ...(o.stacked ? { stack: 'total' } : {}),
      smooth: o.smooth,
      showSymbol: false,
      symbol: 'none',
      lineStyle: { width: o.lineWidth },
      areaStyle: { opacity: o.opacity },
      connectNulls: o.gaps === 'connect',
      emphasis: { disabled: true },
    }),
  );
  return option;
}
