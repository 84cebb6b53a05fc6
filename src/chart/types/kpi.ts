import { formatSpecifier } from 'd3-format';
import { FONT_STACK } from '../../font.js';
import { type Column, cell, type Frame, type Value } from '../../frame.js';
import { dateLabel, granularityOf } from '../dates.js';
import type { ChartOption, LineSeriesOption, ScatterSeriesOption } from '../echarts.js';
import { channel, isDateColumn, parseDate, toLabel, toNumber } from '../encode.js';
import { autoDecimals, formatNumber, numberFormatter, valueFormat } from '../format.js';
import type { ChartOf } from '../layout.js';
import { measureText } from '../metrics.js';
import type { Theme } from '../theme.js';

type Graphic = Record<string, unknown>;

/** What the number is compared with, and how the comparison is named. */
export interface Comparison {
  readonly value: number;
  readonly label: string;
}

/** The number of a KPI, its comparison and the values of its sparkline. */
export interface KpiData {
  readonly value: number;
  readonly comparison: Comparison | undefined;
  /** y of every row with one, in row order. */
  readonly series: readonly number[];
}

/**
 * How an x value names the row compared with, beside the row shown: dates at the precision of
 * the column, with their year only when it is not the year shown ("Nov", "Dec 2024").
 */
function xLabeler(x: Column | undefined, length: number): (row: number, shown: number) => string | undefined {
  if (!x) return () => undefined;
  const values: Value[] = Array.from({ length }, (_, i) => cell(x, i));
  if (!isDateColumn(values)) return (row) => toLabel(values[row] ?? null);
  const dates = values.flatMap((v) => {
    const t = parseDate(v);
    return t === null ? [] : [new Date(t)];
  });
  const g = granularityOf(dates);
  return (row, shown) => {
    const t = parseDate(values[row] ?? null);
    if (t === null) return undefined;
    const d = new Date(t);
    const at = parseDate(values[shown] ?? null);
    const sameYear = at !== null && new Date(at).getUTCFullYear() === d.getUTCFullYear();
    return dateLabel(d, g, sameYear ? undefined : ' ');
  };
}

/**
 * The KPI of a frame: y of the last row that has one, compared with (`compare`) the row before
 * it, the first row, a number, or (with `encode.y2`) the y2 cell of that last row. Undefined
 * when no row has a y.
 */
export function kpiData(
  chart: ChartOf<'kpi'>,
  frame: Frame,
  format: (v: number) => string,
): KpiData | undefined {
  const y = channel(chart, frame, 'y', true);
  const x = channel(chart, frame, 'x');
  const y2 = channel(chart, frame, 'y2');
  const rows: number[] = [];
  const series: number[] = [];
  for (let i = 0; i < frame.length; i++) {
    const v = toNumber(cell(y, i));
    if (v === null) continue;
    rows.push(i);
    series.push(v);
  }
  const lastRow = rows[rows.length - 1];
  const value = series[series.length - 1];
  if (lastRow === undefined || value === undefined) return undefined;
  const { compare, compareLabel } = chart.options;
  const xOf = xLabeler(x, frame.length);
  const named = (fallback: string) => compareLabel ?? `vs ${fallback}`;
  let comparison: Comparison | undefined;
  if (y2) {
    const v = toNumber(cell(y2, lastRow));
    if (v !== null) comparison = { value: v, label: named(chart.encode.y2 ?? 'y2') };
  } else if (typeof compare === 'number') {
    comparison = { value: compare, label: named(format(compare)) };
  } else if (compare === 'previous' || compare === 'first') {
    const k = compare === 'previous' ? rows.length - 2 : 0;
    const row = rows[k];
    const v = series[k];
    if (row !== undefined && v !== undefined && k < rows.length - 1)
      comparison = { value: v, label: named(xOf(row, lastRow) ?? compare) };
  }
  return { value, comparison, series };
}

/**
 * The automatic format of a KPI's number: three significant digits in M/B/T from a million up
 * ("1.42M"), whole numbers from 100 up ("48,214", "4821"), else the decimals the value needs.
 */
function kpiFormat(spec: string | undefined, values: readonly number[]): (v: number) => string {
  if (spec !== undefined) return numberFormatter(spec);
  const largest = Math.max(0, ...values.map(Math.abs));
  if (largest >= 1e6) return valueFormat(undefined, values).value;
  const group = largest >= 1e4 ? ',' : '';
  return numberFormatter(`${group}.${largest >= 100 ? 0 : autoDecimals(values)}f`);
}

