import { FONT_STACK } from '../../font.js';
import { cell, type Frame, type Value } from '../../frame.js';
import { categoryAxis, timeAxis, valueAxis } from '../axes.js';
import type { ChartOption, CustomSeriesOption } from '../echarts.js';
import { channel, isDateColumn, parseDate, toLabel, toNumber } from '../encode.js';
import { valueFormat } from '../format.js';
import { type ChartOf, chartContext, chrome, gridFor, tooltipFor } from '../layout.js';
import { measureText } from '../metrics.js';
import { orderByName } from '../order.js';
import { type Theme, textOn } from '../theme.js';

type RenderItem = Extract<NonNullable<CustomSeriesOption['renderItem']>, (...args: never[]) => unknown>;

interface Task {
  readonly value: [row: number, start: number, end: number];
  readonly name: string;
}

/**
 * Gantt chart: one bar per row from `encode.x` (start) to `encode.x2` (end), ISO dates or
 * numbers, on the row of its task (`encode.y`; tasks top to bottom in frame order, a repeated
 * task shares its row). `encode.series` colours bars by category, with a legend (in `seriesOrder`). `labels` writes
 * the task name on its bar (beside it when the bar is too short), replacing the task axis.
 */
export function ganttOption(chart: ChartOf<'gantt'>, frame: Frame, theme: Theme): ChartOption {
  const ctx = chartContext(chart, theme);
  const o = chart.options;
  const start = channel(chart, frame, 'x', true);
  const end = channel(chart, frame, 'x2', true);
  const task = channel(chart, frame, 'y', true);
  const category = channel(chart, frame, 'series');
  const dates = isDateColumn(start) && isDateColumn(end);
  const at = (v: Value) => (dates ? parseDate(v) : toNumber(v));

  const rows = new Map<string, number>();
  const groups = new Map<string, Task[]>();
  for (let i = 0; i < frame.length; i++) {
    const name = toLabel(cell(task, i));
    if (!rows.has(name)) rows.set(name, rows.size);
    const s = at(cell(start, i));
    const e = at(cell(end, i));
    if (s === null || e === null) continue;
    const key = category ? toLabel(cell(category, i)) : 'tasks';
    let list = groups.get(key);
    if (!list) {
      list = [];
      groups.set(key, list);
    }
    list.push({ value: [rows.get(name)!, Math.min(s, e), Math.max(s, e)], name });
  }

  const series = orderByName([...groups].map(([name, tasks]) => ({ name, tasks })));
  const { option, box } = chrome(ctx, { names: category ? series.map((g) => g.name) : [] });
  const spanFormat = valueFormat(
    o.numberFormat,
    [...groups.values()].flatMap((tasks) => tasks.flatMap((t) => [t.value[1], t.value[2]])),
  );
  const font = `${ctx.fontSize}px ${FONT_STACK}`;
  const renderItem = (tasks: readonly Task[]): RenderItem => {
    return (params, api) => {
      const row = api.value(0);
      const a = api.coord([api.value(1), row]);
      const b = api.coord([api.value(2), row]);
      const band = api.size?.([0, 1]);
      const bandHeight = Array.isArray(band) ? (band[1] ?? 20) : 20;
      const h = Math.max(4, Math.min(bandHeight * 0.62, 26 * ctx.scale));
      const x0 = a[0] ?? 0;
      const y = (a[1] ?? 0) - h / 2;
      const width = Math.max(2, (b[0] ?? x0) - x0);
      const fill = String(api.visual('color'));
      const rect = { type: 'rect' as const, shape: { x: x0, y, width, height: h, r: 2 }, style: { fill } };
      const name = tasks[params.dataIndex]?.name ?? '';
      if (!o.labels || name === '') return rect;
      const textWidth = measureText(name, font).width;
      const pad = 5 * ctx.scale;
      const plotRight = ctx.width - box.right;
      const inside = textWidth + 2 * pad <= width;
      const after = x0 + width + pad + textWidth <= plotRight;
      const label = {
        type: 'text' as const,
        style: {
          text: name,
          x: inside ? x0 + pad : after ? x0 + width + pad : x0 - pad,
          y: y + h / 2,
          align: inside || after ? ('left' as const) : ('right' as const),
          verticalAlign: 'middle' as const,
          fill: inside ? textOn(fill) : theme.text,
          font,
        },
      };
      return { type: 'group' as const, children: [rect, label] };
    };
  };

  const names = [...rows.keys()];
  const taskAxis = categoryAxis(ctx, names, o.yTitle, { inverse: true });
  option.grid = gridFor(box);
  const spans = [...groups.values()].flatMap((list) => list.flatMap((t) => [t.value[1], t.value[2]]));
  // The first and last bars stay clear of the plot edges.
  option.xAxis = dates
    ? timeAxis(ctx, o.xTitle, spans, { grid: true, pad: 0.02 })
    : valueAxis(ctx, spanFormat, o.xTitle, { scale: true, line: true, horizontal: true, pad: 0.02 });
  option.yAxis = {
    ...taskAxis,
    axisLabel: { ...taskAxis.axisLabel, show: !o.labels, rotate: 0 },
    splitLine: { show: false },
  };
  option.tooltip = tooltipFor(spanFormat.value);
  option.series = series.map(
    ({ name, tasks }): CustomSeriesOption => ({
      type: 'custom',
      name,
      data: tasks.map((t) => ({ value: t.value, name: t.name })),
      encode: { x: [1, 2], y: 0 },
      renderItem: renderItem(tasks),
      clip: true,
    }),
  );
  return option;
}
