import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { frameFromRows } from '../../../src/frame.js';
import { makeChart, symbols, texts } from '../helpers.js';

const palette = themes.default.palette;
const points = frameFromRows(
  Array.from({ length: 15 }, (_, i) => ({
    cost: 10 + i * 3,
    margin: (i * 7) % 11,
    volume: i === 0 ? 100 : 1 + i,
    segment: ['Retail', 'Corporate', 'SMB'][i % 3]!,
  })),
);

/** Diameter of a point symbol (its matrix scale times the unit circle's 2). */
const diameter = (path: string) => 2 * Number(/matrix\(([\d.]+)/.exec(path)?.[1]);

describe('scatter chart', () => {
  it('draws one point per row', () => {
    const svg = renderChartSvg(makeChart('scatter', { x: 'cost', y: 'margin' }), points);
    expect(symbols(svg, palette[0]!)).toHaveLength(15);
  });

  it('uses pointSize as the point diameter', () => {
    const svg = renderChartSvg(makeChart('scatter', { x: 'cost', y: 'margin' }, { pointSize: 12 }), points);
    expect(diameter(symbols(svg, palette[0]!)[0]!)).toBeCloseTo(12, 5);
  });

  it('scales points by size, largest at pointSize', () => {
    const svg = renderChartSvg(
      makeChart('scatter', { x: 'cost', y: 'margin', size: 'volume' }, { pointSize: 30 }),
      points,
    );
    const sizes = symbols(svg, palette[0]!).map(diameter);
    expect(Math.max(...sizes)).toBeCloseTo(30, 5);
    expect(Math.min(...sizes)).toBeLessThan(10);
  });

  it('colours points by category with a legend', () => {
    const svg = renderChartSvg(makeChart('scatter', { x: 'cost', y: 'margin', color: 'segment' }), points);
    for (const c of palette.slice(0, 3)) expect(symbols(svg, c)).toHaveLength(5);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Retail', 'Corporate', 'SMB']));
  });

  it('hands ECharts bare [x, y] pairs, and objects only for points with a size of their own', () => {
    // ECharts builds a model for each point given as an object: for 10,000 points that costs
    // more than drawing them.
    const data = (chart: ReturnType<typeof makeChart>) => {
      const series = buildOption(chart, points).series as { data: unknown[] }[];
      return series.flatMap((s) => s.data);
    };
    const plain = data(makeChart('scatter', { x: 'cost', y: 'margin', color: 'segment' }));
    expect(plain).toHaveLength(15);
    for (const p of plain) expect(Array.isArray(p) && p.length === 2).toBe(true);
    const sized = data(makeChart('scatter', { x: 'cost', y: 'margin', size: 'volume' }));
    for (const p of sized) expect(p).toEqual({ value: expect.any(Array), symbolSize: expect.any(Number) });
  });
});
