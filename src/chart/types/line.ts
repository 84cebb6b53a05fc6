import type { Frame } from '../../frame.js';
import { valueAxis } from '../axes.js';
import type { ChartOption, LineSeriesOption } from '../echarts.js';
import {
  type ChartOf,
  chartContext,
  chrome,
  dataLabel,
  gridFor,
  tooltipFor,
  valueFormatter,
} from '../layout.js';
import type { Theme } from '../theme.js';
import { seriesData, xAxisFor, xyData } from '../xy.js';

/** Plot width, in px, each point needs for `markers: auto` to draw it. */
export const MARKER_SPACING = 12;

/**
 * Whether the points get markers: as asked, or with `auto` only when every line has at most
 * one point per `MARKER_SPACING` px of plot width (a dense line is its own mark).
 */
function showMarkers(
  markers: boolean | 'auto',
  series: readonly { readonly values: readonly (number | null)[] }[],
  plotWidth: number,
): boolean {
  if (markers !== 'auto') return markers;
  const longest = Math.max(0, ...series.map((s) => s.values.filter((v) => v !== null).length));
  return longest * MARKER_SPACING <= plotWidth;
}

/**
 * Line chart: x from `encode.x` (ISO dates on a time axis, numbers on a value axis, else
 * categories), y from `encode.y`, one line per `encode.series` value (in `seriesOrder`). A line
 * joins across the points its series lacks (`gaps: break` leaves a gap instead). `smooth` curves the lines, `markers` draws the points (`auto`: when they are few for the
 * width), `lineWidth` sets the stroke,
 * `labels` writes the values above the points.
 */
export function lineOption(chart: ChartOf<'line'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const d = xyData(chart, frame);
  const format = valueFormatter(
    chart,
    d.series.flatMap((s) => s.values),
  );
  const named = chart.encode.series !== undefined;
  const { option, box } = chrome(ctx, { names: named ? d.series.map((s) => s.name) : [], icon: 'line' });
  const label = dataLabel(ctx, format.value, d.kind === 'category' ? 0 : 1);
  const markerSize = Math.max(4, Math.round((o.lineWidth + 4) * ctx.scale));
  const markers = showMarkers(o.markers, d.series, ctx.width - box.left - box.right);

  option.grid = gridFor(box);
  option.xAxis = xAxisFor(ctx, d, o.xTitle, o.labels);
  option.yAxis = valueAxis(ctx, format, o.yTitle);
  option.tooltip = tooltipFor(format.value);
  option.series = d.series.map(
    (s): LineSeriesOption => ({
      type: 'line',
      name: s.name,
      data: seriesData(d, s.values),
      smooth: o.smooth,
      // ECharts hangs labels on symbols: labels without markers get empty ones.
      showSymbol: markers || o.labels,
      symbol: 'circle',
      symbolSize: markers ? markerSize : 0,
      itemStyle: { borderColor: theme.surface, borderWidth: markers ? 1 : 0 },
      lineStyle: { width: o.lineWidth },
      // A series missing a point the others have joins across it, unless `gaps: break`.
      connectNulls: o.gaps === 'connect',
      emphasis: { disabled: true },
      label: {
        show: o.labels,
        position: 'top',
        distance: 4,
        // Room around each label, so that labels hidden for overlapping never touch either.
        padding: [1, 3],
        backgroundColor: 'transparent',
        ...label,
        formatter: (p) => label.formatter({ value: p.value }),
      },
      labelLayout: { hideOverlap: true },
    }),
  );
  return option;
}
