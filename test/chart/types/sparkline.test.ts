import { describe, expect, it } from 'vitest';
import { renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { frameFromRows } from '../../../src/frame.js';
import { filled, makeChart, stroked, symbols, texts } from '../helpers.js';

const theme = themes.default;
const series = frameFromRows([5, 3, 8, 2, 6, 7].map((v, i) => ({ day: `2024-01-0${i + 1}`, v })));

describe('sparkline', () => {
  it('is a 100x20 line with no axes, labels or legend', () => {
    const svg = renderChartSvg(makeChart('sparkline', { x: 'day', y: 'v' }), series);
    expect(svg).toMatch(/^<svg width="100" height="20"/);
    expect(stroked(svg, theme.palette[0]!)).toHaveLength(1);
    expect(texts(svg)).toEqual([]);
  });

  it('marks the last point by default', () => {
    const svg = renderChartSvg(makeChart('sparkline', { y: 'v' }), series);
    expect(symbols(svg, theme.palette[0]!)).toHaveLength(1);
  });

  it('marks min and max in their own colours, or nothing', () => {
    const marked = renderChartSvg(
      makeChart('sparkline', { y: 'v' }, { showMin: true, showMax: true }),
      series,
    );
    expect(symbols(marked, theme.negative)).toHaveLength(1);
    expect(symbols(marked, theme.positive)).toHaveLength(1);
    const bare = renderChartSvg(makeChart('sparkline', { y: 'v' }, { showLast: false }), series);
    expect(bare).not.toContain('matrix(');
  });

  it('fills under the line with area and sets lineWidth', () => {
    const svg = renderChartSvg(makeChart('sparkline', { y: 'v' }, { area: true, lineWidth: 2.5 }), series);
    expect(filled(svg, theme.palette[0]!)).toHaveLength(1);
    expect(stroked(svg, theme.palette[0]!)[0]).toContain('stroke-width="2.5"');
  });
});
