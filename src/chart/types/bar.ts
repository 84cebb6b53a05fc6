import type { Frame } from '../../frame.js';
import { categoryAxis, valueAxis } from '../axes.js';
import type { BarSeriesOption, ChartOption } from '../echarts.js';
import { channel, pivot } from '../encode.js';
import {
  type ChartOf,
  chartContext,
  chrome,
  dataLabel,
  gridFor,
  tooltipFor,
  valueFormatter,
} from '../layout.js';
import { orderByName } from '../order.js';
import { axisProblem } from '../scale.js';
import { type Theme, textOn } from '../theme.js';

/** The ends of each stack: per category, the sums of its positive and of its negative values. */
function stackEnds(values: readonly (readonly (number | null)[])[]): number[] {
  const ends: number[] = [];
  const n = values[0]?.length ?? 0;
  for (let c = 0; c < n; c++) {
    let up = 0;
    let down = 0;
    for (const s of values) {
      const v = s[c] ?? 0;
      if (v > 0) up += v;
      else down += v;
    }
    ends.push(up, down);
  }
  return ends;
}

/**
 * Bar chart: categories from `encode.x`, heights from `encode.y`, one bar per `encode.series`
 * value (in `seriesOrder`), side by side (or stacked with `stacked`). `orientation: horizontal`
 * lays categories down the left side, first at the top; `xTitle` and `x` then name the value
 * axis, drawn across, and `yTitle` the category axis. `labels` writes values on the bars; `barGap` is the gap
 * between bars of a group in % of a bar's width.
 */
export function barOption(chart: ChartOf<'bar'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const x = channel(chart, frame, 'x', true);
  const y = channel(chart, frame, 'y', true);
  const s = channel(chart, frame, 'series');
  const pivoted = pivot(x, y, s, chart.encode.y ?? 'value');
  const data = { categories: pivoted.categories, series: orderByName(pivoted.series, chart.seriesNames) };
  const heights = data.series.map((d) => d.values);
  const flat = heights.flat();
  const format = valueFormatter(chart, flat, o.stacked ? stackEnds(heights) : flat);
  const { option, box } = chrome(ctx, { names: s ? data.series.map((d) => d.name) : [] });
  const horizontal = o.orientation === 'horizontal';
  // Titles and scales name axes as drawn: x across the page, y up it, whichever shows values.
  const across = horizontal ? 'y' : 'x';
  if (o[across] !== undefined) {
    axisProblem(
      across,
      `the ${across} axis of a ${o.orientation} bar chart shows categories; set the scale of the values with ${horizontal ? 'x' : 'y'}`,
    );
  }
  const categories = categoryAxis(ctx, data.categories, horizontal ? o.yTitle : o.xTitle, {
    inverse: horizontal,
  });
  const values = valueAxis(ctx, format, horizontal ? o.xTitle : o.yTitle, { horizontal });
  const label = dataLabel(ctx, format.value);
  const many = data.series.length > 1;

  option.grid = gridFor(box);
  option.xAxis = horizontal ? values : categories;
  option.yAxis = horizontal ? categories : values;
  option.tooltip = tooltipFor(format.value);
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
