import { type Column, cell, type Frame } from '../../data/frame.js';
import { FONT_STACK } from '../../font.js';
import type { ChartOption, PieSeriesOption } from '../echarts.js';
import { channel, toLabel, toNumber } from '../encode.js';
import { type ChartOf, chartContext, chrome, tooltipFor, valueFormatter } from '../layout.js';
import { measureText } from '../metrics.js';
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

  const text = (p: { name: string; value?: unknown; percent?: number }): string => {
    const v = typeof p.value === 'number' ? p.value : 0;
    if (o.labels === 'percent') return `${p.name} ${(p.percent ?? 0).toFixed(1)}%`;
    if (o.labels === 'value') return `${p.name} ${format(v)}`;
    return p.name;
  };
  const labelSize = ctx.fontSize;
  const font = `${labelSize}px ${FONT_STACK}`;
  const total = data.reduce((s, d) => s + d.value, 0);
  const widest =
    o.labels === 'none'
      ? 0
      : Math.max(
          0,
          ...data.map((d) => measureText(text({ ...d, percent: (100 * d.value) / total }), font).width),
        );
  const plotW = ctx.width - box.left - box.right;
  const plotH = ctx.height - box.top - box.bottom;
  // Outside labels need their width on each side plus a leader line; keep a readable pie.
  const room = o.labels === 'none' ? 0 : Math.min(widest + 40 * ctx.scale, plotW * 0.34);
  const outer = Math.max(16, Math.min(plotH / 2 - (o.labels === 'none' ? 0 : labelSize), plotW / 2 - room));
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
    startAngle: 90,
    avoidLabelOverlap: true,
    minShowLabelAngle: 2,
    itemStyle: { borderColor: theme.surface, borderWidth: 1 },
    emphasis: { disabled: true },
    label: {
      show: o.labels !== 'none',
      position: 'outside',
      color: theme.text,
      fontSize: labelSize,
      formatter: (p) => text({ name: p.name, value: p.value, percent: p.percent ?? 0 }),
    },
    labelLine: { show: o.labels !== 'none', length: 8 * ctx.scale, length2: 8 * ctx.scale },
    labelLayout: { hideOverlap: true },
  };
  option.series = [series];
  return option;
}
