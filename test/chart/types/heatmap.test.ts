import { describe, expect, it } from 'vitest';
import { parseHex, scaleColor, sequentialStops } from '../../../src/chart/color-scale.js';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { textOn, themes } from '../../../src/chart/theme.js';
import type { ChartpressError } from '../../../src/errors.js';
import { frameFromRows, type Row } from '../../../src/frame.js';
import { makeChart, texts } from '../helpers.js';

const theme = themes.default;
const DAYS = ['Mon', 'Tue', 'Wed'];
/** Orders by day and hour 8..11, the hours in no order: 3 days x 4 hours, values 1..12. */
function orders(): Row[] {
  const rows: Row[] = [];
  DAYS.forEach((day, d) => {
    for (const hour of [10, 8, 11, 9]) rows.push({ day, hour, orders: d * 4 + (hour - 7) });
  });
  return rows;
}
const frame = frameFromRows(orders());
const heatmap = (options = {}) =>
  makeChart(
    'heatmap',
    { x: 'hour', y: 'day', color: 'orders' },
    { legend: 'right', ...options },
    { title: 'Orders' },
  );

type VisualMap = {
  type: string;
  show?: boolean;
  min: number;
  max: number;
  orient?: string;
  inRange: { color: string[] };
  text?: string[];
};
type Category = { type: string; data: string[]; inverse?: boolean };

/** The fill of every cell path drawn in an `rgb(...)` colour, as `#rrggbb`. */
function cellFills(svg: string): string[] {
  return [...svg.matchAll(/<path d="M[^"]*" fill="rgb\((\d+),(\d+),(\d+)\)"/g)].map(
    (m) => `#${[m[1], m[2], m[3]].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`,
  );
}

