import { ChartpressError, problem } from '../../errors.js';
import { FONT_STACK } from '../../font.js';
import { type Column, cell, type Frame, type Value } from '../../frame.js';
import { categoryAxis } from '../axes.js';
import { divergingStops, scaleColor, sequentialStops } from '../color-scale.js';
import { dateLabels } from '../dates.js';
import type { ChartOption, HeatmapSeriesOption } from '../echarts.js';
import { channel, isDateColumn, isNumberColumn, toLabel, toNumber } from '../encode.js';
import {
  type ChartContext,
  type ChartOf,
  chartContext,
  chrome,
  gridFor,
  type PlotBox,
  tooltipFor,
  valueFormatter,
} from '../layout.js';
import { measureText } from '../metrics.js';
import { seriesOrder } from '../order.js';
import { type Theme, textOn } from '../theme.js';

/**
 * The categories of a heatmap axis: numbers (bins) and dates (time buckets) in ascending order,
 * so that a gap in the data shows as a gap; other values in the order of the rows (the query's
 * sort), as category axes keep it.
 */
function axisCategories(col: Column, length: number): Value[] {
  const seen = new Set<Value>();
  for (let i = 0; i < length; i++) seen.add(cell(col, i));
  const values = [...seen];
  return isNumberColumn(values) || isDateColumn(values) ? seriesOrder(values) : values;
}

/** Labels of categories as their axis writes them (dates at their precision). */
function axisLabels(categories: readonly Value[]): string[] {
  return isDateColumn(categories) ? dateLabels(categories) : categories.map(toLabel);
}

/** Thickness of the colour bar and the gap between it and its numbers, px at scale 1. */
const BAR_THICKNESS = 12;
const BAR_TEXT_GAP = 6;

/** The colour bar's place and size for the legend position, and the room it takes from the plot. */
function colorBar(ctx: ChartContext, box: PlotBox, labels: readonly [string, string]) {
  const position = ctx.chart.options.legend;
  const font = `${ctx.fontSize}px ${FONT_STACK}`;
  const textWidth = Math.max(...labels.map((l) => measureText(l, font).width));
  const thickness = Math.round(BAR_THICKNESS * ctx.scale);
  const gap = Math.round(BAR_TEXT_GAP * ctx.scale);
  const pad = Math.round(10 * ctx.scale);
  const space = Math.round(14 * ctx.scale);
  const vertical = position === 'left' || position === 'right';
  const plotHeight = ctx.height - box.top - box.bottom;
  if (vertical) {
    const length = Math.round(
      Math.max(40, Math.min(180 * ctx.scale, plotHeight - 2 * (ctx.fontSize + gap) - 8)),
    );
    const width = Math.ceil(Math.max(thickness, textWidth));
    return {
      place: {
        orient: 'vertical' as const,
        top: 'middle' as const,
        [position]: pad + (width - thickness) / 2,
      },
      size: { itemWidth: thickness, itemHeight: length },
      box: { ...box, [position]: box[position] + width + space },
    };
  }
  const length = Math.round(Math.max(60, Math.min(220 * ctx.scale, ctx.width * 0.4)));
  const height = Math.max(thickness, ctx.fontSize * 1.2);
  const edge = position === 'top' ? box.top : box.bottom;
  return {
    place: {
      orient: 'horizontal' as const,
      left: 'center' as const,
      [position]: position === 'top' ? edge : pad,
    },
    size: { itemWidth: thickness, itemHeight: length },
    box: { ...box, [position]: (position === 'top' ? edge : box.bottom) + height + space },
  };
}

/**
 * Heatmap: one cell per pair of `encode.x` and `encode.y` values, coloured by `encode.color`
 * (cells of a repeated pair are summed; a pair with no value is left blank). Axes of numbers
 * (bins) and dates (buckets) run in ascending order, others in row order; the first row is at
 * the top. The colour scale is continuous (`colorScale`: sequential from a light tint to the
 * palette's first colour, or diverging around zero in the theme's negative and positive
 * colours; a `colors` list gives its stops) and is shown as the legend: a colour bar with the
 * lowest and highest values (`legend` places it, right by default). `labels` writes each value
 * in its cell, in dark or light text as the cell needs, when every label fits its cell.
 */
