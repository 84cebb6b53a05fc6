import { describe, expect, it } from 'vitest';
import { renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { frameFromRows } from '../../../src/frame.js';
import { filled, makeChart, texts } from '../helpers.js';

const palette = themes.default.palette;
const shares = frameFromRows([
  { region: 'EMEA', revenue: 421 },
  { region: 'Americas', revenue: 300 },
  { region: 'APAC', revenue: 179 },
  { region: 'LatAm', revenue: 100 },
]);

/** Slices: filled paths with an arc command. */
const slices = (svg: string) => palette.flatMap((c) => filled(svg, c)).filter((p) => /A[\d.]/.test(p));

describe('pie chart', () => {
  it('draws one slice per name with percent labels that sum to 100', () => {
    const svg = renderChartSvg(makeChart('pie', { x: 'region', y: 'revenue' }), shares);
    expect(slices(svg)).toHaveLength(4);
    const labels = texts(svg).filter((t) => t.endsWith('%'));
    expect(labels).toContain('EMEA 42.1%');
    const sum = labels.reduce((s, t) => s + Number(/([\d.]+)%$/.exec(t)?.[1]), 0);
    expect(sum).toBeCloseTo(100, 0);
  });

  it('takes slice names from series when there is no x', () => {
    const svg = renderChartSvg(makeChart('pie', { series: 'region', y: 'revenue' }), shares);
    expect(slices(svg)).toHaveLength(4);
  });

  it('makes a donut with innerRadius', () => {
    const svg = renderChartSvg(makeChart('pie', { x: 'region', y: 'revenue' }, { innerRadius: 50 }), shares);
    // A donut slice has two arcs (outer and inner edge).
    const emea = filled(svg, palette[0]!)[0]!;
    expect(emea.match(/A/g)?.length).toBeGreaterThanOrEqual(2);
    const pie = filled(
      renderChartSvg(makeChart('pie', { x: 'region', y: 'revenue' }), shares),
      palette[0]!,
    )[0]!;
    expect(pie.match(/A/g)?.length).toBe(1);
  });

  it('labels by value, by name, or not at all', () => {
    const value = texts(
      renderChartSvg(
        makeChart('pie', { x: 'region', y: 'revenue' }, { labels: 'value', numberFormat: '$,.0f' }),
        shares,
      ),
    );
    expect(value).toContain('EMEA $421');
    const name = texts(
      renderChartSvg(
        makeChart('pie', { x: 'region', y: 'revenue' }, { labels: 'name', legend: 'none' }),
        shares,
      ),
    );
    expect(name).toEqual(['EMEA', 'Americas', 'APAC', 'LatAm']);
    const none = texts(
      renderChartSvg(
        makeChart('pie', { x: 'region', y: 'revenue' }, { labels: 'none', legend: 'none' }),
        shares,
      ),
    );
    expect(none).toEqual([]);
  });

  it('shows a legend of the slice names', () => {
    const svg = renderChartSvg(makeChart('pie', { x: 'region', y: 'revenue' }, { labels: 'none' }), shares);
    expect(texts(svg)).toEqual(['EMEA', 'Americas', 'APAC', 'LatAm']);
  });
});
