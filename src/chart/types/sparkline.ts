import { FONT_STACK } from '../../font.js';
import type { Frame } from '../../frame.js';
import { sparklineTitle } from '../../spec/defaults.js';
import type { ChartOption, LineSeriesOption, ScatterSeriesOption } from '../echarts.js';
import { channel, pivot } from '../encode.js';
import { type ChartOf, chartContext, tooltipFor, valueFormatter } from '../layout.js';
import type { Theme } from '../theme.js';

/** Index of the first smallest (`sign` 1) or largest (`sign` -1) value, or -1. */
function extremeIndex(values: readonly (number | null)[], sign: 1 | -1): number {
  let at = -1;
  values.forEach((v, i) => {
    if (v === null) return;
    const best = at < 0 ? null : values[at];
    if (best === null || best === undefined || sign * v < sign * best) at = i;
  });
  return at;
}

function lastIndex(values: readonly (number | null)[]): number {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return i;
  return -1;
}

/**
 * Sparkline: a small line with no axes, grid or legend, for tables and text; a title is written
 * small and muted on a line of its own above it (see `sparklineTitle`). Points run
 * in frame order (`encode.x` orders nothing; the query sorts). `showMin`, `showMax`, `showLast`
 * put dots on those points, `lineWidth` sets the stroke, `area` fills under the line.
 */
export function sparklineOption(chart: ChartOf<'sparkline'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const y = channel(chart, frame, 'y', true);
  const x = channel(chart, frame, 'x') ?? Float64Array.from({ length: y.length }, (_, i) => i);
  const s = channel(chart, frame, 'series');
  const data = pivot(x, y, s, chart.encode.y ?? 'value');
  const format = valueFormatter(
    chart,
    data.series.flatMap((d) => d.values),
  ).value;
  // A title takes a line of its own above the line (the chart's height includes it).
  const titled = chart.title !== undefined && chart.title !== '';
  const lineHeight = ctx.height - (titled ? sparklineTitle.lineHeight : 0);
  const dot = Math.max(2.5, Math.min(5, lineHeight / 6, o.lineWidth * 2.2));
  const inset = Math.ceil(dot / 2 + o.lineWidth / 2);

  const lines = data.series.map(
    (d): LineSeriesOption => ({
      type: 'line',
      name: d.name,
      data: [...d.values],
      showSymbol: false,
      symbol: 'none',
      lineStyle: { width: o.lineWidth },
      ...(o.area ? { areaStyle: { opacity: 0.18 } } : {}),
      emphasis: { disabled: true },
      silent: true,
      // The grid is inset by the dot radius: nothing drawn needs cutting at its edge.
      clip: false,
    }),
  );
  const first = data.series[0]?.values ?? [];
  const marks: { value: [number, number]; itemStyle: { color: string } }[] = [];
  const mark = (i: number, color: string) => {
    const v = first[i];
    if (i >= 0 && v !== null && v !== undefined && !marks.some((m) => m.value[0] === i)) {
      marks.push({ value: [i, v], itemStyle: { color } });
    }
  };
  const lineColor = ctx.colors[0] ?? theme.text;
  if (o.showLast) mark(lastIndex(first), lineColor);
  if (o.showMax) mark(extremeIndex(first, -1), theme.positive);
  if (o.showMin) mark(extremeIndex(first, 1), theme.negative);
  const dots: ScatterSeriesOption = {
    type: 'scatter',
    name: 'markers',
    data: marks,
    symbolSize: dot,
    z: 3,
    // Dots on the top or bottom point would be cut in half at the grid's edge.
    clip: false,
    silent: true,
    emphasis: { disabled: true },
  };

  return {
    animation: false,
    backgroundColor: theme.background,
    color: [...ctx.colors],
    textStyle: { fontFamily: FONT_STACK },
    ...(titled
      ? {
          title: {
            text: chart.title,
            left: 0,
            top: 0,
            padding: 0,
            textStyle: {
              fontSize: sparklineTitle.fontSize,
              fontWeight: 'normal',
              color: theme.mutedText,
              lineHeight: sparklineTitle.lineHeight,
              width: ctx.width,
              overflow: 'truncate',
            },
          },
        }
      : {}),
    legend: { show: false },
    grid: {
      left: inset,
      right: inset,
      top: inset + (titled ? sparklineTitle.lineHeight : 0),
      bottom: inset,
      outerBoundsMode: 'none',
    },
    xAxis: {
      type: 'category',
      show: false,
      boundaryGap: false,
      data: data.categories.map((_, i) => String(i)),
    },
    yAxis: { type: 'value', show: false, scale: true },
    tooltip: tooltipFor(format),
    series: marks.length > 0 ? [...lines, dots] : lines,
  };
}