/**
 * The change written as `delta` asks: "+4.2%", "+1,200", or "+1,200 (+4.2%)". A change of a
 * number written as a percentage (`points`) is a difference of percentage points: "−1.1 pts".
 */
export function deltaText(
  value: number,
  base: number,
  delta: 'percent' | 'absolute' | 'both',
  format: (v: number) => string,
  points = false,
): string {
  const change = value - base;
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  const amount = format(Math.abs(change));
  const absolute = `${sign}${points ? `${amount.replace(/%$/, '')} pts` : amount}`;
  // A change from zero has no percentage: it is written as an amount.
  if (base === 0 || delta === 'absolute') return absolute;
  const percent = `${sign}${formatNumber(Math.abs(change / base), '.1%')}`;
  return delta === 'percent' ? percent : `${absolute} (${percent})`;
}

/** Whether a d3-format specifier writes numbers as percentages (`.1%`, `p`). */
function isPercentFormat(spec: string | undefined): boolean {
  if (spec === undefined) return false;
  const type = formatSpecifier(spec).type;
  return type === '%' || type === 'p';
}

/** Text sizes of a KPI, px: its label, its change line. */
const LABEL_SIZE = 12;
const DELTA_SIZE = 12;
/** The number's size, px: at most, and at least. */
const NUMBER_MAX = 44;
const NUMBER_MIN = 14;
/** Least height a sparkline is drawn at, px. */
const SPARK_MIN = 16;

/** The sparkline's value range: its data with a little room; a flat line runs across the middle. */
function sparkRange(points: readonly number[]): { min: number; max: number } {
  const lo = Math.min(...points);
  const hi = Math.max(...points);
  const pad = hi > lo ? (hi - lo) * 0.06 : Math.abs(lo) / 2 || 1;
  return { min: lo - pad, max: hi + pad };
}

/** The last number of a column, as a list of it (none: empty). */
function lastNumber(col: Column, length: number): number[] {
  for (let i = length - 1; i >= 0; i--) {
    const v = toNumber(cell(col, i));
    if (v !== null) return [v];
  }
  return [];
}

function text(x: number, y: number, style: Graphic): Graphic {
  return { type: 'text', silent: true, x, y, style: { verticalAlign: 'top', align: 'left', ...style } };
}

/**
 * KPI: a big number — `encode.y` of the last row — under its label (the chart's title), with its
 * change against a comparison (`compare`: the previous row by default; or `encode.y2`), drawn in
 * the theme's positive or negative colour by whether it goes the `better` way, with an arrow, and
 * named ("vs Nov"); below, every row's y as a sparkline (`sparkline`, from two rows). The number
 * takes the room the width leaves it, at most 44 px. Rows run in frame order: the query sorts.
 * Everything is drawn with ECharts graphic elements and one line series, in the theme's font.
 */
