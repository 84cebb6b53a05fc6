import type { Value } from '../data/frame.js';
import { FONT_STACK } from '../font.js';
import { dateLabels } from './dates.js';
import type { ChartOption } from './echarts.js';
import { isDateColumn, toLabel } from './encode.js';
import type { ValueFormat } from './format.js';
import type { ChartContext } from './layout.js';
import { measureText } from './metrics.js';

type XAxis = Exclude<NonNullable<ChartOption['xAxis']>, readonly unknown[]>;
/** One cartesian axis option, usable as an x or a y axis. */
export type AxisOption = XAxis & { mainType?: undefined };
type CategoryAxis = Extract<AxisOption, { type?: 'category' }>;
type ValueAxis = Extract<AxisOption, { type?: 'value' }>;
type TimeAxis = Extract<AxisOption, { type?: 'time' }>;

function named(ctx: ChartContext, title: string | undefined) {
  if (title === undefined || title === '') return {};
  return {
    name: title,
    nameLocation: 'middle' as const,
    nameGap: Math.round(14 * ctx.scale),
    nameTextStyle: {
      color: ctx.theme.text,
      fontSize: ctx.fontSize,
      fontWeight: 500,
      textMargin: [Math.round(8 * ctx.scale), 0],
    },
  };
}

/**
 * A category axis over `categories` in the given order. Dates are labelled at their precision
 * ("Jan 2024", "Q1 2024"...); labels turn by `labelRotate`.
 */
export function categoryAxis(
  ctx: ChartContext,
  categories: readonly Value[],
  title: string | undefined,
  opts: { inverse?: boolean } = {},
): CategoryAxis {
  const labels = isDateColumn(categories) ? dateLabels(categories) : categories.map(toLabel);
  const { theme, chart } = ctx;
  return {
    type: 'category',
    data: categories.map(toLabel),
    inverse: opts.inverse ?? false,
    ...named(ctx, title),
    axisLine: { show: true, lineStyle: { color: theme.axisLine } },
    axisTick: { show: false },
    axisLabel: {
      color: theme.mutedText,
      fontSize: ctx.fontSize,
      rotate: chart.options.labelRotate,
      hideOverlap: true,
      formatter: (_value: string, index: number) => labels[index] ?? '',
    },
    splitLine: { show: false },
  };
}

/** About how many intervals an axis of `length` px holds with one label per `spacing` px. */
function ticksAlong(ctx: ChartContext, length: number, spacing: number): number {
  return Math.max(2, Math.min(8, Math.round(length / (spacing * ctx.scale))));
}

/** Grid lines across the plot, following the `grid` option and the theme. */
function splitLine(ctx: ChartContext) {
  return {
    show: ctx.chart.options.grid,
    lineStyle: { color: ctx.theme.splitLine, type: ctx.theme.splitLineType },
  };
}

/**
 * The spacing ECharts gives the ticks of a value axis over `[min, max]` in about `splitNumber`
 * intervals: a 1, 2, 3 or 5 times a power of ten, near span / splitNumber.
 */
export function tickStep(min: number, max: number, splitNumber: number): number {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return 0;
  const raw = span / splitNumber;
  const exponent = Math.floor(Math.log10(raw));
  const f = raw / 10 ** exponent;
  const nf = f < 1.5 ? 1 : f < 2.5 ? 2 : f < 4 ? 3 : f < 7 ? 5 : 10;
  // Rounded as ECharts rounds it: 3 * 0.1 is 0.3, not 0.30000000000000004.
  return Number((nf * 10 ** exponent).toFixed(Math.max(0, -exponent)));
}

/**
 * A numeric axis with formatted labels and grid lines (no axis line: the grid shows scale).
 * Its ticks share one number of decimals, the one their spacing needs.
 */
export function valueAxis(
  ctx: ChartContext,
  format: ValueFormat,
  title: string | undefined,
  opts: { scale?: boolean; line?: boolean; horizontal?: boolean } = {},
): ValueAxis {
  const scale = opts.scale ?? false;
  // An axis that does not scale to its data starts at zero.
  const min = scale ? format.min : Math.min(0, format.min);
  const max = scale ? format.max : Math.max(0, format.max);
  const along = (opts.horizontal ? ctx.width : ctx.height) * 0.8;
  // Across the page a tick needs room for its label; up the page, for a line of text.
  const rough = format.ticks(tickStep(min, max, ticksAlong(ctx, along, 60)));
  const widest = Math.abs(max) >= Math.abs(min) ? max : min;
  const labelWidth = measureText(rough(widest), `${ctx.fontSize}px ${FONT_STACK}`).width;
  const spacing = opts.horizontal ? Math.max(60, labelWidth / ctx.scale + 30) : 60;
  const splitNumber = ticksAlong(ctx, along, spacing);
  const tick = format.ticks(tickStep(min, max, splitNumber));
  return {
    type: 'value',
    scale,
    ...named(ctx, title),
    axisLine: { show: opts.line ?? false, onZero: false, lineStyle: { color: ctx.theme.axisLine } },
    axisTick: { show: false },
    splitNumber,
    axisLabel: { color: ctx.theme.mutedText, fontSize: ctx.fontSize, formatter: (v: number) => tick(v) },
    splitLine: splitLine(ctx),
  };
}

/** Time tick labels by the unit they fall on: a year start shows the year, a month its name. */
const TIME_LABELS = {
  year: '{yyyy}',
  month: '{MMM}',
  day: '{MMM} {d}',
  hour: '{HH}:{mm}',
  minute: '{HH}:{mm}',
  second: '{HH}:{mm}:{ss}',
  millisecond: '{HH}:{mm}:{ss}.{SSS}',
};

/** A time axis (UTC) with ECharts' calendar-aware ticks ("Jan", "2024" at year starts). */
export function timeAxis(
  ctx: ChartContext,
  title: string | undefined,
  opts: { grid?: boolean } = {},
): TimeAxis {
  const { theme } = ctx;
  return {
    type: 'time',
    ...named(ctx, title),
    splitNumber: ticksAlong(ctx, ctx.width, 80),
    axisLine: { show: true, lineStyle: { color: theme.axisLine } },
    axisTick: { show: false },
    axisLabel: {
      color: theme.mutedText,
      fontSize: ctx.fontSize,
      rotate: ctx.chart.options.labelRotate,
      hideOverlap: true,
      formatter: TIME_LABELS,
    },
    splitLine: opts.grid ? splitLine(ctx) : { show: false },
  };
}
