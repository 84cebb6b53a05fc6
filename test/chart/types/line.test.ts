import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { frameFromRows } from '../../../src/frame.js';
import type { ResolvedOptions } from '../../../src/spec/defaults.js';
import type { Encode } from '../../../src/spec/schema.js';
import { makeChart, revenueFrame, stroked, symbols, texts } from '../helpers.js';

const palette = themes.default.palette;
const line = (
  encode: Encode = { x: 'month', y: 'revenue', series: 'region' },
  options: Partial<ResolvedOptions<'line'>> = {},
) => makeChart('line', encode, options);

describe('line chart', () => {
  it('draws one line per series, with a legend', () => {
    const svg = renderChartSvg(line(), revenueFrame());
    for (const c of palette.slice(0, 3)) expect(stroked(svg, c)).toHaveLength(1);
    expect(stroked(svg, palette[3]!)).toHaveLength(0);
    expect(texts(svg)).toEqual(expect.arrayContaining(['EMEA', 'Americas', 'APAC']));
  });

  it('straight by default, curved when smooth', () => {
    const straight = stroked(renderChartSvg(line(), revenueFrame()), palette[0]!)[0]!;
    const smooth = stroked(
      renderChartSvg(line(undefined, { smooth: true }), revenueFrame()),
      palette[0]!,
    )[0]!;
    expect(straight).not.toMatch(/\bC/);
    expect(smooth).toMatch(/C/);
  });

  it('draws a marker per point, none with markers off', () => {
    expect(symbols(renderChartSvg(line(), revenueFrame()), palette[0]!)).toHaveLength(6);
    expect(
      symbols(renderChartSvg(line(undefined, { markers: false }), revenueFrame()), palette[0]!),
    ).toHaveLength(0);
  });

  it('sets the stroke width from lineWidth', () => {
    const svg = renderChartSvg(line(undefined, { lineWidth: 4 }), revenueFrame());
    expect(stroked(svg, palette[0]!)[0]).toContain('stroke-width="4"');
  });

  it('puts ISO dates on a time axis labelled with month names', () => {
    const chart = line();
    expect(buildOption(chart, revenueFrame()).xAxis).toMatchObject({ type: 'time' });
    const t = texts(renderChartSvg(chart, revenueFrame()));
    expect(t).toEqual(expect.arrayContaining(['Feb', 'Mar', 'Apr']));
    expect(t.some((s) => s.includes('T00:00'))).toBe(false);
  });

  it('puts numbers on a value axis and strings on a category axis', () => {
    const numeric = frameFromRows([1, 2, 3].map((x) => ({ x, y: x * 2 })));
    expect(buildOption(line({ x: 'x', y: 'y' }), numeric).xAxis).toMatchObject({ type: 'value' });
    const named = frameFromRows(['a', 'b'].map((x, i) => ({ x, y: i })));
    expect(buildOption(line({ x: 'x', y: 'y' }), named).xAxis).toMatchObject({ type: 'category' });
  });

  it('writes value labels when asked', () => {
    const frame = frameFromRows([
      { d: 'a', v: 1500 },
      { d: 'b', v: 2500 },
    ]);
    const t = texts(renderChartSvg(line({ x: 'd', y: 'v' }, { labels: true, numberFormat: ',.0f' }), frame));
    expect(t).toEqual(expect.arrayContaining(['1,500', '2,500']));
  });

  it('hides the legend of a single unnamed series', () => {
    const chart = line({ x: 'month', y: 'revenue' }, { legend: 'bottom' });
    expect(buildOption(chart, revenueFrame()).legend).toMatchObject({ show: false });
  });
});
