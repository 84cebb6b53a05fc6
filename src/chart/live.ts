import type { Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { dateLabel, granularityOf } from './dates.js';
import { type ChartOption, echarts } from './echarts.js';
import { buildOption } from './render.js';

/*
 * A chart's ECharts option for a live HTML chart. The option chartpress draws from holds
 * functions (axis, label and tooltip formatters that close over d3 formats and computed ticks),
 * which JSON cannot carry. Each function is replaced by a table of what it returned: the chart is
 * drawn once here with every function recording its calls, and tooltip value formatters are also
 * asked for every number in the series. The page's shim (see `document/live.ts`) turns each table
 * back into a function that looks its arguments up, with a plain format for arguments it did
 * not see (ticks of a zoomed axis).
 */

/** A function of the option, as JSON: `{ "$fn": n }`, n indexing `LiveOption.fns`. */
export const FN_TAG = '$fn';

/** What a live chart's page receives. */
export interface LiveOption {
  readonly width: number;
  readonly height: number;
  /** The option, each function replaced by `{ "$fn": n }`. */
  readonly option: unknown;
  /** Per function: its argument key (see `argKey`) -> what it returned. */
  readonly fns: readonly Record<string, string | number>[];
}

/** Line and area charts get zoom (inside: wheel and drag) from this many points on. */
export const ZOOM_FROM_POINTS = 60;

/**
 * The key of a formatter's arguments, the same in the page's shim: params objects by their
 * series, index, name and value; anything else as it is.
 */
export function argKey(args: readonly unknown[]): string {
  return JSON.stringify(args.map(pick));
}

function pick(a: unknown): unknown {
  if (a === null || typeof a !== 'object') return a;
  if (Array.isArray(a)) return a.map(pick);
  const p = a as { seriesIndex?: unknown; dataIndex?: unknown; name?: unknown; value?: unknown };
  return [p.seriesIndex, p.dataIndex, p.name, p.value];
}

type Fn = (...args: unknown[]) => unknown;

/**
 * The live option of a chart and its frame as JSON text, or undefined when the chart cannot be
 * made live (a custom series draws it: its `renderItem` draws shapes, not text).
 */
export function liveOption(chart: NormalizedChart, frame: Frame): string | undefined {
  const option = buildOption(chart, frame);
  const fns: Record<string, string | number>[] = [];
  const recorders = new Map<Fn, Fn>();
  /** The recorders of the functions that format tooltip values. */
  const valueFormatters: Fn[] = [];
  let custom = false;
  const seen = new WeakSet<object>();
  /** The function, recording what it returns under its arguments' key; one recorder per function. */
  const recorderOf = (fn: Fn, name: string): Fn => {
    let recorder = recorders.get(fn);
    if (recorder) return recorder;
    const id = fns.length;
    const table: Record<string, string | number> = {};
    fns.push(table);
    recorder = Object.assign(
      (...args: unknown[]) => {
        const out = fn(...args);
        if (typeof out === 'string' || typeof out === 'number') table[argKey(args)] = out;
        return out;
      },
      { [FN_TAG]: id },
    );
    recorders.set(fn, recorder);
    if (name === 'valueFormatter') valueFormatters.push(recorder);
    return recorder;
  };
  // Each function is swapped for a recorder in place: the option is this call's own.
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (ArrayBuffer.isView(node)) return;
    const record = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(record)) {
      if (typeof v === 'function') {
        if (k === 'renderItem') custom = true;
        record[k] = recorderOf(v as Fn, k);
      } else walk(v);
    }
  };
  walk(option);
  if (custom) return undefined;
  const { width, height } = chart.options;
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    instance.setOption(option);
    instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
  // A tooltip shows any value of the series: ask for them all.
  for (const fn of valueFormatters) for (const v of seriesValues(option)) fn(v);
  // A tooltip by axis is headed by the axis value: on a time axis, a date as the labels write it.
  for (const axis of asArray(option.xAxis) as TimeAxis[]) {
    if (axis.type !== 'time') continue;
    const times = seriesTimes(option);
    const g = granularityOf(times.map((t) => new Date(t)));
    const header = recorderOf((p) => dateLabel(new Date((p as { value: number }).value), g, ' '), 'header');
    for (const t of times) header({ value: t });
    axis.axisPointer = { ...axis.axisPointer, label: { ...axis.axisPointer?.label, formatter: header } };
  }
  addInteraction(option, chart);
  const live: LiveOption = { width, height, option, fns };
  return JSON.stringify(live, (_k, v: unknown) => {
    if (typeof v === 'function') return { [FN_TAG]: (v as unknown as Record<string, number>)[FN_TAG] };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView))
      return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

