import { BoxColumn, boxStatsFrame, isBoxStatsFrame } from '../../data/boxplot.js';
import { ChartpressError, problem } from '../../errors.js';
import { cell, type Frame, type Value } from '../../frame.js';
import { categoryAxis, valueAxis } from '../axes.js';
import { mixColors } from '../color-scale.js';
import type { ChartOption, CustomSeriesOption } from '../echarts.js';
import { channel, toLabel } from '../encode.js';
import { type ChartOf, chartContext, chrome, gridFor, tooltipFor, valueFormatter } from '../layout.js';
import { orderByName } from '../order.js';
import type { Theme } from '../theme.js';

type RenderItem = Extract<NonNullable<CustomSeriesOption['renderItem']>, (...args: never[]) => unknown>;

/** One box: its category's index, its five numbers, and its outliers. */
interface Box {
  readonly value: [category: number, low: number, q1: number, median: number, q3: number, high: number];
  readonly n: number;
  readonly outliers: number[];
}

/** Share of a category's band the boxes of all series take together. */
const GROUP_SHARE = 0.7;
/** Widest a box is drawn, px at scale 1. */
const MAX_BOX = 56;

/**
 * The box statistics of the chart: the frame itself when the pipeline has reduced it (see
 * `chartFrame`), else computed here from the observations.
 */
function statsOf(chart: ChartOf<'boxplot'>, frame: Frame): Frame {
  if (isBoxStatsFrame(frame)) return frame;
  channel(chart, frame, 'y', true);
  channel(chart, frame, 'x');
  channel(chart, frame, 'series');
  return boxStatsFrame(frame, {
    value: chart.encode.y ?? '',
    group: chart.encode.x,
    series: chart.encode.series,
    whisker: chart.options.whisker,
  });
}

/**
 * Box plot: the distribution of `encode.y` in each group of `encode.x` (one box of every row
 * without it), split side by side by `encode.series` (with a legend, in `seriesOrder`). A box
 * spans the first to the third quartile with a line at the median; whiskers reach the last
 * observation within `whisker` × IQR of the box (or the extremes, `whisker: minmax`); the
 * observations beyond are outliers, drawn as rings unless `outliers: false`. Groups run in row
 * order. The statistics are computed in the data phase (`boxStatsFrame`); the value axis leaves
 * zero out unless `y: { zero: true }`.
 */
export function boxplotOption(chart: ChartOf<'boxplot'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const stats = statsOf(chart, frame);
  const groupCol = chart.encode.x === undefined ? undefined : stats.columns[chart.encode.x];
  const seriesCol = chart.encode.series === undefined ? undefined : stats.columns[chart.encode.series];
  const col = (name: string) => stats.columns[name];
  const categories: Value[] = [];
  const categoryIndex = new Map<Value, number>();
  const bySeries = new Map<string, Box[]>();
  let last: Box | undefined;
  for (let i = 0; i < stats.length; i++) {
    const g = groupCol ? cell(groupCol, i) : (chart.encode.y ?? 'value');
    let c = categoryIndex.get(g);
    if (c === undefined) {
      c = categories.length;
      categoryIndex.set(g, c);
      categories.push(g);
    }
    const outlier = cell(col(BoxColumn.outlier), i);
    if (typeof outlier === 'number') {
      last?.outliers.push(outlier);
      continue;
    }
    const num = (name: string) => {
      const v = cell(col(name), i);
      return typeof v === 'number' ? v : 0;
    };
    const name = seriesCol ? toLabel(cell(seriesCol, i)) : (chart.encode.y ?? 'value');
    last = {
      value: [
        c,
        num(BoxColumn.low),
        num(BoxColumn.q1),
        num(BoxColumn.median),
        num(BoxColumn.q3),
        num(BoxColumn.high),
      ],
      n: num(BoxColumn.n),
      outliers: [],
    };
    const list = bySeries.get(name) ?? [];
    bySeries.set(name, list);
    list.push(last);
  }
  const series = orderByName(
    [...bySeries].map(([name, boxes]) => ({ name, boxes })),
    chart.seriesNames,
  );
  const boxes = series.flatMap((s) => s.boxes);
  if (boxes.length === 0) {
    throw new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', `encode.y: column "${chart.encode.y}" holds no numbers to summarise`, {
        path: 'encode.y',
      }),
    );
  }
  const shown = boxes.flatMap((b) => [b.value[1], b.value[5], ...(o.outliers ? b.outliers : [])]);
  const format = valueFormatter(chart, [
    ...shown,
    ...boxes.flatMap((b) => [b.value[2], b.value[3], b.value[4]]),
  ]);
  const { option, box } = chrome(ctx, { names: seriesCol ? series.map((s) => s.name) : [] });

  const slots = series.length;
  const renderItem = (slot: number, list: readonly Box[]): RenderItem => {
    return (params, api) => {
      const b = list[params.dataIndex];
      if (!b) return null;
      const [c, low, q1, median, q3, high] = b.value;
      const band = api.size?.([1, 0]);
      const bandWidth = Array.isArray(band) ? (band[0] ?? 40) : 40;
      const group = bandWidth * GROUP_SHARE;
      const slotWidth = group / slots;
      const width = Math.max(3, Math.min(slotWidth * (slots > 1 ? 0.8 : 1), MAX_BOX * ctx.scale));
      const center = (api.coord([c, median])[0] ?? 0) - group / 2 + slotWidth * (slot + 0.5);
      const at = (v: number) => api.coord([c, v])[1] ?? 0;
      const stroke = String(api.visual('color'));
      const fill = mixColors(stroke, theme.surface, 0.72);
      const line = Math.max(1, Math.round(1.25 * ctx.scale * 4) / 4);
      const cap = width * 0.5;
      const segment = (x1: number, y1: number, x2: number, y2: number, w = line) => ({
        type: 'line' as const,
        shape: { x1, y1, x2, y2 },
        style: { fill: 'none', stroke, lineWidth: w, lineCap: 'butt' as const },
      });
      const top = at(q3);
      const bottom = at(q1);
      const children: unknown[] = [
        segment(center, at(high), center, top),
        segment(center, bottom, center, at(low)),
        segment(center - cap / 2, at(high), center + cap / 2, at(high)),
        segment(center - cap / 2, at(low), center + cap / 2, at(low)),
        {
          type: 'rect' as const,
          shape: { x: center - width / 2, y: top, width, height: Math.max(1, bottom - top) },
          style: { fill, stroke, lineWidth: line },
        },
        segment(center - width / 2, at(median), center + width / 2, at(median), line * 2),
      ];
      if (o.outliers) {
        const r = Math.max(2, 2.5 * ctx.scale);
        for (const v of b.outliers) {
          children.push({
            type: 'circle' as const,
            shape: { cx: center, cy: at(v), r },
            style: { fill: theme.surface, stroke, lineWidth: line },
          });
        }
      }
      return { type: 'group' as const, children } as ReturnType<RenderItem>;
    };
  };

  option.grid = gridFor(box);
  option.xAxis = categoryAxis(ctx, categories, o.xTitle);
  option.yAxis = valueAxis(ctx, format, o.yTitle, { scale: true });
  option.tooltip = tooltipFor(format.value);
  option.series = series.map(
    ({ name, boxes: list }, slot): CustomSeriesOption => ({
      type: 'custom',
      name,
      data: list.map((b) => ({ value: b.value })),
      encode: { x: 0, y: [1, 2, 3, 4, 5] },
      renderItem: renderItem(slot, list),
      clip: true,
    }),
  );
  return option;
}
