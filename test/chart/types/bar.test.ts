import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { frameFromRows } from '../../../src/frame.js';
import { filled, makeChart, revenueFrame, texts } from '../helpers.js';

const [c0, c1, c2] = themes.default.palette;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const twelve = frameFromRows(MONTHS.map((m, i) => ({ month: m, sales: 100 + i * 10 })));

describe('bar chart', () => {
  it('draws one bar per category', () => {
    const svg = renderChartSvg(makeChart('bar', { x: 'month', y: 'sales' }), twelve);
    expect(filled(svg, c0!)).toHaveLength(12);
    for (const m of MONTHS) expect(texts(svg)).toContain(m);
  });

  it('groups 3 series x 6 months side by side, with a legend of the 3 names', () => {
    const svg = renderChartSvg(
      makeChart('bar', { x: 'month', y: 'revenue', series: 'region' }),
      revenueFrame(),
    );
    expect(filled(svg, c0!)).toHaveLength(6);
    expect(filled(svg, c1!)).toHaveLength(6);
    expect(filled(svg, c2!)).toHaveLength(6);
    const t = texts(svg);
    for (const name of ['EMEA', 'Americas', 'APAC']) expect(t).toContain(name);
  });

  it('leaves a gap for a missing series/category pair', () => {
    const frame = frameFromRows([
      { q: 'Q1', r: 'A', v: 1 },
      { q: 'Q1', r: 'B', v: 2 },
      { q: 'Q2', r: 'A', v: 3 },
    ]);
    const svg = renderChartSvg(makeChart('bar', { x: 'q', y: 'v', series: 'r' }), frame);
    expect(filled(svg, c0!)).toHaveLength(2);
    expect(filled(svg, c1!)).toHaveLength(1);
  });

  it('stacks series: bars of one category share an x position', () => {
    const chart = makeChart('bar', { x: 'month', y: 'revenue', series: 'region' }, { stacked: true });
    const svg = renderChartSvg(chart, revenueFrame());
    const left = (d: string) => /d="M([\d.]+)/.exec(d)?.[1];
    expect(left(filled(svg, c0!)[0]!)).toBe(left(filled(svg, c1!)[0]!));
    const grouped = renderChartSvg(
      makeChart('bar', { x: 'month', y: 'revenue', series: 'region' }),
      revenueFrame(),
    );
    expect(left(filled(grouped, c0!)[0]!)).not.toBe(left(filled(grouped, c1!)[0]!));
  });

  it('swaps the axes when horizontal, first category at the top', () => {
    const chart = makeChart('bar', { x: 'month', y: 'sales' }, { orientation: 'horizontal' });
    const option = buildOption(chart, twelve);
    expect(option.yAxis).toMatchObject({ type: 'category', inverse: true });
    expect(option.xAxis).toMatchObject({ type: 'value' });
    const svg = renderChartSvg(chart, twelve);
    const jan = /translate\(([\d.]+) ([\d.]+)\)" fill="[^"]+">Jan</.exec(svg);
    const dec = /translate\(([\d.]+) ([\d.]+)\)" fill="[^"]+">Dec</.exec(svg);
    expect(Number(jan?.[2])).toBeLessThan(Number(dec?.[2]));
  });

  it('writes value labels with the number format', () => {
    const chart = makeChart('bar', { x: 'month', y: 'sales' }, { labels: true, numberFormat: '$,.0f' });
    const frame = frameFromRows([
      { month: 'Jan', sales: 12345.4 },
      { month: 'Feb', sales: 2000 },
    ]);
    const t = texts(renderChartSvg(chart, frame));
    expect(t).toContain('$12,345');
    expect(t).toContain('$2,000');
  });

  it('uses barGap as the gap between grouped bars in % of bar width', () => {
    const chart = makeChart('bar', { x: 'month', y: 'revenue', series: 'region' }, { barGap: 50 });
    const option = buildOption(chart, revenueFrame());
    const series = option.series as { barGap?: string }[];
    expect(series.every((s) => s.barGap === '50%')).toBe(true);
  });

  it('formats month dates as month names, with the year on the first', () => {
    const frame = frameFromRows(
      ['2024-11-01', '2024-12-01', '2025-01-01'].map((month, i) => ({ month, v: i + 1 })),
    );
    const t = texts(renderChartSvg(makeChart('bar', { x: 'month', y: 'v' }), frame));
    expect(t).toEqual(expect.arrayContaining(['Nov', '2024', 'Dec', 'Jan', '2025']));
  });
});
