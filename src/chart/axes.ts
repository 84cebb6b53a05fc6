import { FONT_STACK } from '../font.js';
import type { Value } from '../frame.js';
import { dateLabels } from './dates.js';
import type { ChartOption } from './echarts.js';
import { isDateColumn, parseDate, toLabel } from './encode.js';
import { autoFormatter, type ValueFormat, valueFormat } from './format.js';
import type { ChartContext } from './layout.js';
import { measureText } from './metrics.js';
import {
  axisProblem,
  ruleNumbers,
  rulesOn,
  type ScreenAxis,
  scaleOf,
  tickStep,
  valueDomain,
} from './scale.js';
import { timeTicks } from './time-ticks.js';

export { tickStep } from './scale.js';

type XAxis = Exclude<NonNullable<ChartOption['xAxis']>, readonly unknown[]>;
/** One cartesian axis option, usable as an x or a y axis. */
export type AxisOption = XAxis & { mainType?: undefined };
type CategoryAxis = Extract<AxisOption, { type?: 'category' }>;
type ValueAxis = Extract<AxisOption, { type?: 'value' }>;
type TimeAxis = Extract<AxisOption, { type?: 'time' }>;
type LogAxis = Extract<AxisOption, { type?: 'log' }>;

/** An axis title (ECharts' `name`), centred along the axis, or nothing without a title. */
export function axisName(ctx: ChartContext, title: string | undefined) {
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

function isNumbers(values: readonly Value[]): values is readonly number[] {
  return values.length > 0 && values.every((v) => typeof v === 'number');
}

/** Numbers as a value axis or a table writes them: one format for all, d3's minus "−". */
function numberLabel(values: readonly number[]): (v: Value) => string {
  const format = autoFormatter(values);
  return (v) => (typeof v === 'number' ? format(v) : toLabel(v));
}

/**
 * A category axis over `categories` in the given order. Dates are labelled at their precision
 * ("Jan 2024", "Q1 2024"...), numbers (bins, say) in one number format ("−30", "−15", "0");
 * labels turn by `labelRotate`.
 */
export function categoryAxis(
  ctx: ChartContext,
  categories: readonly Value[],
  title: string | undefined,
  opts: { inverse?: boolean } = {},
): CategoryAxis {
  const labels = isDateColumn(categories)
    ? dateLabels(categories)
    : isNumbers(categories)
      ? categories.map(numberLabel(categories))
      : categories.map(toLabel);
  const { theme, chart } = ctx;
  return {
    type: 'category',
    data: categories.map(toLabel),
    inverse: opts.inverse ?? false,
    ...axisName(ctx, title),
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
 * The spans the value axes of a faceted chart's panels share (the union of the panels' own),
 * set by `chart/facet.ts` on each panel's options; not a report option.
 */
export type SharedExtent = { -readonly [A in ScreenAxis]?: readonly [number, number] };

function sharedOf(ctx: ChartContext, axis: ScreenAxis): readonly [number, number] | undefined {
  return (ctx.chart.options as { sharedExtent?: SharedExtent }).sharedExtent?.[axis];
}

/** The values a value axis must show besides its data: rules drawn across it, a shared span. */
function axisExtent(ctx: ChartContext, format: ValueFormat, axis: ScreenAxis): [number, number] {
  let lo = format.min;
  let hi = format.max;
  const shared = sharedOf(ctx, axis);
  if (shared) {
    lo = Math.min(lo, shared[0]);
    hi = Math.max(hi, shared[1]);
  }
  for (const v of ruleNumbers(ctx.chart, axis)) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/**
 * A numeric axis with formatted labels and grid lines (no axis line: the grid shows scale).
 * Its ticks share one number of decimals, the one their spacing needs. The axis takes the
 * chart's scale for where it is drawn (`options.y`, or `options.x` when `horizontal`) and
 * stretches to its rules. It includes zero unless `scale` (or the chart's scale says so); an axis
 * that leaves zero out does not cross it when the data does not (see `valueDomain`). `pad` adds
 * room on both sides, a fraction of the span (scatters: 0.04, else 0).
 */
export function valueAxis(
  ctx: ChartContext,
  format: ValueFormat,
  title: string | undefined,
  opts: { scale?: boolean; line?: boolean; horizontal?: boolean; pad?: number } = {},
): ValueAxis | LogAxis {
  const axis: ScreenAxis = opts.horizontal ? 'x' : 'y';
  const scale = scaleOf(ctx.chart, axis);
  const zero = scale?.zero ?? !(opts.scale ?? false);
  const [lo, hi] = axisExtent(ctx, format, axis);
  const min = zero ? Math.min(0, lo) : lo;
  const max = zero ? Math.max(0, hi) : hi;
  const along = (opts.horizontal ? ctx.width : ctx.height) * 0.8;
  // Across the page a tick needs room for its label; up the page, for a line of text.
  const rough = format.ticks(tickStep(min, max, ticksAlong(ctx, along, 60)));
  const widest = Math.abs(max) >= Math.abs(min) ? max : min;
  const labelWidth = measureText(rough(widest), `${ctx.fontSize}px ${FONT_STACK}`).width;
  const spacing = opts.horizontal ? Math.max(60, labelWidth / ctx.scale + 30) : 60;
  const splitNumber = ticksAlong(ctx, along, spacing);
  // Scatter points are discs: those on the extremes stay clear of the plot edges. A shared span
  // is made of padded domains already.
  const pad = sharedOf(ctx, axis) ? 0 : (opts.pad ?? (ctx.chart.type === 'scatter' ? 0.04 : 0));
  const domain = valueDomain({ lo, hi, zero, pad, splitNumber, scale }, axis);
  const common = {
    ...axisName(ctx, title),
    min: domain.min,
    max: domain.max,
    axisLine: { show: opts.line ?? false, onZero: false, lineStyle: { color: ctx.theme.axisLine } },
    axisTick: { show: false },
    splitLine: splitLine(ctx),
  };
  const label = { color: ctx.theme.mutedText, fontSize: ctx.fontSize };
  if (domain.log) {
    // Powers of ten span units: each is written on its own ("0.01", "1,000", "1.0M").
    const spec = ctx.chart.options.numberFormat;
    return {
      type: 'log',
      logBase: 10,
      ...common,
      axisLabel: { ...label, formatter: (v: number) => valueFormat(spec, [v]).ticks(v)(v) },
      minorSplitLine: { show: false },
    };
  }
  const tick = format.ticks(domain.interval);
  return {
    type: 'value',
    ...common,
    ...(domain.interval > 0 ? { interval: domain.interval } : { splitNumber }),
    axisLabel: { ...label, formatter: (v: number) => tick(v) },
  };
}

/** The dates of the rules across a time axis; a rule that is not an ISO date is refused. */
function ruleDates(ctx: ChartContext): number[] {
  return rulesOn(ctx.chart, 'x').map(({ rule, index }) => {
    const t = typeof rule.x === 'string' ? parseDate(rule.x) : null;
    if (t === null) {
      axisProblem(
        `rules[${index}].x`,
        `${JSON.stringify(rule.x)} is not an ISO date, and the x axis shows dates`,
      );
    }
    return t;
  });
}

/**
 * A time axis (UTC) over `times` and the chart's rules, padded by `pad` (a fraction of the
 * span), with regular ticks at calendar boundaries (see `timeTicks`) written at one level. Grid
 * lines, when `grid`, fall on the ticks and nowhere else. A time axis takes no `x` scale.
 */
export function timeAxis(
  ctx: ChartContext,
  title: string | undefined,
  times: readonly (number | null)[],
  opts: { grid?: boolean; pad?: number } = {},
): TimeAxis {
  const { theme } = ctx;
  if (scaleOf(ctx.chart, 'x') !== undefined) {
    axisProblem('x', 'the x axis shows dates; `zero`, `min`, `max` and `log` apply to axes of numbers');
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of [...times, ...ruleDates(ctx)]) {
    if (t === null || !Number.isFinite(t)) continue;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const shared = sharedOf(ctx, 'x');
  if (shared) {
    lo = Math.min(lo, shared[0]);
    hi = Math.max(hi, shared[1]);
  }
  if (!(lo <= hi)) lo = hi = 0;
  // One instant: a day around it.
  if (lo === hi) {
    lo -= 43_200_000;
    hi += 43_200_000;
  }
  const gap = shared ? 0 : (hi - lo) * (opts.pad ?? 0);
  const font = `${ctx.fontSize}px ${FONT_STACK}`;
  const ticks = timeTicks(
    lo - gap,
    hi + gap,
    ctx.width * 0.85,
    (label) => measureText(label, font).width,
    16 * ctx.scale,
  );
  const labels = new Map(ticks.values.map((t, i) => [t, ticks.labels[i] ?? '']));
  return {
    type: 'time',
    ...axisName(ctx, title),
    min: lo - gap,
    max: hi + gap,
    axisLine: { show: true, lineStyle: { color: theme.axisLine } },
    axisTick: { show: false, customValues: [...ticks.values] },
    axisLabel: {
      color: theme.mutedText,
      fontSize: ctx.fontSize,
      rotate: ctx.chart.options.labelRotate,
      hideOverlap: true,
      customValues: [...ticks.values],
      formatter: (v: number) => labels.get(v) ?? '',
    },
    splitLine: opts.grid ? splitLine(ctx) : { show: false },
  };
}
