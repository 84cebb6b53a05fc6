import { FONT_STACK } from '../font.js';
import type { NormalizedChart } from '../spec/defaults.js';
import type { ChartOption } from './echarts.js';
import { parseDate, toNumber } from './encode.js';
import { chartContext } from './layout.js';
import { measureText } from './metrics.js';
import { axisProblem, rulesOn, type ScreenAxis } from './scale.js';
import type { Theme } from './theme.js';

type MarkLine = { xAxis: number } | { yAxis: number };

/** The axis option drawn along `axis`, when there is exactly one. */
function axisOf(option: ChartOption, axis: ScreenAxis): { type?: string; data?: unknown } | undefined {
  const a = axis === 'x' ? option.xAxis : option.yAxis;
  return a === undefined || Array.isArray(a) ? undefined : (a as { type?: string; data?: unknown });
}

/**
 * Where a rule's value lies on its axis: a category's index, a date's time, a number. Values
 * that are not on the axis are refused with `CP_ERR_AXIS_SCALE`.
 */
function position(option: ChartOption, axis: ScreenAxis, value: string | number, index: number): number {
  const path = `rules[${index}].${axis}`;
  const a = axisOf(option, axis);
  const shown = JSON.stringify(value);
  if (a?.type === 'category') {
    const categories = Array.isArray(a.data) ? a.data.map(String) : [];
    const at = categories.indexOf(String(value));
    if (at < 0) {
      const some = categories.slice(0, 5).join(', ') + (categories.length > 5 ? ', ...' : '');
      axisProblem(path, `${shown} is not one of the categories on the ${axis} axis (${some})`);
    }
    return at;
  }
  const n = a?.type === 'time' ? (typeof value === 'string' ? parseDate(value) : null) : toNumber(value);
  if (n === null) axisProblem(path, `${shown} is not a value of the ${axis} axis`);
  if (a?.type === 'log' && n <= 0)
    axisProblem(path, `${shown} is not above zero, and the ${axis} axis is logarithmic`);
  return n;
}

/** Gap between a rule's end and its label, and the label's padding (left/right, top/bottom), px. */
const LABEL_DISTANCE = 4;
const LABEL_PADDING: [number, number] = [1, 3];

/**
 * Draws the chart's `rules` as ECharts mark lines on its first series: dashed, muted, labelled
 * at their end. A horizontal rule's label sits right of the plot, beside its end, where no data
 * is drawn (the plot narrows to leave it room) — or, when a second value axis holds that side,
 * inside the plot above its end; a vertical rule's sits above its top. Value
 * axes have already stretched to show them (see `valueAxis`, `timeAxis`).
 */
export function addRules(option: ChartOption, chart: NormalizedChart, theme: Theme): void {
  const across = rulesOn(chart, 'x');
  const up = rulesOn(chart, 'y');
  if (across.length + up.length === 0) return;
  const series = Array.isArray(option.series) ? option.series : option.series ? [option.series] : [];
  const first = series[0] as { markLine?: unknown } | undefined;
  if (!first) return;
  // A vertical rule is labelled above its top, which is its start when the y axis runs down.
  const down = (axisOf(option, 'y') as { inverse?: boolean } | undefined)?.inverse === true;
  // A second value axis (a combo's) writes its labels right of the plot: a horizontal rule is
  // labelled inside the plot instead, above its right end.
  const inside = Array.isArray(option.yAxis) && option.yAxis.length > 1;
  const items = [
    ...up.map((r) => ({ ...r, axis: 'y' as const })),
    ...across.map((r) => ({ ...r, axis: 'x' as const })),
  ]
    .sort((a, b) => a.index - b.index)
    .map(({ rule, index, axis }) => {
      const at = position(option, axis, rule[axis] ?? '', index);
      const place: MarkLine = axis === 'x' ? { xAxis: at } : { yAxis: at };
      return {
        ...place,
        label: {
          show: rule.label !== undefined && rule.label !== '',
          formatter: rule.label ?? '',
          position:
            axis === 'y'
              ? inside
                ? ('insideEndTop' as const)
                : ('end' as const)
              : down
                ? ('start' as const)
                : ('end' as const),
        },
      };
    });
  const fontSize = chartContext(chart, theme).fontSize;
  const font = `${fontSize}px ${FONT_STACK}`;
  // The widest label of a horizontal rule, and the room it takes right of the plot.
  const widest = inside
    ? 0
    : Math.max(0, ...up.map(({ rule }) => (rule.label ? measureText(rule.label, font).width : 0)));
  const grid = option.grid as { right?: unknown } | undefined;
  if (widest > 0 && grid && !Array.isArray(grid) && typeof grid.right === 'number') {
    grid.right += Math.ceil(widest + LABEL_DISTANCE + 2 * LABEL_PADDING[1]);
  }
  first.markLine = {
    silent: true,
    animation: false,
    symbol: ['none', 'none'],
    lineStyle: { color: theme.mutedText, type: 'dashed', width: 1 },
    emphasis: { disabled: true },
    // A label on the surface colour stays readable over bars and lines.
    label: {
      color: theme.mutedText,
      fontSize,
      distance: LABEL_DISTANCE,
      backgroundColor: theme.surface,
      padding: LABEL_PADDING,
      borderRadius: 2,
    },
    data: items,
  };
}
