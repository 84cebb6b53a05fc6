import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fontverter from 'fontverter';
import * as hb from 'harfbuzzjs';
import { afterAll, describe, expect, it } from 'vitest';
import { faceFor } from '../../src/document/fonts.js';
import { drawnText } from '../../src/document/fonts-text.js';
import { createEngine } from '../../src/engine.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { recordChannels } from '../telemetry/helpers.js';

const tmp = tempDir();
const example = join(import.meta.dirname, '../../examples/sales/report.yaml');
const engine = createEngine({ cache: false });
afterAll(() => engine.close());

/** The code points each embedded `@font-face` maps, by weight, read from its WOFF2 data. */
async function embeddedFaces(css: string): Promise<Map<number, Set<number>>> {
  const faces = new Map<number, Set<number>>();
  const rule =
    /@font-face \{[^}]*font-weight: (\d+);[^}]*src: url\(data:font\/woff2;base64,([^)]+)\)[^}]*\}/g;
  for (const [, weight, data] of css.matchAll(rule)) {
    // Decoded by Google's WOFF2 decoder (the one browsers use), then the cmap read by HarfBuzz.
    const sfnt = await fontverter.convert(Buffer.from(data!, 'base64'), 'truetype');
    const face = new hb.Face(new hb.Blob(new Uint8Array(sfnt)));
    faces.set(Number(weight), new Set(face.collectUnicodes()));
  }
  return faces;
}

/** Text drawn in the page body: element content outside style, title and desc, entities decoded. */
function visibleText(html: string): string {
  return html
    .slice(html.indexOf('<body>'))
    .replace(/<(style|title|desc)\b[^>]*>[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(
      /&(lt|gt|amp|quot|#39);/g,
      (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"' })[e] ?? "'",
    )
    .replace(/\s+/g, '');
}

function missing(text: string, face: Set<number> | undefined): string {
  return [...text].filter((ch) => !face?.has(ch.codePointAt(0)!)).join('');
}

describe('HTML fonts', () => {
  it('keeps the example page under 300 KB, its fonts WOFF2 subsets covering every character', async () => {
    const out = join(tmp.dir, 'sales.html');
    const run = await cli('render', example, '-o', out, '--cache-dir', join(tmp.dir, 'cache'), '-q');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.length).toBeLessThan(300 * 1024);
    expect(html).not.toContain('font/ttf');
    const faces = await embeddedFaces(html);
    expect([...faces.keys()]).toEqual([400, 500, 600, 700]);
    // A subset, not the whole font (Inter maps some 2,500 characters).
    for (const face of faces.values()) expect(face.size).toBeLessThan(300);
    const all = new Set([...faces.values()].flatMap((f) => [...f]));
    expect(missing(visibleText(html), all)).toBe('');
    // The table header "Floor m²" is drawn at 600, "São Paulo" in a cell at 400.
    expect(missing('m²', faces.get(600))).toBe('');
    expect(missing('São', faces.get(400))).toBe('');
  });

  it('puts every character in the face of the weight it is drawn with', async () => {
    const report = {
      title: 'Ŷitle',
      subtitle: 'Subtitle ŝ',
      datasets: { d: { source: 'inline' as const, rows: [{ k: 'Ӂ cat', v: 3, ω: 'Ђ cell' }] } },
      charts: {
        c: { type: 'bar' as const, title: 'Ҹhart', data: { from: 'd' }, encode: { x: 'k', y: 'v' } },
      },
      body: [
        { heading: 'Ĥeading' },
        { text: 'Ƥaragraph ñ **ŧ**' },
        { chart: 'c' },
        { table: { title: 'Ŧable', data: { from: 'd' }, columns: [{ field: 'ω', title: 'Ωmega' }] } },
      ],
    };
    const { output } = await engine.render(report, { format: 'html' });
    const html = String(output);
    const faces = await embeddedFaces(html);
    expect(missing('Ŷŧ', faces.get(700))).toBe(''); // h1, <strong> in a paragraph
    expect(missing('ŝƤñЂ', faces.get(400))).toBe(''); // subtitle, paragraph, table cell
    expect(missing('ĤΩŦ', faces.get(600))).toBe(''); // h2, table header, table title
    // In the chart, each text element's own font-weight decides.
    const title = /<text[^>]*font-weight:(\d+)[^>]*>Ҹhart<\/text>/.exec(html);
    expect(title).not.toBeNull();
    expect(missing('Ҹ', faces.get(Number(title![1])))).toBe('');
    expect(missing('Ӂ', faces.get(400))).toBe('');
    // Characters drawn only in one weight are not spent on the others.
    expect(faces.get(400)?.has('Ŷ'.codePointAt(0)!)).toBe(false);
    expect(faces.get(700)?.has('Ђ'.codePointAt(0)!)).toBe(false);
  });

  it('writes the same page twice from its cached subsets, tracing the write', async () => {
    const report = {
      title: 'Twice é',
      datasets: {},
      charts: {},
      body: [{ text: 'ü' }],
    };
    const first = String((await engine.render(report, { format: 'html' })).output);
    const { on } = recordChannels();
    const second = String((await engine.render(report, { format: 'html' })).output);
    expect(second).toBe(first);
    // The traced write covers the subsetting and notes the size of the page, fonts included.
    expect(on('document:asyncEnd')).toMatchObject([
      { format: 'html', step: 'write', bytes: Buffer.byteLength(second) },
    ]);
  });
});

describe('drawnText', () => {
  it('follows inherited, relative and SVG weights, and skips text that is not drawn', () => {
    const rules = { tags: { h1: 700, b: 'bolder' as const }, classes: { title: 600 } };
    const drawn = drawnText(
      '<head><title>T</title><style>s</style></head><body><h1>A<b>B</b></h1><p>C &amp; &#x44;<b>E</b></p>' +
        '<div class="x title">F</div><svg><desc>G</desc><g font-weight="bold"><text>H</text>' +
        '<text style="font-size:9px;font-weight:500;">I</text></g><text>J</text></svg></body>',
      rules,
    );
    const at = (w: number) => String.fromCodePoint(...[...(drawn.get(w) ?? [])].sort((a, b) => a - b));
    expect(at(400)).toBe(' &CDJ');
    expect(at(500)).toBe('I');
    expect(at(600)).toBe('F');
    expect(at(700)).toBe('AEH');
    expect(at(900)).toBe('B');
    expect([...drawn.keys()].sort()).toEqual([400, 500, 600, 700, 900]);
  });

  it('maps CSS weights to the bundled faces as browsers match them', () => {
    expect([100, 300, 400, 450, 500, 550, 600, 650, 700, 800, 900].map(faceFor)).toEqual([
      'regular',
      'regular',
      'regular',
      'medium',
      'medium',
      'semibold',
      'semibold',
      'bold',
      'bold',
      'bold',
      'bold',
    ]);
  });
});
