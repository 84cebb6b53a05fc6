import type { Frame } from '../../frame.js';
import type { ComboMark } from '../../spec/schema.js';
import { type AxisOption, axisName, categoryAxis, valueAxis } from '../axes.js';
import type { BarSeriesOption, ChartOption, LineSeriesOption } from '../echarts.js';
import { channel, pivot } from '../encode.js';
import { type ValueFormat, valueFormat } from '../format.js';
import {
  type ChartContext,
  type ChartOf,
  chartContext,
  chrome,
  dataLabel,
  gridFor,
  tooltipFor,
  valueFormatter,
} from '../layout.js';
import type { Theme } from '../theme.js';
import { MARKER_SPACING } from './line.js';

type Mark = (typeof ComboMark.options)[number];

/** One measure of a combo: its column, mark, values along x, axis and number format. */
interface Measure {
  readonly name: string;
  readonly mark: Mark;
  readonly values: readonly (number | null)[];
  readonly axis: 0 | 1;
  readonly format: ValueFormat;
}

/** Multiples of a power of ten a right-axis step may take: the ticks stay round. */
const NICE_STEPS = [1, 2, 2.5, 5];

/**
 * The domain of the right axis over `[lo, hi]` cut into the same number of intervals as the left
 * axis, so that its ticks fall on the left axis' grid lines: the smallest round step that holds
 * the data. It includes zero unless the scale says `zero: false`; a `min` or `max` set is kept.
 */
export function alignedDomain(
  lo: number,
  hi: number,
  intervals: number,
  scale: { zero?: boolean | undefined; min?: number | undefined; max?: number | undefined } = {},
): { min: number; max: number; interval: number } {
  if (scale.zero ?? true) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (scale.min !== undefined) lo = scale.min;
  if (scale.max !== undefined) hi = scale.max;
  if (!(hi > lo)) {
    const half = lo === 0 ? 1 : Math.abs(lo) / 2;
    if (scale.min === undefined) lo -= half;
    if (scale.max === undefined) hi += half;
  }
  if (scale.min !== undefined && scale.max !== undefined)
    return { min: lo, max: hi, interval: (hi - lo) / intervals };
  const raw = (hi - lo) / intervals;
  const exponent = Math.floor(Math.log10(raw));
  for (let e = exponent; e <= exponent + 2; e++) {
    for (const m of NICE_STEPS) {
      const step = Number((m * 10 ** e).toPrecision(12));
      if (step < raw * (1 - 1e-9)) continue;
      const min =
        scale.min ?? (scale.max !== undefined ? hi - intervals * step : Math.floor(lo / step + 1e-9) * step);
      const max = min + intervals * step;
      if (max >= hi - step * 1e-9 && min <= lo + step * 1e-9)
        return { min: Number(min.toPrecision(12)), max: Number(max.toPrecision(12)), interval: step };
    }
  }
  return { min: lo, max: hi, interval: (hi - lo) / intervals };
}

/** The right axis of `measure`, its ticks on the left axis' grid lines when it has them. */
function rightAxis(ctx: ChartContext, left: AxisOption, measure: Measure, title: string | undefined) {
  const o = ctx.chart.options as ChartOf<'combo'>['options'];
  const l = left as { min?: unknown; max?: unknown; interval?: unknown };
  const intervals =
    typeof l.min === 'number' && typeof l.max === 'number' && typeof l.interval === 'number' && l.interval > 0
      ? Math.round((l.max - l.min) / l.interval)
      : 5;
  const domain = alignedDomain(measure.format.min, measure.format.max, Math.max(1, intervals), o.y2);
  const tick = measure.format.ticks(domain.interval);
  return {
    type: 'value' as const,
    position: 'right' as const,
    ...axisName(ctx, title),
    min: domain.min,
    max: domain.max,
    interval: domain.interval,
    axisLine: { show: false },
    axisTick: { show: false },
    // The left axis draws the grid: the right one's ticks fall on its lines.
    splitLine: { show: false },
    axisLabel: { color: ctx.theme.mutedText, fontSize: ctx.fontSize, formatter: (v: number) => tick(v) },
  };
}

/** Whether lines get markers: as asked, or with `auto` when they have a point per 12 px at most. */
function showMarkers(markers: boolean | 'auto', points: number, plotWidth: number): boolean {
  return markers === 'auto' ? points * MARKER_SPACING <= plotWidth : markers;
}

