import { describe, expect, it } from 'vitest';
import { errorPlaceholderSvg, escapeXml } from '../../src/chart/placeholder.js';
import { svgToPng } from '../../src/chart/png.js';
import { texts } from './helpers.js';
import { decodePng, near, rgb } from './png-pixels.js';

describe('errorPlaceholderSvg', () => {
  it('is an SVG of exactly the given size naming the chart and the reason', () => {
    const svg = errorPlaceholderSvg({
      id: 'revenue',
      reason: 'column "x" not found',
      width: 640,
      height: 360,
    });
    expect(svg).toMatch(/^<svg width="640" height="360"/);
    expect(svg).toContain('viewBox="0 0 640 360"');
    expect(texts(svg)).toEqual(['Chart revenue failed', 'column "x" not found']);
    expect(svg).toContain('Inter');
  });

  it('escapes markup in the id and the reason', () => {
    const svg = errorPlaceholderSvg({
      id: '<b>',
      reason: '<script>alert("x" & \'y\')</script>',
      width: 600,
      height: 300,
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot; &amp; &apos;y&apos;)&lt;/script&gt;');
    expect(texts(svg)).toContain('Chart <b> failed');
  });

  it('wraps and cuts a long reason to fit the box', () => {
    const reason = 'a very long reason '.repeat(40);
    const svg = errorPlaceholderSvg({ id: 'c', reason, width: 300, height: 120 });
    const lines = texts(svg).slice(1);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join(' ').length).toBeLessThan(reason.length);
    expect(lines.at(-1)).toMatch(/…$/);
    const tiny = errorPlaceholderSvg({ id: 'c', reason, width: 100, height: 20 });
    expect(tiny).toMatch(/^<svg width="100" height="20"/);
  });

  it('rasterises to a light red box with its title and reason drawn in it', () => {
    const image = (reason: string) =>
      decodePng(svgToPng(errorPlaceholderSvg({ id: 'revenue', reason, width: 300, height: 120 })));
    const png = image('column "x" not found');
    expect([png.width, png.height]).toEqual([300, 120]);
    // The box fills the picture, inside its dashed border.
    for (const [x, y] of [
      [10, 10],
      [290, 10],
      [10, 110],
      [290, 110],
    ] as const)
      expect(near(png.at(x, y), rgb('#fdf2f2')), `${x},${y}`).toBe(true);
    const pixels = (color: string, from: number, to: number) => {
      let n = 0;
      for (let y = from; y < to; y++)
        for (let x = 0; x < 300; x++) if (near(png.at(x, y), rgb(color), 40)) n++;
      return n;
    };
    // The title in dark red above, the reason in grey below: glyphs, not an empty box.
    const title = pixels('#9b2c2c', 0, 60);
    const reason = pixels('#5b6472', 60, 120);
    expect(title).toBeGreaterThan(50);
    expect(reason).toBeGreaterThan(50);
    expect(pixels('#9b2c2c', 60, 120)).toBeLessThan(title / 10);
    // Another reason draws other glyphs.
    const other = image('a much longer reason, which takes more ink to write');
    let differ = 0;
    for (let y = 60; y < 120; y++)
      for (let x = 0; x < 300; x++) if (!near(png.at(x, y), other.at(x, y), 0)) differ++;
    expect(differ).toBeGreaterThan(100);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});
