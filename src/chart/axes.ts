import type { Value } from '../data/frame.js';
import { dateLabels } from './dates.js';
import type { ChartOption } from './echarts.js';
import { isDateColumn, toLabel } from './encode.js';
import type { ChartContext } from './layout.js';

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
    nameTextStyle: { color: ctx.theme.text, fontSize: ctx.fontSize, fontWeight: 500 },
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

/** A numeric axis with formatted labels and grid lines (no axis line: the grid shows scale). */
export function valueAxis(
  ctx: ChartContext,
  format: (v: number) => string,
  title: string | undefined,
  opts: { scale?: boolean; line?: boolean; horizontal?: boolean } = {},
): ValueAxis {
  return {
    type: 'value',
    scale: opts.scale ?? false,
    ...named(ctx, title),
    axisLine: { show: opts.line ?? false, onZero: false, lineStyle: { color: ctx.theme.axisLine } },
    axisTick: { show: false },
    splitNumber: ticksAlong(ctx, opts.horizontal ? ctx.width : ctx.height, opts.horizontal ? 90 : 70),
    axisLabel: { color: ctx.theme.mutedText, fontSize: ctx.fontSize, formatter: (v: number) => format(v) },
    splitLine: splitLine(ctx),
  };
}

/** A time axis (UTC) with ECharts' calendar-aware ticks ("Jan", "2024" at year starts). */
export function timeAxis(ctx: ChartContext, title: string | undefined, opts: { grid?: boolean } = {}): TimeAxis {
  const { theme } = ctx;
  return {
    type: 'time',
    ...named(ctx, title),
    splitNumber: ticksAlong(ctx, ctx.width, 80),
    axisLine: { show: true, lineStyle: { color: theme.axisLine } },
    axisTick: { show: false },
    axisLabel: { color: theme.mutedText, fontSize: ctx.fontSize, rotate: ctx.chart.options.labelRotate, hideOverlap: true },
    splitLine: opts.grid ? splitLine(ctx) : { show: false },
  };
}
