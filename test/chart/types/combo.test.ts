import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { alignedDomain } from '../../../src/chart/types/combo.js';
import type { ChartpressError } from '../../../src/errors.js';
import { frameFromRows } from '../../../src/frame.js';
import { filled, makeChart, stroked, texts } from '../helpers.js';

const [c0, c1] = themes.default.palette;
const MONTHS = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01'];
const frame = frameFromRows(
  MONTHS.map((month, m) => ({ month, revenue: 1_200_000 + m * 150_000, margin: 0.18 + m * 0.012 })),
);
const combo = (options = {}) =>
  makeChart('combo', { x: 'month', y: 'revenue', y2: 'margin' }, options, { title: 'Revenue and margin' });

type Axis = { type?: string; position?: string; min: number; max: number; interval: number; name?: string };
type Series = {
  type: string;
  name: string;
  yAxisIndex: number;
  data: unknown[];
  areaStyle?: unknown;
  z?: number;
};

describe('combo chart', () => {
  it('draws y as bars against the left axis and y2 as a line against a right axis', () => {
    const option = buildOption(combo(), frame);
    const [left, right] = option.yAxis as Axis[];
    expect(left).toMatchObject({ type: 'value' });
    expect(right).toMatchObject({ type: 'value', position: 'right' });
    const series = option.series as Series[];
    expect(series.map((s) => [s.type, s.name, s.yAxisIndex])).toEqual([
      ['bar', 'revenue', 0],
      ['line', 'margin', 1],
    ]);
    expect(series[1]!.data).toEqual(MONTHS.map((_, m) => 0.18 + m * 0.012));
    const svg = renderChartSvg(combo(), frame);
    expect(filled(svg, c0!)).toHaveLength(6);
    expect(stroked(svg, c1!)).toHaveLength(1);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Jan', '2025', 'Jun']));
  });

  it('names both measures in the legend, each with the icon of its mark', () => {
    const option = buildOption(combo(), frame);
    const legend = option.legend as { show?: boolean; data: { name: string; icon: string }[] };
    expect(legend.show).toBe(true);
    expect(legend.data.map((d) => d.name)).toEqual(['revenue', 'margin']);
    expect(legend.data[0]!.icon).toBe('roundRect');
    expect(legend.data[1]!.icon).toMatch(/^path:\/\//);
    expect(texts(renderChartSvg(combo(), frame))).toEqual(expect.arrayContaining(['revenue', 'margin']));
  });

  it('titles and formats the right axis on its own, the left with numberFormat', () => {
    const chart = combo({ numberFormat: '$.2~s', y2Format: '.0%', yTitle: 'Revenue', y2Title: 'Margin' });
    const t = texts(renderChartSvg(chart, frame));
    expect(t).toEqual(expect.arrayContaining(['Revenue', 'Margin', '$1.2M', '$2.1M', '0%', '10%', '20%']));
    expect(t.some((s) => /^0\.\d+$/.test(s))).toBe(false);
    const right = (buildOption(chart, frame).yAxis as Axis[])[1]!;
    expect(right.name).toBe('Margin');
  });

  it('puts the right axis ticks on the left axis grid lines', () => {
    const [left, right] = buildOption(combo(), frame).yAxis as Axis[];
    const steps = (a: Axis) => Math.round((a.max - a.min) / a.interval);
    expect(steps(right!)).toBe(steps(left!));
    expect(right!.min).toBe(0);
    expect(right!.max).toBeGreaterThanOrEqual(0.18 + 5 * 0.012);
    // Only the left axis draws grid lines.
    expect((right as unknown as { splitLine: { show: boolean } }).splitLine.show).toBe(false);
  });

  it('draws the marks it is given, bars under lines and areas', () => {
    const option = buildOption(combo({ marks: ['area', 'bar'] }), frame);
    const series = option.series as Series[];
    expect(series.map((s) => s.type)).toEqual(['line', 'bar']);
    expect(series[0]!.areaStyle).toBeDefined();
    expect(series[1]!.z).toBeLessThan(3);
    const legend = option.legend as { data: { icon: string }[] };
    expect(legend.data.map((d) => d.icon)).toEqual(['roundRect', 'roundRect']);
  });

  it('shares the left axis with dualAxis false, spanning both measures', () => {
    const shared = frameFromRows(MONTHS.map((month, m) => ({ month, revenue: 100 + m * 10, target: 180 })));
    const chart = makeChart('combo', { x: 'month', y: 'revenue', y2: 'target' }, { dualAxis: false });
    const option = buildOption(chart, shared);
    expect(Array.isArray(option.yAxis)).toBe(false);
    expect((option.series as Series[]).map((s) => s.yAxisIndex)).toEqual([0, 0]);
    expect((option.yAxis as Axis).max).toBeGreaterThanOrEqual(180);
  });

  it('labels a rule inside the plot when the right side holds the second axis', () => {
    const option = buildOption(combo({ rules: [{ y: 2_000_000, label: 'target' }] }), frame);
    const markLine = (option.series as { markLine?: { data: { label: { position: string } }[] } }[])[0]!
      .markLine;
    expect(markLine?.data[0]?.label.position).toBe('insideEndTop');
    expect(texts(renderChartSvg(combo({ rules: [{ y: 2_000_000, label: 'target' }] }), frame))).toContain(
      'target',
    );
  });

  it('needs y2', () => {
    const chart = makeChart('combo', { x: 'month', y: 'revenue' });
    let error: unknown;
    try {
      buildOption(chart, frame);
    } catch (e) {
      error = e;
    }
    expect((error as ChartpressError).problems[0]).toMatchObject({
      code: 'CP_ERR_MISSING_FIELD',
      path: 'encode.y2',
    });
  });
});

describe('alignedDomain', () => {
  it('takes the smallest round step that holds the data in the intervals given', () => {
    expect(alignedDomain(0.18, 0.24, 5)).toEqual({ min: 0, max: 0.25, interval: 0.05 });
    expect(alignedDomain(3, 97, 4)).toEqual({ min: 0, max: 100, interval: 25 });
    expect(alignedDomain(-12, 30, 6)).toEqual({ min: -20, max: 40, interval: 10 });
  });

  it('leaves zero out and keeps a min or max when the scale says so', () => {
    expect(alignedDomain(52, 61, 4, { zero: false })).toEqual({ min: 50, max: 70, interval: 5 });
    expect(alignedDomain(0.2, 0.3, 5, { min: 0, max: 1 })).toEqual({ min: 0, max: 1, interval: 0.2 });
    const capped = alignedDomain(20, 70, 5, { max: 100 });
    expect(capped.max).toBe(100);
    expect(capped.min).toBeLessThanOrEqual(0);
  });
});
