import { ChartpressError, problem } from '../errors.js';
import { FONT_STACK } from '../font.js';
import type { Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import type { ChartType } from '../spec/schema.js';
import { applySeriesColors, chartPalette, valueColors, withSeriesColors } from './colors.js';
import { type ChartOption, echarts } from './echarts.js';
import { facetOption, facetSized } from './facet.js';
import { isFaceted } from './facet-panels.js';
import { type ChartOf, chartContext, chrome } from './layout.js';
import { mergeOption } from './merge.js';
import { DRAWING_REVISION } from './revision.js';
import { addRules } from './rules.js';
import { stabilizeSvg } from './svg.js';
import { type Theme, themeFor } from './theme.js';
import { areaOption } from './types/area.js';
import { barOption } from './types/bar.js';
import { boxplotOption } from './types/boxplot.js';
import { comboOption } from './types/combo.js';
import { ganttOption } from './types/gantt.js';
import { heatmapOption } from './types/heatmap.js';
import { kpiOption } from './types/kpi.js';
import { lineOption } from './types/line.js';
import { pieOption } from './types/pie.js';
import { scatterOption } from './types/scatter.js';
import { sparklineOption } from './types/sparkline.js';

/** Version of the chart renderer, for cache keys: cached SVGs are stale when it changes. */
export const CHART_RENDERER_VERSION = `echarts@${echarts.version}+draw.${DRAWING_REVISION}`;

type Builder<T extends ChartType> = (chart: ChartOf<T>, frame: Frame, theme: Theme) => ChartOption;

const builders: { readonly [T in ChartType]: Builder<T> } = {
  bar: barOption,
  line: lineOption,
  area: areaOption,
  pie: pieOption,
  scatter: scatterOption,
  sparkline: sparklineOption,
  gantt: ganttOption,
  combo: comboOption,
  heatmap: heatmapOption,
  boxplot: boxplotOption,
  kpi: kpiOption,
};

/** The chart's frame (title, background) with a light plot box and a centred "No data". */
function emptyOption(chart: NormalizedChart, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const tiny = chart.type === 'sparkline';
  const { option, box } = chrome(ctx, { names: [] });
  const inset = tiny ? { top: 0.5, right: 0.5, bottom: 0.5, left: 0.5 } : box;
  const width = ctx.width - inset.left - inset.right;
  const height = ctx.height - inset.top - inset.bottom;
  const size = tiny ? Math.max(6, Math.min(ctx.fontSize, ctx.height * 0.6)) : ctx.fontSize + 2;
  if (tiny) delete option.title;
  option.graphic = [
    {
      type: 'rect',
      silent: true,
      shape: { x: inset.left, y: inset.top, width, height, r: tiny ? 2 : 4 },
      style: { fill: 'transparent', stroke: theme.splitLine, lineWidth: 1 },
    },
    {
      type: 'text',
      silent: true,
      x: inset.left + width / 2,
      y: inset.top + height / 2,
      style: {
        text: 'No data',
        fill: theme.emptyText,
        font: `${size}px ${FONT_STACK}`,
        align: 'center',
        verticalAlign: 'middle',
      },
    },
  ];
  return option;
}

/**
 * The ECharts option for a chart and its data: the type's option, or the "No data" frame when
 * the frame has no rows, with the chart's raw `echarts` option deep-merged last. Throws
 * `CP_ERR_UNKNOWN_COLUMN` when an encoding names a column the (non-empty) frame lacks.
 */
export function buildOption(given: NormalizedChart, frame: Frame): ChartOption {
  const theme = themeFor(given.options.theme);
  const chart = facetSized(given, frame, theme);
  const build = builders[chart.type] as Builder<ChartType>;
  // Each value in its own colour, whatever order the series are made in.
  const colors = frame.length === 0 ? undefined : valueColors(chart, frame, theme);
  const drawn = colors ? withSeriesColors(chart, frame, colors) : chart;
  const faceted = frame.length > 0 && isFaceted(drawn);
  const option =
    frame.length === 0
      ? emptyOption(chart, theme)
      : faceted
        ? facetOption(drawn, frame, theme, (c, f) => build(c as ChartOf<ChartType>, f, theme), colors)
        : build(drawn as ChartOf<ChartType>, frame, theme);
  if (colors) applySeriesColors(option, colors, chartPalette(chart, theme));
  // A faceted chart's panels draw their rules themselves.
  if (frame.length > 0 && !faceted) addRules(option, chart, theme);
  option.useUTC = true;
  const raw = chart.options.echarts;
  if (!raw) return option;
  const merged = mergeOption(option, raw);
  checkSeriesTypes(merged);
  return merged;
}

const SERIES_TYPES = ['bar', 'line', 'pie', 'scatter', 'custom', 'heatmap'];

/** ECharts skips a series of a type it does not have with a mere warning: refuse it instead. */
function checkSeriesTypes(option: ChartOption): void {
  const series = Array.isArray(option.series) ? option.series : option.series ? [option.series] : [];
  series.forEach((s: { type?: unknown }, i: number) => {
    if (typeof s.type === 'string' && SERIES_TYPES.includes(s.type)) return;
    throw new ChartpressError(
      problem(
        'CP_ERR_CHART_RENDER',
        `options.echarts.series[${i}].type: "${String(s.type)}" is not available; use one of ${SERIES_TYPES.join(', ')}`,
        { path: `options.echarts.series[${i}].type` },
      ),
    );
  });
}

/**
 * Renders a chart to an SVG string with ECharts' server-side SVG renderer. The output is
 * deterministic: the same chart and frame give the same bytes. The ECharts instance is always
 * disposed, also when rendering throws.
 */
export function renderChartSvg(given: NormalizedChart, frame: Frame): string {
  // A faceted chart without a height grows with its rows of panels.
  const chart = facetSized(given, frame, themeFor(given.options.theme));
  const option = buildOption(chart, frame);
  const instance = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: chart.options.width,
    height: chart.options.height,
  });
  try {
    instance.setOption(option);
    return stabilizeSvg(instance.renderToSVGString());
  } finally {
    instance.dispose();
  }
}
