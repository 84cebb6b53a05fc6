import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { frameFromRows } from '../../../src/frame.js';
import { filled, makeChart, revenueFrame, stroked } from '../helpers.js';

const palette = themes.default.palette;
const encode = { x: 'month', y: 'revenue', series: 'region' };

/** Largest y of the top edge of a filled area path: the lowest point of that layer's top. */
function topEdge(path: string): number {
  const d = /d="([^"]+)"/.exec(path)?.[1] ?? '';
  const ys = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => Number(m[2]));
  return Math.min(...ys);
}

describe('area chart', () => {
  it('fills one area per series, stacked by default', () => {
    const svg = renderChartSvg(makeChart('area', encode), revenueFrame());
    for (const c of palette.slice(0, 3)) {
      expect(filled(svg, c)).toHaveLength(1);
      expect(stroked(svg, c)).toHaveLength(1);
    }
    // Stacked: each layer's top sits above the one before.
    // Layers stack in sorted order (APAC, Americas, EMEA), the order of their colours.
    const tops = [palette[0]!, palette[1]!, palette[2]!].map((c) => topEdge(filled(svg, c)[0]!));
    expect(tops[1]).toBeLessThan(tops[0]!);
    expect(tops[2]).toBeLessThan(tops[1]!);
  });

  it('overlaps layers when not stacked', () => {
    const option = buildOption(makeChart('area', encode, { stacked: false }), revenueFrame());
    expect((option.series as { stack?: string }[]).every((s) => s.stack === undefined)).toBe(true);
    const stacked = buildOption(makeChart('area', encode), revenueFrame());
    expect((stacked.series as { stack?: string }[]).every((s) => s.stack === 'total')).toBe(true);
  });

  it('applies opacity, smooth and lineWidth', () => {
    const svg = renderChartSvg(
      makeChart('area', encode, { opacity: 0.4, smooth: true, lineWidth: 3 }),
      revenueFrame(),
    );
    expect(filled(svg, palette[0]!)[0]).toContain('fill-opacity="0.4"');
    expect(stroked(svg, palette[0]!)[0]).toContain('stroke-width="3"');
    expect(stroked(svg, palette[0]!)[0]).toMatch(/C/);
  });

  it('counts a missing point as zero in a stack', () => {
    const frame = frameFromRows([
      { m: 'a', r: 'x', v: 1 },
      { m: 'a', r: 'y', v: 1 },
      { m: 'b', r: 'x', v: 2 },
    ]);
    const option = buildOption(makeChart('area', { x: 'm', y: 'v', series: 'r' }), frame);
    expect((option.series as { data: unknown[] }[])[1]?.data).toEqual([1, 0]);
  });
});
