import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fontverter from 'fontverter';
import * as hb from 'harfbuzzjs';
import { describe, expect, it } from 'vitest';
import { svgProblem } from '../../src/chart/sanitize.js';
import { createEngine } from '../../src/engine.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const csv = tmp.write('data/q.csv', 'région,amount\nÎle-de-France,3\nÅland,5\n');
const chartFile = tmp.write(
  'regions.yaml',
  'type: bar\ntitle: Amount by région\ndata: { from: q }\nencode: { x: région, y: amount }\noptions: { width: 400, height: 240 }\n',
);
const GENERIC = ['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui'];

describe('chartpress chart -o x.svg', () => {
  it('embeds the font as WOFF2 subsets and declares a generic family last', async () => {
    const out = join(tmp.dir, 'regions.svg');
    expect((await cli('chart', chartFile, '--data', csv, '-o', out)).code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<svg[^>]*><defs><style>@font-face \{ font-family: "Inter"; font-weight: \d+;/);
    const faces = [...svg.matchAll(/font-weight: (\d+);[^}]*url\(data:font\/woff2;base64,([^)]+)\)/g)];
    expect(faces.length).toBeGreaterThan(0);
    const covered = new Map<number, Set<number>>();
    for (const [, weight, data] of faces) {
      const sfnt = await fontverter.convert(Buffer.from(data!, 'base64'), 'truetype');
      covered.set(Number(weight), new Set(new hb.Face(new hb.Blob(new Uint8Array(sfnt))).collectUnicodes()));
    }
    // The category labels are drawn at 400, the title in the weight its style names.
    for (const ch of 'ÎÅ') expect(covered.get(400)?.has(ch.codePointAt(0)!)).toBe(true);
    const title = /<text[^>]*font-weight:(\d+)[^>]*>Amount by région<\/text>/.exec(svg);
    expect(covered.get(Number(title?.[1]))?.has('é'.codePointAt(0)!)).toBe(true);
    // Every family list the text uses (not the @font-face descriptor) ends with a generic family.
    const drawing = svg.replace(/<style>[\s\S]*?<\/style>/, '');
    const lists = [...drawing.matchAll(/font-family(?:="([^"]*)"|:([^;"]*))/g)].map(
      (m) => m[1] ?? m[2] ?? '',
    );
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect(GENERIC).toContain(list.split(',').at(-1)?.trim());
  });

  it('leaves the chart SVG of the engine (the one documents and the cache hold) without a font', async () => {
    const engine = createEngine({ cache: false });
    try {
      const { svg } = await engine.chart(chartFile, { data: csv });
      expect(svg).not.toContain('@font-face');
      expect(svg).not.toContain('<style');
      // The sanitiser admits no font data URL: the font is added to the file written, after it.
      const out = join(tmp.dir, 'again.svg');
      expect((await cli('chart', chartFile, '--data', csv, '-o', out)).code).toBe(0);
      const withFont = readFileSync(out, 'utf8');
      expect(svgProblem(withFont)).toBe('external reference in <style>');
    } finally {
      await engine.close();
    }
  });
});