export function kpiOption(chart: ChartOf<'kpi'>, frame: Frame, theme: Theme): ChartOption {
  const o = chart.options;
  const { width, height } = o;
  const format = kpiFormat(o.numberFormat, lastNumber(channel(chart, frame, 'y', true), frame.length));
  const data = kpiData(chart, frame, format);
  const pad = Math.round(Math.max(6, Math.min(14, Math.min(width, height) * 0.09)));
  const inner = width - 2 * pad;
  const graphics: Graphic[] = [];
  let top = pad;

  const labelFont = `500 ${LABEL_SIZE}px ${FONT_STACK}`;
  if (chart.title) {
    graphics.push(
      text(pad, top, {
        text: chart.title,
        font: labelFont,
        fill: theme.mutedText,
        width: inner,
        overflow: 'truncate',
      }),
    );
    top += Math.round(LABEL_SIZE * 1.35);
  }
  if (o.subtitle) {
    const size = LABEL_SIZE - 1;
    graphics.push(
      text(pad, top, {
        text: o.subtitle,
        font: `${size}px ${FONT_STACK}`,
        fill: theme.mutedText,
        width: inner,
        overflow: 'truncate',
      }),
    );
    top += Math.round(size * 1.35);
  }
  const number = data ? format(data.value) : '–';
  const comparison = data?.comparison;
  const deltaLine = comparison ? Math.round(DELTA_SIZE * 1.4) : 0;
  const spark = o.sparkline && data !== undefined && data.series.length >= 2;
  const gap = Math.round(pad * 0.5);
  // The number takes what the other lines leave, a sparkline its own share of it.
  const free = height - top - pad - deltaLine - gap * 2;
  const byHeight = (spark ? free * 0.62 : free) / 1.2;
  const byWidth = inner / Math.max(1e-6, measureText(number, `700 1px ${FONT_STACK}`).width);
  // The width always holds the number: a long number shrinks below the height's least size.
  const size = Math.floor(Math.min(NUMBER_MAX, byWidth, Math.max(NUMBER_MIN, byHeight)) * 2) / 2;
  top += gap * 0.5;
  graphics.push(text(pad, top, { text: number, font: `700 ${size}px ${FONT_STACK}`, fill: theme.text }));
  top += Math.round(size * 1.2) + gap * 0.5;

  if (data && comparison) {
    const change = data.value - comparison.value;
    const good = o.better === 'higher' ? change > 0 : change < 0;
    const color = change === 0 ? theme.mutedText : good ? theme.positive : theme.negative;
    const arrow = Math.round(DELTA_SIZE * 0.62);
    const mid = top + DELTA_SIZE * 0.6;
    if (change === 0) {
      graphics.push({
        type: 'rect',
        silent: true,
        shape: { x: pad, y: mid - 1, width: arrow, height: 2 },
        style: { fill: color },
      });
    } else {
      const up = change > 0;
      const tip = up ? mid - arrow / 2 : mid + arrow / 2;
      const base = up ? mid + arrow / 2 : mid - arrow / 2;
      graphics.push({
        type: 'polygon',
        silent: true,
        shape: {
          points: [
            [pad, base],
            [pad + arrow, base],
            [pad + arrow / 2, tip],
          ],
        },
        style: { fill: color },
      });
    }
    const said = deltaText(data.value, comparison.value, o.delta, format, isPercentFormat(o.numberFormat));
    const deltaFont = `600 ${DELTA_SIZE}px ${FONT_STACK}`;
    const after = pad + arrow + 4;
    graphics.push(
      text(after, top, {
        text: said,
        font: deltaFont,
        fill: color,
        width: width - pad - after,
        overflow: 'truncate',
      }),
    );
    const vsAt = after + measureText(said, deltaFont).width + 5;
    const room = width - pad - vsAt;
    if (room > 24) {
      graphics.push(
        text(vsAt, top, {
          text: comparison.label,
          font: `${DELTA_SIZE}px ${FONT_STACK}`,
          fill: theme.mutedText,
          width: room,
          overflow: 'truncate',
        }),
      );
    }
    top += deltaLine;
  }

  const option: ChartOption = {
    animation: false,
    backgroundColor: theme.background,
    color: Array.isArray(o.colors) ? [...o.colors] : [...theme.palette],
    textStyle: { fontFamily: FONT_STACK },
    legend: { show: false },
    graphic: graphics,
  };
  const sparkTop = top + gap;
  if (!spark || !data || height - pad - sparkTop < SPARK_MIN) return option;
  const lineColor = (Array.isArray(o.colors) ? o.colors[0] : undefined) ?? theme.palette[0] ?? theme.text;
  const points = data.series;
  const line: LineSeriesOption = {
    type: 'line',
    name: chart.encode.y ?? 'value',
    data: [...points],
    showSymbol: false,
    symbol: 'none',
    lineStyle: { width: 1.5, color: lineColor },
    // Filled down to the bottom of the line's own range, whatever the sign of the values.
    areaStyle: { opacity: 0.14, color: lineColor, origin: 'start' },
    emphasis: { disabled: true },
    silent: true,
    clip: false,
  };
  const dot: ScatterSeriesOption = {
    type: 'scatter',
    name: 'last',
    data: [[points.length - 1, points[points.length - 1] ?? 0]],
    symbolSize: 5,
    itemStyle: { color: lineColor, borderColor: theme.surface, borderWidth: 1 },
    clip: false,
    silent: true,
    emphasis: { disabled: true },
  };
  return {
    ...option,
    grid: { left: pad + 1, right: pad + 3, top: sparkTop + 3, bottom: pad + 1, outerBoundsMode: 'none' },
    xAxis: { type: 'category', show: false, boundaryGap: false, data: points.map((_, i) => String(i)) },
    yAxis: { type: 'value', show: false, ...sparkRange(points) },
    series: [line, dot],
  };
}
