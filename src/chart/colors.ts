import { cell, type Frame, type Value } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import type { ChartOption } from './echarts.js';
import { toLabel } from './encode.js';
import { orderByName } from './order.js';
import { assignColors, paletteColor, sortedLabels } from './palette.js';
import type { Theme } from './theme.js';

/*
 * A value keeps its colour: a chart that colours by a field gets, for each of the field's
 * values, a colour fixed before the chart is drawn (`chart.colors`, set for a whole report),
 * or else one taken from the sorted values of its own frame. The chart type modules colour
 * series by position; `withSeriesColors` and `applySeriesColors` turn positions into values.
 */

/** The field whose values a chart tells apart by colour, if any. */
export function colorField(chart: NormalizedChart): string | undefined {
  if (chart.type === 'scatter') return chart.encode.color;
  if (chart.type === 'pie') return chart.encode.x ?? chart.encode.series;
  // A combo colours its two measures, a heatmap its cells by value, a KPI nothing by field.
  if (chart.type === 'combo' || chart.type === 'heatmap' || chart.type === 'kpi') return undefined;
  return chart.encode.series;
}

/** The chart's own palette: its `options.colors` list, else the theme's. */
export function chartPalette(chart: NormalizedChart, theme: Theme): readonly string[] {
  const colors = chart.options.colors;
  return Array.isArray(colors) ? colors : theme.palette;
}

/** Colours the chart pins itself: its `options.colors` map. */
export function chartPins(chart: NormalizedChart): Readonly<Record<string, string>> {
  const colors = chart.options.colors;
  return colors !== undefined && !Array.isArray(colors) ? colors : {};
}

/**
 * The colour of each value the chart shows: the chart's `colors` when set (by the report),
 * else its frame's values in sorted order (a y list's in the order written, see `seriesNames`)
 * over the palette, its `options.colors` pins winning.
 */
export function valueColors(
  chart: NormalizedChart,
  frame: Frame,
  theme: Theme,
): Readonly<Record<string, string>> | undefined {
  const field = colorField(chart);
  if (field === undefined) return undefined;
  if (chart.colors) return chart.colors;
  const col = frame.columns[field];
  if (!col) return undefined;
  const values = Array.from({ length: frame.length }, (_, i) => cell(col, i));
  return { ...assignColors(labelsInOrder(chart, values), chartPalette(chart, theme)), ...chartPins(chart) };
}

/** The distinct labels of `values`, sorted; a y list's names first, in the order written. */
function labelsInOrder(chart: NormalizedChart, values: Iterable<Value>): string[] {
  const sorted = sortedLabels(values);
  const written = (chart.seriesNames ?? []).filter((n) => sorted.includes(n));
  return [...written, ...sorted.filter((n) => !written.includes(n))];
}

/**
 * The chart with `options.colors` listing the colour of each value of its colour field in the
 * order the type module makes its series in (`orderByName`; a sparkline's in frame order), for
 * the modules that pick a series' colour by its position.
 */
export function withSeriesColors(
  chart: NormalizedChart,
  frame: Frame,
  colors: Readonly<Record<string, string>>,
): NormalizedChart {
  const col = frame.columns[colorField(chart) ?? ''];
  if (!col) return chart;
  const seen = new Set<string>();
  for (let i = 0; i < frame.length; i++) seen.add(toLabel(cell(col, i)));
  const named = [...seen].map((name) => ({ name }));
  const order = chart.type === 'sparkline' ? named : orderByName(named, chart.seriesNames);
  const ordered = order.map(({ name }, i) => colors[name] ?? paletteColor([], i));
  if (ordered.length === 0) return chart;
  return { ...chart, options: { ...chart.options, colors: ordered } } as NormalizedChart;
}

/**
 * Sets the option's palette so that each series (each slice, for a pie) is drawn in its
 * value's colour, whatever order the chart type made them in. Names without a colour take
 * further palette colours.
 */
export function applySeriesColors(
  option: ChartOption,
  colors: Readonly<Record<string, string>>,
  palette: readonly string[],
): void {
  const series = (Array.isArray(option.series) ? option.series : []) as {
    type?: string;
    name?: unknown;
    data?: unknown;
  }[];
  const first = series[0];
  const names =
    first?.type === 'pie' && Array.isArray(first.data)
      ? first.data.map((d: { name?: unknown }) => String(d?.name ?? ''))
      : series.map((s) => String(s.name ?? ''));
  if (names.length === 0) return;
  let extra = Object.keys(colors).length;
  option.color = names.map((name) => colors[name] ?? paletteColor(palette, extra++));
}
