import { describe, expect, it } from 'vitest';
import { errorPlaceholderSvg, escapeXml } from '../../src/chart/placeholder.js';
import { svgToPng } from '../../src/chart/png.js';
import { texts } from './helpers.js';

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

  it('rasterises', () => {
    const png = svgToPng(errorPlaceholderSvg({ id: 'c', reason: 'r', width: 200, height: 100 }));
    expect([...png.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});