/** Legend icon of a line: a short thick stroke, as line charts show theirs (bars and areas: a square). */
export const LINE_ICON = 'path://M0,4.5H16V7.5H0Z';

/**
 * Combo chart: two measures over the categories of `encode.x` (in row order), `encode.y` and
 * `encode.y2`, each drawn with its mark (`marks`, bar line or area; bars then line by default).
 * y is read against the left axis; y2 against a right axis of its own (`dualAxis`), with its own
 * number format (`y2Format`), title (`y2Title`) and scale (`y2`), whose ticks fall on the left
 * axis' grid lines. The legend names both measures, each with the icon of its mark. Bars are
 * drawn under areas and lines.
 */
export function comboOption(chart: ChartOf<'combo'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const x = channel(chart, frame, 'x', true);
  const y = channel(chart, frame, 'y', true);
  const y2 = channel(chart, frame, 'y2', true);
  const yName = chart.encode.y ?? 'y';
  const y2Name = chart.encode.y2 ?? 'y2';
  const first = pivot(x, y, undefined, yName);
  const second = pivot(x, y2, undefined, y2Name);
  const yValues = first.series[0]?.values ?? [];
  const y2Values = second.series[0]?.values ?? [];
  const dual = o.dualAxis;
  const [mark1 = 'bar', mark2 = 'line'] = o.marks;
  const leftFormat = valueFormatter(chart, dual ? yValues : [...yValues, ...y2Values]);
  const measures: Measure[] = [
    { name: yName, mark: mark1, values: yValues, axis: 0, format: leftFormat },
    {
      name: y2Name,
      mark: mark2,
      values: y2Values,
      axis: dual ? 1 : 0,
      format: dual ? valueFormat(o.y2Format, y2Values) : leftFormat,
    },
  ];

  const { option, box } = chrome(ctx, { names: measures.map((m) => m.name) });
  if (option.legend && !Array.isArray(option.legend) && option.legend.show !== false) {
    option.legend.data = measures.map((m) => ({
      name: m.name,
      icon: m.mark === 'line' ? LINE_ICON : 'roundRect',
    }));
  }
  const markers = showMarkers(o.markers, first.categories.length, ctx.width - box.left - box.right);
  const markerSize = Math.max(4, Math.round((o.lineWidth + 4) * ctx.scale));
  const bars = measures.filter((m) => m.mark === 'bar').length;

  const left = valueAxis(ctx, leftFormat, o.yTitle);
  option.grid = gridFor(box);
  option.xAxis = { ...categoryAxis(ctx, first.categories, o.xTitle), boundaryGap: true };
  option.yAxis = dual ? [left, rightAxis(ctx, left, measures[1] as Measure, o.y2Title)] : left;
  option.tooltip = tooltipFor(leftFormat.value);
  option.series = measures.map((m): BarSeriesOption | LineSeriesOption => {
    const label = dataLabel(ctx, m.format.value, 0);
    const common = {
      name: m.name,
      data: [...m.values],
      yAxisIndex: m.axis,
      emphasis: { disabled: true },
      tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? m.format.value(v) : '') },
      labelLayout: { hideOverlap: true },
    };
    if (m.mark === 'bar') {
      return {
        type: 'bar',
        ...common,
        z: 2,
        barGap: '20%',
        barCategoryGap: bars > 1 ? '25%' : '35%',
        itemStyle: { borderRadius: theme.barRadius },
        label: {
          show: o.labels,
          ...label,
          formatter: (p) => label.formatter({ value: p.value }),
          position: 'top',
          distance: 3,
        },
      };
    }
    return {
      type: 'line',
      ...common,
      z: m.mark === 'area' ? 1 : 3,
      smooth: o.smooth,
      showSymbol: markers || o.labels,
      symbol: 'circle',
      symbolSize: markers ? markerSize : 0,
      itemStyle: { borderColor: theme.surface, borderWidth: markers ? 1 : 0 },
      lineStyle: { width: o.lineWidth },
      ...(m.mark === 'area' ? { areaStyle: { opacity: 0.35 } } : {}),
      connectNulls: true,
      label: {
        show: o.labels,
        position: 'top',
        distance: 4,
        padding: [1, 3],
        backgroundColor: 'transparent',
        ...label,
        formatter: (p) => label.formatter({ value: p.value }),
      },
    };
  });
  return option;
}