describe('heatmap', () => {
  it('draws one cell per x and y pair: numbers ascending across, rows in order from the top', () => {
    const option = buildOption(heatmap(), frame);
    const x = option.xAxis as Category;
    const y = option.yAxis as Category;
    expect(x).toMatchObject({ type: 'category', data: ['8', '9', '10', '11'] });
    expect(y).toMatchObject({ type: 'category', data: DAYS, inverse: true });
    const series = option.series as { type: string; data: { value: number[] }[] }[];
    expect(series[0]!.type).toBe('heatmap');
    expect(series[0]!.data).toHaveLength(12);
    expect(series[0]!.data).toContainEqual({ value: [0, 0, 1] });
    expect(series[0]!.data).toContainEqual({ value: [3, 2, 12] });
    expect(cellFills(renderChartSvg(heatmap(), frame))).toHaveLength(12);
  });

  it('colours cells on a continuous scale from a light tint to the first palette colour', () => {
    const option = buildOption(heatmap(), frame);
    const map = option.visualMap as VisualMap;
    expect(map).toMatchObject({ type: 'continuous', min: 1, max: 12, orient: 'vertical' });
    expect(map.inRange.color).toEqual(sequentialStops(theme, theme.palette));
    expect(map.inRange.color.at(-1)).toBe(theme.palette[0]);
    const fills = cellFills(renderChartSvg(heatmap(), frame));
    // The highest cell in the palette's first colour, the lowest in the lightest stop; each
    // cell in the colour the scale gives its value (what the labels pick their colour by).
    expect(fills).toContain(theme.palette[0]);
    expect(fills).toContain(map.inRange.color[0]);
    for (let v = 1; v <= 12; v++) {
      const want = parseHex(scaleColor(map.inRange.color, (v - 1) / 11))!;
      const near = fills.some((f) => parseHex(f)!.every((c, i) => Math.abs(c - want[i]!) <= 1));
      expect(near, `value ${v}`).toBe(true);
    }
  });

  it('shows the scale as its legend: a colour bar between its lowest and highest values', () => {
    const svg = renderChartSvg(heatmap(), frame);
    expect(svg).toContain('<linearGradient');
    expect(texts(svg)).toEqual(expect.arrayContaining(['1', '12', 'Mon', '8', '11', 'Orders']));
    const bottom = buildOption(heatmap({ legend: 'bottom' }), frame).visualMap as VisualMap;
    expect(bottom.orient).toBe('horizontal');
    const none = renderChartSvg(heatmap({ legend: 'none' }), frame);
    expect(none).not.toContain('<linearGradient');
    expect(cellFills(none)).toContain(theme.palette[0]);
  });

  it('writes each value in its cell in text that reads on it, only when every label fits', () => {
    const option = buildOption(heatmap({ labels: true }), frame);
    const data = (option.series as { data: { value: number[]; label?: { color: string } }[] }[])[0]!.data;
    const stops = (option.visualMap as VisualMap).inRange.color;
    const high = data.find((d) => d.value[2] === 12)!;
    const low = data.find((d) => d.value[2] === 1)!;
    expect(high.label?.color).toBe('#ffffff');
    expect(low.label?.color).toBe(textOn(stops[0]!));
    expect(texts(renderChartSvg(heatmap({ labels: true }), frame))).toEqual(
      expect.arrayContaining(['5', '7']),
    );
    // 40 columns in 200 px: no label fits, none is written.
    const wide = frameFromRows(
      Array.from({ length: 40 }, (_, i) => ({ hour: i, day: 'Mon', orders: 1000 + i })),
    );
    const cramped = buildOption(heatmap({ labels: true, width: 200 }), wide);
    expect((cramped.series as { label: { show: boolean } }[])[0]!.label.show).toBe(false);
  });

  it('centres a diverging scale on zero, from the negative colour to the positive one', () => {
    const margins = frameFromRows([
      { region: 'EMEA', q: 'Q1', margin: -0.05 },
      { region: 'EMEA', q: 'Q2', margin: 0.2 },
    ]);
    const chart = makeChart(
      'heatmap',
      { x: 'q', y: 'region', color: 'margin' },
      { colorScale: 'diverging', numberFormat: '.0%' },
    );
    const map = buildOption(chart, margins).visualMap as VisualMap;
    expect(map).toMatchObject({ min: -0.2, max: 0.2, text: ['20%', '−20%'] });
    expect(map.inRange.color[0]).toBe(theme.negative);
    expect(map.inRange.color.at(-1)).toBe(theme.positive);
  });

  it('takes the stops of a colors list, sums repeated pairs and orders date buckets', () => {
    const rows = frameFromRows([
      { month: '2024-03-01', team: 'A', n: 1 },
      { month: '2024-01-01', team: 'A', n: 2 },
      { month: '2024-01-01', team: 'A', n: 3 },
    ]);
    const chart = makeChart(
      'heatmap',
      { x: 'month', y: 'team', color: 'n' },
      { colors: ['#ffffff', '#000000'] },
    );
    const option = buildOption(chart, rows);
    expect((option.visualMap as VisualMap).inRange.color).toEqual(['#ffffff', '#000000']);
    expect((option.xAxis as Category).data).toEqual(['2024-01-01', '2024-03-01']);
    const data = (option.series as { data: { value: number[] }[] }[])[0]!.data;
    expect(data).toContainEqual({ value: [0, 0, 5] });
    expect(texts(renderChartSvg(chart, rows))).toEqual(expect.arrayContaining(['Jan', 'Mar']));
  });

  it('colours by value alone: a series field changes nothing', () => {
    const chart = makeChart('heatmap', { x: 'hour', y: 'day', color: 'orders', series: 'day' });
    expect((buildOption(chart, frame).visualMap as VisualMap).inRange.color).toEqual(
      sequentialStops(theme, theme.palette),
    );
  });

  it('refuses a colour column without numbers', () => {
    let error: unknown;
    try {
      buildOption(makeChart('heatmap', { x: 'hour', y: 'day', color: 'day' }), frame);
    } catch (e) {
      error = e;
    }
    expect((error as ChartpressError).problems[0]).toMatchObject({
      code: 'CP_ERR_INVALID_VALUE',
      path: 'encode.color',
    });
  });
});
