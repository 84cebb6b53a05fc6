import { FONT_STACK } from '../font.js';
import { cell, type Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { MAX_CHART_SIZE } from '../spec/limits.js';
import type { SharedExtent } from './axes.js';
import type { ChartOption } from './echarts.js';
import { toLabel } from './encode.js';
import { type FacetedChart, facetPanels, isFaceted } from './facet-panels.js';
import { chartContext, chrome, type LegendSpec, type PlotBox } from './layout.js';
import { orderByName } from './order.js';
import { paletteColor } from './palette.js';
import { addRules } from './rules.js';
import type { Theme } from './theme.js';
import { LINE_ICON } from './types/combo.js';

/*
 * Small multiples. A faceted chart is drawn as one panel per value of `facet.field`, each panel
 * built by its type's module at the panel's size, then laid out in one grid of ECharts grids
 * (pies: one pie series per panel), under one title and one legend. Panels share their scales:
 * on a category axis every panel has every x value and every series (missing ones as empty
 * rows); value and time axes are built twice, the second time over the union of the first
 * build's domains.
 */

/** Least height of a row of panels when the chart's height grows with its rows, px. */
export const FACET_ROW_MIN_HEIGHT = 180;
/** Height of a row of panels, as a share of a panel's width, when the height grows with rows. */
export const FACET_ROW_ASPECT = 0.75;

/** The distinct labels of a column, in first-seen order. */
function labels(frame: Frame, field: string | undefined): string[] {
  const col = field === undefined ? undefined : frame.columns[field];
  if (!col) return [];
  const seen = new Set<string>();
  for (let i = 0; i < frame.length; i++) seen.add(toLabel(cell(col, i)));
  return [...seen];
}

/** What the shared legend lists: the series (pie: slices, scatter: colours, combo: measures). */
function legendOf(chart: NormalizedChart, frame: Frame): LegendSpec {
  const named = (names: string[]) =>
    orderByName(
      names.map((name) => ({ name })),
      chart.seriesNames,
    ).map((n) => n.name);
  switch (chart.type) {
    case 'pie':
      return { names: labels(frame, chart.encode.x ?? chart.encode.series) };
    case 'scatter':
      return { names: named(labels(frame, chart.encode.color)), icon: 'circle' };
    case 'combo':
      return { names: [chart.encode.y ?? 'y', chart.encode.y2 ?? 'y2'] };
    case 'line':
      return { names: named(labels(frame, chart.encode.series)), icon: 'line' };
    default:
      return { names: named(labels(frame, chart.encode.series)) };
  }
}

/**
 * The chart at the height its panels need, when it sets none (`facet.autoHeight`): its title
 * and legend, then `rows` rows each `FACET_ROW_ASPECT` of a panel's width high (at least
 * `FACET_ROW_MIN_HEIGHT`), within the chart size limit. Other charts are returned as they are.
 */
export function facetSized(chart: NormalizedChart, frame: Frame, theme: Theme): NormalizedChart {
  if (!isFaceted(chart) || !chart.facet.autoHeight || frame.length === 0) return chart;
  const col = frame.columns[chart.facet.field];
  if (!col) return chart;
  const count = Math.min(labels(frame, chart.facet.field).length, chart.facet.maxPanels);
  const columns = Math.max(1, Math.min(chart.facet.columns, count));
  const rows = Math.ceil(count / columns);
  // Measured as if tall enough, so that the result does not depend on the height it replaces.
  const tall = { ...chart, options: { ...chart.options, height: MAX_CHART_SIZE } } as NormalizedChart;
  const { box } = chrome(chartContext(tall, theme), legendOf(chart, frame));
  const panelWidth = (chart.options.width - box.left - box.right) / columns;
  const row = Math.max(FACET_ROW_MIN_HEIGHT, Math.round(panelWidth * FACET_ROW_ASPECT));
  const height = Math.min(MAX_CHART_SIZE, Math.round(box.top + box.bottom + rows * row));
  if (height === chart.options.height) return chart;
  return { ...chart, options: { ...chart.options, height } } as NormalizedChart;
}

/** The scales the panels are built with: chart scales widened to the union of their domains. */
type Scales = Partial<Record<'x' | 'y' | 'y2', { min: number; max: number }>>;

/** A panel's chart: the panel's size, no title, legend or raw option, shared scales. */
function panelChart(chart: FacetedChart, width: number, height: number, scales: Scales): NormalizedChart {
  const { title: _title, facet: _facet, ...rest } = chart;
  const options: Record<string, unknown> = {
    ...chart.options,
    width,
    height,
    subtitle: undefined,
    legend: 'none',
    echarts: undefined,
  };
  // x and y: each panel's axis spans the union, made round as a single chart's would be.
  const shared: SharedExtent = {};
  if (scales.x) shared.x = [scales.x.min, scales.x.max];
  if (scales.y) shared.y = [scales.y.min, scales.y.max];
  if (shared.x || shared.y) options.sharedExtent = shared;
  // A combo's right axis follows the ticks of the left one: its ends are given as they are.
  if (scales.y2) options.y2 = { ...(options.y2 as AnyRecord | undefined), ...scales.y2 };
  return { ...rest, options } as NormalizedChart;
}

type AnyRecord = Record<string, unknown>;

function list(v: unknown): AnyRecord[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as AnyRecord[];
}

/** The union of each value (or time) axis' domain over the panels: `x` (first x axis), `y`, `y2`. */
function sharedScales(options: readonly ChartOption[]): Scales {
  const scales: Scales = {};
  const widen = (key: keyof Scales, axis: AnyRecord | undefined) => {
    if (!axis || (axis.type !== 'value' && axis.type !== 'log' && axis.type !== 'time')) return;
    const { min, max } = axis;
    if (typeof min !== 'number' || typeof max !== 'number') return;
    const now = scales[key];
    scales[key] = now ? { min: Math.min(now.min, min), max: Math.max(now.max, max) } : { min, max };
  };
  for (const o of options) {
    const [x] = list(o.xAxis);
    const [y, y2] = list(o.yAxis);
    widen('x', x);
    widen('y', y);
    widen('y2', y2);
  }
  return scales;
}

/** The value axes of a panel option, by slot: its first x axis, its first and second y axes. */
function valueAxes(o: ChartOption): (AnyRecord | undefined)[] {
  const [x] = list(o.xAxis);
  const [y, y2] = list(o.yAxis);
  return [x, y, y2].map((a) => (a && (a.type === 'value' || a.type === 'log') ? a : undefined));
}

/**
 * Writes the ticks of each shared value axis alike in every panel: as the panel whose own
 * values reach furthest from zero writes them (its "1M" rather than another's "1,000,000").
 */
function sameTickLabels(own: readonly ChartOption[], built: readonly ChartOption[]): void {
  const reach = (a: AnyRecord | undefined) =>
    a ? Math.max(Math.abs(Number(a.min) || 0), Math.abs(Number(a.max) || 0)) : -1;
  for (let slot = 0; slot < 3; slot++) {
    let widest = 0;
    own.forEach((o, i) => {
      if (reach(valueAxes(o)[slot]) > reach(valueAxes(own[widest] ?? o)[slot])) widest = i;
    });
    const source = valueAxes(built[widest] ?? {})[slot]?.axisLabel as AnyRecord | undefined;
    if (!source) continue;
    for (const o of built) {
      const axis = valueAxes(o)[slot];
      if (axis)
        axis.axisLabel = { ...(axis.axisLabel as AnyRecord | undefined), formatter: source.formatter };
    }
  }
}

/** Shifts inset `key` of a panel component by `by`. */
function shift(box: AnyRecord, key: keyof PlotBox, by: number): void {
  const v = box[key];
  box[key] = typeof v === 'number' ? v + by : by;
}

/**
 * The option of a faceted chart: the chart's title and one legend (from `chrome`), then one
 * panel per facet value, `facet.columns` to a row, each under its value as a title. `build`
 * makes one panel's option (the type's module); `colors` is the colour of each value.
 */
export function facetOption(
  chart: FacetedChart,
  frame: Frame,
  theme: Theme,
  build: (chart: NormalizedChart, frame: Frame) => ChartOption,
  colors: Readonly<Record<string, string>> | undefined,
): ChartOption {
  const panels = facetPanels(chart, frame);
  const ctx = chartContext(chart, theme);
  const { option, box } = chrome(ctx, legendOf(chart, frame));
  const columns = Math.max(1, Math.min(chart.facet.columns, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const cellWidth = (ctx.width - box.left - box.right) / columns;
  const cellHeight = (ctx.height - box.top - box.bottom) / rows;
  const panelWidth = Math.max(10, Math.floor(cellWidth));
  // The panel titles take the type size of a chart of the panel's size.
  const titleSize = Math.round(Math.max(0.8, Math.min(1, panelWidth / 600, cellHeight / 400)) * 12 * 10) / 10;
  const titleHeight = Math.round(titleSize * 1.5);
  const panelHeight = Math.max(10, Math.floor(cellHeight - titleHeight));

  const buildAll = (scales: Scales) =>
    panels.map((p) => {
      const c = panelChart(chart, panelWidth, panelHeight, scales);
      const o = build(c, p.frame);
      if (c.type !== 'pie') addRules(o, c, theme);
      return o;
    });
  const own = buildAll({});
  const scales = sharedScales(own);
  const built = Object.keys(scales).length > 0 ? buildAll(scales) : own;
  if (built !== own) sameTickLabels(own, built);

  const grids: AnyRecord[] = [];
  const xAxes: AnyRecord[] = [];
  const yAxes: AnyRecord[] = [];
  const series: AnyRecord[] = [];
  const graphic: AnyRecord[] = [];
  const palette = Array.isArray(chart.options.colors) ? chart.options.colors : theme.palette;
  let extra = Object.keys(colors ?? {}).length;
  const pieColors = new Map<string, string>();
  built.forEach((o, i) => {
    const left = box.left + (i % columns) * cellWidth;
    const cellTop = box.top + Math.floor(i / columns) * cellHeight;
    const top = cellTop + titleHeight;
    const right = ctx.width - (left + panelWidth);
    const bottom = ctx.height - (top + panelHeight);
    graphic.push({
      type: 'text',
      silent: true,
      x: left + panelWidth / 2,
      y: cellTop + Math.round(titleSize * 0.25),
      style: {
        text: panels[i]?.name ?? '',
        fill: theme.text,
        font: `600 ${titleSize}px ${FONT_STACK}`,
        align: 'center',
        verticalAlign: 'top',
        width: panelWidth - 8,
        overflow: 'truncate',
      },
    });
    const place = (b: AnyRecord) => {
      shift(b, 'left', left);
      shift(b, 'top', top);
      shift(b, 'right', right);
      shift(b, 'bottom', bottom);
    };
    const gridIndex = grids.length;
    const xBase = xAxes.length;
    const yBase = yAxes.length;
    for (const g of list(o.grid)) {
      const placed = { ...g };
      place(placed);
      grids.push(placed);
    }
    for (const a of list(o.xAxis)) xAxes.push({ ...a, gridIndex });
    for (const a of list(o.yAxis)) yAxes.push({ ...a, gridIndex });
    for (const s of list(o.series)) {
      const placed: AnyRecord = { ...s };
      if (s.type === 'pie') {
        place(placed);
        // Each slice in its value's colour: pies do not take the option's palette by name.
        placed.data = list(s.data).map((d) => {
          const name = String(d.name ?? '');
          let color = colors?.[name] ?? pieColors.get(name);
          if (color === undefined) {
            color = paletteColor(palette, extra++);
            pieColors.set(name, color);
          }
          return { ...d, itemStyle: { ...(d.itemStyle as AnyRecord | undefined), color } };
        });
      } else {
        // ECharts stacks series of one stack name whatever their axes: a stack per panel.
        if (typeof s.stack === 'string') placed.stack = `${s.stack}:${i}`;
        placed.xAxisIndex = xBase + (typeof s.xAxisIndex === 'number' ? s.xAxisIndex : 0);
        placed.yAxisIndex = yBase + (typeof s.yAxisIndex === 'number' ? s.yAxisIndex : 0);
      }
      series.push(placed);
    }
  });
  // A combo's legend shows each measure with the icon of its mark.
  if (
    chart.type === 'combo' &&
    option.legend &&
    !Array.isArray(option.legend) &&
    option.legend.show !== false
  ) {
    const legend = legendOf(chart, frame);
    option.legend.data = legend.names.map((name, i) => ({
      name,
      icon: chart.options.marks[i] === 'line' ? LINE_ICON : 'roundRect',
    }));
  }
  const first = built[0];
  if (first?.tooltip !== undefined) option.tooltip = first.tooltip;
  if (grids.length > 0) {
    option.grid = grids as ChartOption['grid'];
    option.xAxis = xAxes as ChartOption['xAxis'];
    option.yAxis = yAxes as ChartOption['yAxis'];
  }
  option.graphic = graphic as ChartOption['graphic'];
  option.series = series as ChartOption['series'];
  return option;
}
