import type { Frame } from '../../data/frame.js';
import { categoryAxis, valueAxis } from '../axes.js';
import type { BarSeriesOption, ChartOption } from '../echarts.js';
import { channel, maxAbs, pivot } from '../encode.js';
import {
  type ChartOf,
  chartContext,
  chrome,
  dataLabel,
  gridFor,
  tooltipFor,
  valueFormatter,
} from '../layout.js';
import { type Theme, textOn } from '../theme.js';

/** Largest bar (or stack) height, to pick the value format's scale. */
function largest(values: readonly (readonly (number | null)[])[], stacked: boolean): number {
  if (!stacked) return maxAbs(values.flat());
  let m = 0;
  const n = values[0]?.length ?? 0;
  for (let c = 0; c < n; c++) m = Math.max(m, Math.abs(values.reduce((sum, s) => sum + (s[c] ?? 0), 0)));
  return m;
}

/**
 * Bar chart: categories from `encode.x`, heights from `encode.y`, one bar per `encode.series`
 * value, side by side (or stacked with `stacked`). `orientation: horizontal` lays categories
 * down the left side, first at the top. `labels` writes values on the bars; `barGap` is the gap
 * between bars of a group in % of a bar's width.
 */
export function barOption(chart: ChartOf<'bar'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const x = channel(chart, frame, 'x', true);
  const y = channel(chart, frame, 'y', true);
  const s = channel(chart, frame, 'series');
  const data = pivot(x, y, s, chart.encode.y ?? 'value');
  const top = largest(
    data.series.map((d) => d.values),
    o.stacked,
  );
  const format = valueFormatter(chart, top);
  const { option, box } = chrome(ctx, { names: s ? data.series.map((d) => d.name) : [] });
  const horizontal = o.orientation === 'horizontal';
  const categories = categoryAxis(ctx, data.categories, o.xTitle, { inverse: horizontal });
  const values = valueAxis(ctx, format, o.yTitle, { horizontal, largest: top });
  const label = dataLabel(ctx, format);
  const many = data.series.length > 1;

  option.grid = gridFor(box);
  option.xAxis = horizontal ? values : categories;
  option.yAxis = horizontal ? categories : values;
  option.tooltip = tooltipFor(format);
  option.series = data.series.map(
    (d, i): BarSeriesOption => ({
      type: 'bar',
      name: d.name,
      data: [...d.values],
      ...(o.stacked ? { stack: 'total' } : {}),
      barGap: `${o.barGap}%`,
      barCategoryGap: many && !o.stacked ? '25%' : '35%',
      itemStyle: { borderRadius: theme.barRadius },
      emphasis: { disabled: true },
      label: {
        show: o.labels,
        ...label,
        formatter: (p) => label.formatter({ value: p.value }),
        ...(o.stacked
          ? { position: 'inside', color: textOn(ctx.colors[i % ctx.colors.length] ?? theme.text) }
          : { position: horizontal ? 'right' : 'top', distance: 3 }),
      },
      labelLayout: { hideOverlap: true },
    }),
  );
  return option;
}