interface TimeAxis {
  type?: unknown;
  axisPointer?: { label?: Record<string, unknown> };
}

/** The distinct times (ms) of the series' points on a time axis: the first of each pair. */
function seriesTimes(option: ChartOption): number[] {
  const out = new Set<number>();
  for (const s of asArray(option.series)) {
    const data = (s as { data?: unknown }).data;
    if (!Array.isArray(data)) continue;
    for (const item of data) {
      const pair = item !== null && typeof item === 'object' && 'value' in item ? item.value : item;
      const x: unknown = Array.isArray(pair) ? pair[0] : undefined;
      const t = typeof x === 'number' ? x : typeof x === 'string' ? Date.parse(x) : Number.NaN;
      if (Number.isFinite(t)) out.add(t);
    }
  }
  return [...out];
}

/**
 * What a tooltip may show of the series: every distinct finite number in their data, and each
 * point's value as a whole where it is a pair or more (`[x, y]`).
 */
function seriesValues(option: ChartOption): unknown[] {
  const numbers = new Set<number>();
  const tuples = new Map<string, unknown[]>();
  const add = (v: unknown, top: boolean): void => {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) numbers.add(v);
    } else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const items = Array.from(v as ArrayLike<unknown>);
      if (!top) tuples.set(JSON.stringify(items), items);
      for (const x of items) add(x, false);
    } else if (v !== null && typeof v === 'object' && 'value' in v)
      add((v as { value: unknown }).value, false);
  };
  for (const s of asArray(option.series)) add((s as { data?: unknown }).data, true);
  return [...numbers, ...tuples.values()];
}

function asArray<T>(v: T | readonly T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v as T];
}

/**
 * Tooltips on (by axis for lines and areas), zoom on a long line or area, axis label lines spaced
 * as on the server. Legend items toggle their series by default.
 */
function addInteraction(option: ChartOption, chart: NormalizedChart): void {
  const series = asArray(option.series) as readonly { type?: unknown; data?: unknown }[];
  const lines = chart.type === 'line' || chart.type === 'area';
  dropHtmlFormatters(option);
  const tooltip = (Array.isArray(option.tooltip) ? option.tooltip[0] : option.tooltip) ?? {};
  option.tooltip = { ...tooltip, show: true, confine: true, ...(lines ? { trigger: 'axis' } : {}) };
  // ECharts spaces the lines of a label by the width of "国", one em on the server (see
  // metrics.ts); a browser without a CJK font measures less and crowds two-line time labels.
  for (const axis of [...asArray(option.xAxis), ...asArray(option.yAxis)] as {
    axisLabel?: { fontSize?: unknown; lineHeight?: unknown };
  }[]) {
    const label = axis.axisLabel;
    if (label && typeof label.fontSize === 'number' && label.lineHeight === undefined)
      label.lineHeight = label.fontSize;
  }
  const points = Math.max(0, ...series.map((s) => (Array.isArray(s.data) ? s.data.length : 0)));
  if (lines && points >= ZOOM_FROM_POINTS && option.xAxis !== undefined) {
    (option as Record<string, unknown>).dataZoom = [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }];
  }
}

/**
 * ECharts writes a tooltip's string `formatter` (a template, from a chart's raw `echarts:`
 * option) into the page as HTML: dropped, so that a chart cannot run code in the page. Its own
 * tooltips escape names and values.
 */
function dropHtmlFormatters(node: unknown, key = ''): void {
  if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
  const record = node as Record<string, unknown>;
  if (key === 'tooltip' && typeof record.formatter === 'string') delete record.formatter;
  for (const [k, v] of Object.entries(record)) dropHtmlFormatters(v, Array.isArray(node) ? key : k);
}
