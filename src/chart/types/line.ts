import type { Frame } from '../../data/frame.js';
import { valueAxis } from '../axes.js';
import type { ChartOption, LineSeriesOption } from '../echarts.js';
import {
  type ChartOf,
  chartContext,
  chrome,
  dataLabel,
  gridFor,
  tooltipFor,
  valueFormatter,
} from '../layout.js';
import type { Theme } from '../theme.js';
import { seriesData, xAxisFor, xyData } from '../xy.js';

/**
 * Line chart: x from `encode.x` (ISO dates on a time axis, numbers on a value axis, else
 * categories), y from `encode.y`, one line per `encode.series` value. Missing points leave a
 * gap. `smooth` curves the lines, `markers` draws the points, `lineWidth` sets the stroke,
 * `labels` writes the values above the points.
 */
export function lineOption(chart: ChartOf<'line'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const d = xyData(chart, frame);
  const format = valueFormatter(
    chart,
    d.series.flatMap((s) => s.values),
  );
  const named = chart.encode.series !== undefined;
  const { option, box } = chrome(ctx, { names: named ? d.series.map((s) => s.name) : [], icon: 'line' });
  const label = dataLabel(ctx, format.value, d.kind === 'category' ? 0 : 1);
  const markerSize = Math.max(4, Math.round((o.lineWidth + 4) * ctx.scale));

  option.grid = gridFor(box);
  option.xAxis = xAxisFor(ctx, d, o.xTitle, o.labels);
  option.yAxis = valueAxis(ctx, format, o.yTitle);
  option.tooltip = tooltipFor(format.value);
  option.series = d.series.map(
    (s): LineSeriesOption => ({
      type: 'line',
      name: s.name,
      data: seriesData(d, s.values),
      smooth: o.smooth,
      showSymbol: o.markers,
      symbol: 'circle',
      symbolSize: markerSize,
      itemStyle: { borderColor: theme.surface, borderWidth: 1 },
      lineStyle: { width: o.lineWidth },
      connectNulls: false,
      emphasis: { disabled: true },
      label: {
        show: o.labels,
        position: 'top',
        distance: 4,
        ...label,
        formatter: (p) => label.formatter({ value: p.value }),
      },
      labelLayout: { hideOverlap: true },
    }),
  );
  return option;
}