export function heatmapOption(chart: ChartOf<'heatmap'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const x = channel(chart, frame, 'x', true);
  const y = channel(chart, frame, 'y', true);
  const v = channel(chart, frame, 'color', true);
  const xs = axisCategories(x, frame.length);
  const ys = axisCategories(y, frame.length);
  const xIndex = new Map(xs.map((c, i) => [c, i]));
  const yIndex = new Map(ys.map((c, i) => [c, i]));
  const sums = new Map<number, number>();
  for (let i = 0; i < frame.length; i++) {
    const value = toNumber(cell(v, i));
    if (value === null) continue;
    const key = (xIndex.get(cell(x, i)) ?? 0) * ys.length + (yIndex.get(cell(y, i)) ?? 0);
    sums.set(key, (sums.get(key) ?? 0) + value);
  }
  const values = [...sums.values()];
  if (values.length === 0) {
    throw new ChartpressError(
      problem(
        'CP_ERR_INVALID_VALUE',
        `encode.color: column "${chart.encode.color}" holds no numbers to colour cells by`,
        {
          path: 'encode.color',
        },
      ),
    );
  }
  const format = valueFormatter(chart, values);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const diverging = o.colorScale === 'diverging';
  if (diverging) {
    const reach = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    lo = -reach;
    hi = reach;
  } else if (!(hi > lo)) {
    // One value: it takes the middle of the scale.
    lo -= 1;
    hi += 1;
  }
  const stops = Array.isArray(o.colors)
    ? [...o.colors]
    : diverging
      ? divergingStops(theme)
      : sequentialStops(theme, ctx.colors);
  const colorOf = (value: number) => scaleColor(stops, (value - lo) / (hi - lo));

  // The colour bar is the legend: chrome() lays out title and subtitle, the bar takes its side.
  const { option, box: framed } = chrome(ctx, { names: [] });
  const ends: [string, string] = [format.value(hi), format.value(lo)];
  const bar = o.legend !== 'none' ? colorBar(ctx, framed, ends) : undefined;
  const box = bar?.box ?? framed;

  // Labels only when the widest fits its cell: a label cut or spilling over is worse than none.
  const labelSize = Math.round(ctx.fontSize * 0.95 * 10) / 10;
  const labelFont = `${labelSize}px ${FONT_STACK}`;
  const tickFont = `${ctx.fontSize}px ${FONT_STACK}`;
  const yLabelWidth = Math.max(0, ...axisLabels(ys).map((l) => measureText(l, tickFont).width));
  const cellWidth = (ctx.width - box.left - box.right - yLabelWidth - 8) / Math.max(1, xs.length);
  const cellHeight = (ctx.height - box.top - box.bottom - ctx.fontSize * 1.6) / Math.max(1, ys.length);
  const widest = Math.max(0, ...values.map((n) => measureText(format.value(n), labelFont).width));
  const labels = o.labels && widest + 6 <= cellWidth && labelSize + 4 <= cellHeight;

  const xAxis = categoryAxis(ctx, xs, o.xTitle);
  const yAxis = categoryAxis(ctx, ys, o.yTitle, { inverse: true });
  option.grid = gridFor(box);
  option.xAxis = { ...xAxis, axisLine: { show: false }, splitArea: { show: false } };
  option.yAxis = {
    ...yAxis,
    axisLine: { show: false },
    axisLabel: { ...yAxis.axisLabel, rotate: 0 },
    splitArea: { show: false },
  };
  option.tooltip = tooltipFor(format.value);
  if (bar) {
    option.visualMap = {
      type: 'continuous',
      min: lo,
      max: hi,
      dimension: 2,
      seriesIndex: 0,
      calculable: false,
      hoverLink: false,
      realtime: false,
      inRange: { color: stops },
      text: ends,
      textGap: Math.round(BAR_TEXT_GAP * ctx.scale),
      textStyle: { color: theme.mutedText, fontSize: ctx.fontSize, fontFamily: FONT_STACK },
      padding: 0,
      ...bar.place,
      ...bar.size,
    };
  } else {
    option.visualMap = {
      type: 'continuous',
      show: false,
      min: lo,
      max: hi,
      dimension: 2,
      seriesIndex: 0,
      inRange: { color: stops },
    };
  }
  const data = [...sums].map(([key, value]) => {
    const xi = Math.floor(key / ys.length);
    const yi = key % ys.length;
    return labels
      ? { value: [xi, yi, value], label: { color: textOn(colorOf(value)) } }
      : { value: [xi, yi, value] };
  });
  const series: HeatmapSeriesOption = {
    type: 'heatmap',
    name: chart.encode.color ?? 'value',
    data,
    // Cells are parted by a hairline of the background.
    itemStyle: { borderColor: theme.surface, borderWidth: 1 },
    emphasis: { disabled: true },
    label: {
      show: labels,
      fontSize: labelSize,
      fontFamily: FONT_STACK,
      formatter: (p: { value?: unknown }) => {
        const n = Array.isArray(p.value) ? p.value[2] : undefined;
        return typeof n === 'number' ? format.value(n) : '';
      },
    },
  };
  option.series = [series];
  return option;
}
