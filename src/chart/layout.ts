import { FONT_STACK } from '../font.js';
import type { NormalizedChart } from '../spec/defaults.js';
import type { ChartOption, LegendComponentOption } from './echarts.js';
import { type ValueFormat, valueFormat } from './format.js';
import { measureText } from './metrics.js';
import type { Theme } from './theme.js';

/** Everything a chart type module needs besides its data. */
export interface ChartContext {
  readonly chart: NormalizedChart;
  readonly theme: Theme;
  readonly width: number;
  readonly height: number;
  /** 1 at 600x400 and above, down to 0.8 for small charts: multiplies type sizes and gaps. */
  readonly scale: number;
  /** Axis labels and legend text size, px. */
  readonly fontSize: number;
  readonly colors: readonly string[];
}

/** The rectangle left for the plot (grid or pie), as insets from the chart edges, px. */
export interface PlotBox {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

/** Builds the context for a chart: size, theme-derived type scale, colours. */
export function chartContext(chart: NormalizedChart, theme: Theme): ChartContext {
  const { width, height } = chart.options;
  const scale = Math.max(0.8, Math.min(1, width / 600, height / 400));
  return {
    chart,
    theme,
    width,
    height,
    scale,
    fontSize: round1(theme.fontSize * scale),
    colors: Array.isArray(chart.options.colors) ? chart.options.colors : theme.palette,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * How a chart writes its numbers in labels, axes and tooltips: the chart's `numberFormat` (a
 * d3-format specifier), else the same decimals across the chart, in M/B/T from a million up
 * (see `valueFormat`). `axisValues` is what the value axis spans, when not `values`.
 */
export function valueFormatter(
  chart: NormalizedChart,
  values: readonly (number | null)[],
  axisValues?: readonly (number | null)[],
): ValueFormat {
  return valueFormat(chart.options.numberFormat, values, axisValues);
}

/** The legend entries and their icon: `line` (a short stroke), `circle`, else a small square. */
export interface LegendSpec {
  readonly names: readonly string[];
  readonly icon?: 'line' | 'circle';
}

const LEGEND_ICON = 10;
const LEGEND_TEXT_GAP = 5;

/** Height of the legend laid out in rows no wider than `maxWidth`, and the widest item. */
function legendExtent(ctx: ChartContext, names: readonly string[], maxWidth: number, gap: number) {
  const font = `${ctx.fontSize}px ${FONT_STACK}`;
  const textMax = Math.max(60, Math.min(160, ctx.width * 0.35));
  const icon = (LEGEND_ICON + 6) * ctx.scale;
  let rows = 1;
  let x = 0;
  let widest = 0;
  for (const name of names) {
    const w = icon + LEGEND_TEXT_GAP + Math.min(textMax, measureText(name, font).width);
    widest = Math.max(widest, w);
    if (x > 0 && x + w > maxWidth) {
      rows++;
      x = 0;
    }
    x += w + gap;
  }
  const rowHeight = Math.max(icon, ctx.fontSize * 1.2);
  return { height: rows * rowHeight + (rows - 1) * gap, widest, textMax, rowHeight };
}

/**
 * The title, subtitle, legend, background and text style of a chart, and the box they leave
 * for the plot. Title and subtitle sit top left; a top legend goes under them, a bottom legend
 * is centred at the foot, left/right legends are vertical and centred.
 */
export function chrome(ctx: ChartContext, legend: LegendSpec): { option: ChartOption; box: PlotBox } {
  const { chart, theme, scale, width } = ctx;
  const pad = Math.round(10 * scale);
  const gap = Math.round(10 * scale);
  const option: ChartOption = {
    animation: false,
    backgroundColor: theme.background,
    color: [...ctx.colors],
    textStyle: { fontFamily: FONT_STACK, color: theme.mutedText, fontSize: ctx.fontSize },
  };
  let top = pad;
  let bottom = pad;
  let left = pad;
  let right = pad;

  const subtitle = chart.options.subtitle;
  if (chart.title || subtitle) {
    const titleSize = round1(theme.titleSize * scale);
    const subSize = round1((theme.fontSize + 1) * scale);
    const titleLine = Math.round(titleSize * 1.3);
    const subLine = Math.round(subSize * 1.35);
    const itemGap = Math.round(3 * scale);
    const inner = width - 2 * pad;
    option.title = {
      text: chart.title ?? '',
      subtext: subtitle ?? '',
      left: pad,
      top: pad,
      padding: 0,
      itemGap,
      textStyle: {
        fontSize: titleSize,
        fontWeight: theme.titleWeight,
        color: theme.text,
        lineHeight: titleLine,
        width: inner,
        overflow: 'truncate',
      },
      subtextStyle: {
        fontSize: subSize,
        color: theme.mutedText,
        lineHeight: subLine,
        width: inner,
        overflow: 'truncate',
      },
    };
    top += (chart.title ? titleLine : 0) + (subtitle ? subLine + (chart.title ? itemGap : 0) : 0) + gap;
  }

  const position = chart.options.legend;
  if (position !== 'none' && legend.names.length > 0) {
    const itemGap = Math.round(14 * scale);
    const vertical = position === 'left' || position === 'right';
    const ext = legendExtent(
      ctx,
      legend.names,
      vertical ? Number.POSITIVE_INFINITY : width - 2 * pad,
      itemGap,
    );
    const l: LegendComponentOption = {
      show: true,
      icon: legend.icon === 'line' ? 'rect' : (legend.icon ?? 'roundRect'),
      itemWidth: Math.round((legend.icon === 'line' ? 16 : LEGEND_ICON) * scale),
      itemHeight:
        legend.icon === 'line' ? Math.max(2, Math.round(3 * scale)) : Math.round(LEGEND_ICON * scale),
      itemGap: vertical ? Math.round(8 * scale) : itemGap,
      padding: 0,
      orient: vertical ? 'vertical' : 'horizontal',
      itemStyle: { borderWidth: 0 },
      textStyle: { color: theme.mutedText, fontSize: ctx.fontSize, width: ext.textMax, overflow: 'truncate' },
    };
    if (position === 'top') {
      Object.assign(l, { top, left: pad });
      top += ext.height + gap;
    } else if (position === 'bottom') {
      Object.assign(l, { bottom: pad, left: 'center' });
      bottom += ext.height + gap;
    } else {
      Object.assign(l, { top: 'middle', [position]: pad });
      if (position === 'left') left += ext.widest + gap;
      else right += ext.widest + gap;
    }
    option.legend = l;
  } else {
    option.legend = { show: false };
  }
  return { option, box: { top, right, bottom, left } };
}

/** A grid filling the plot box, with axis labels and titles kept inside it. */
export function gridFor(box: PlotBox): NonNullable<ChartOption['grid']> {
  return { ...box, outerBoundsMode: 'same', outerBoundsContain: 'all' };
}

/** Tooltip settings; tooltips only show in interactive output, but keep the value format. */
export function tooltipFor(format: (v: number) => string): NonNullable<ChartOption['tooltip']> {
  return {
    trigger: 'item',
    valueFormatter: (v) => (typeof v === 'number' ? format(v) : String(v ?? '')),
  };
}

/** A chart of one type. */
export type ChartOf<T extends NormalizedChart['type']> = Extract<NormalizedChart, { type: T }>;

/** The numeric value of a label callback's datum: the value itself, or `value[dim]` for pairs. */
function datumValue(value: unknown, dim = 1): number | null {
  const v = Array.isArray(value) ? value[dim] : value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Data label text style: small, theme-coloured, formatted. */
export function dataLabel(ctx: ChartContext, format: (v: number) => string, dim = 1) {
  return {
    color: ctx.theme.text,
    fontSize: round1(ctx.fontSize * 0.95),
    formatter: (p: { value?: unknown }) => {
      const v = datumValue(p.value, dim);
      return v === null ? '' : format(v);
    },
  };
}
