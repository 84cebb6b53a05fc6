import { describe, expect, it } from 'vitest';
import { svgToPng } from '../../src/chart/png.js';
import { renderChartSvg } from '../../src/chart/render.js';
import { makeChart, revenueFrame } from './helpers.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the PNG's IHDR chunk. */
const size = (png: Uint8Array) => {
  const view = new DataView(png.buffer, png.byteOffset);
  return [view.getUint32(16), view.getUint32(20)];
};

describe('svgToPng', () => {
  it('rasterises a chart to a PNG of its size', () => {
    const svg = renderChartSvg(
      makeChart('bar', { x: 'month', y: 'revenue' }, { width: 300, height: 200 }),
      revenueFrame(),
    );
    const png = svgToPng(svg);
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(size(png)).toEqual([300, 200]);
  });

  it('scales', () => {
    const svg = renderChartSvg(makeChart('sparkline', { y: 'revenue' }), revenueFrame());
    expect(size(svgToPng(svg, { scale: 3 }))).toEqual([300, 60]);
  });

  it('is the same for the same SVG', () => {
    const svg = renderChartSvg(
      makeChart('pie', { x: 'region', y: 'revenue' }, { width: 200, height: 150 }),
      revenueFrame(),
    );
    expect(Buffer.from(svgToPng(svg)).equals(Buffer.from(svgToPng(svg)))).toBe(true);
  });
});
