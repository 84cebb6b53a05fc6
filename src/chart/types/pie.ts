import { type Column, cell, type Frame } from '../../frame.js';
import type { ChartOption, PieSeriesOption } from '../echarts.js';
import { channel, toLabel, toNumber } from '../encode.js';
import { type ChartOf, chartContext, chrome, tooltipFor, valueFormatter } from '../layout.js';
import { fitPieLabels, labelText } from '../pie-labels.js';
import type { Theme } from '../theme.js';

/** Slices by name in first-seen order; repeated names are summed, non-positive values dropped. */
function slices(names: Column, values: Column) {
  const byName = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    const v = toNumber(cell(values, i));
    if (v === null) continue;
    const key = toLabel(cell(names, i));
    byName.set(key, (byName.get(key) ?? 0) + v);
  }
  return [...byName].filter(([, v]) => v > 0).map(([name, value]) => ({ name, value }));
}

/** Where the first slice starts: 12 o'clock. */
const START_ANGLE = 90;

/**
 * Pie chart: slice names from `encode.x` (or `encode.series`), sizes from `encode.y`.
 * `innerRadius` (% of the radius) makes a donut. `labels`: `percent` ("EMEA 42.1%"), `value`
 * ("EMEA 12,345"), `name`, or `none`.
 */
export function pieOption(chart: ChartOf<'pie'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const names =
    chart.encode.x !== undefined ? channel(chart, frame, 'x', true) : channel(chart, frame, 'series', true);
  const data = slices(names, channel(chart, frame, 'y', true));
  const format = valueFormatter(
    chart,
    data.map((d) => d.value),
  ).value;
  const { option, box } = chrome(ctx, { names: data.map((d) => d.name) });

  const amount = (p: { value?: unknown; percent?: number }): string =>
    o.labels === 'percent'
      ? `${(p.percent ?? 0).toFixed(1)}%`
      : format(typeof p.value === 'number' ? p.value : 0);
  const labelSize = ctx.fontSize;
  const total = data.reduce((s, d) => s + d.value, 0);
  const leader = [8 * ctx.scale, 8 * ctx.scale] as const;
  const { form, radius: outer } = fitPieLabels(
    o.labels,
    data.map((d) => ({ ...d, amount: amount({ value: d.value, percent: (100 * d.value) / total }) })),
    {
      width: ctx.width - box.left - box.right,
      height: ctx.height - box.top - box.bottom,
      fontSize: labelSize,
      leader,
      legend: chart.options.legend !== 'none',
      startAngle: START_ANGLE,
    },
  );
  const inner = (outer * o.innerRadius) / 100;

  option.tooltip = tooltipFor(format);
  const series: PieSeriesOption = {
    type: 'pie',
    name: chart.encode.y ?? 'value',
    data,
    // The plot box bounds the pie and its labels, which are cut to fit rather than spill out.
    ...box,
    center: ['50%', '50%'],
    radius: [inner, outer],
    percentPrecision: 1,
    startAngle: START_ANGLE,
    avoidLabelOverlap: true,
    minShowLabelAngle: 2,
    itemStyle: { borderColor: theme.surface, borderWidth: 1 },
    emphasis: { disabled: true },
    label: {
      show: o.labels !== 'none',
      position: 'outside',
      color: theme.text,
      fontSize: labelSize,
      formatter: (p) => labelText(form, p.name, amount({ value: p.value, percent: p.percent ?? 0 })),
    },
    labelLine: { show: o.labels !== 'none', length: leader[0], length2: leader[1] },
    labelLayout: { hideOverlap: true },
  };
  option.series = [series];
  return option;
}
