import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { Resvg } from '@resvg/resvg-js';
import * as hb from 'harfbuzzjs';
import { describe, expect, it } from 'vitest';
import { subsetTrueType } from '../../src/document/font-subset.js';
import { sfntToWoff2 } from '../../src/document/fonts-woff2.js';
import { italicFontData } from '../../src/document/markdown-fonts.js';
import { FontWeight, fontData } from '../../src/font.js';
import { pdfFontNames, pdfText } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const chromium = '/usr/bin/chromium';

/**
 * Text to draw: kerning pairs, digits, punctuation, accented letters (composite glyphs), a
 * character beyond the BMP (U+1F130, cmap format 12) and one Inter lacks (国). It avoids the
 * contexts of Inter's contextual alternates (`12:30`, `(A)`, `A-B`, `->`): the subset has no
 * GSUB, so those are drawn with the default glyphs where the whole font substitutes others.
 */
const TEXT = 'AVATAR To Wa Yo. 0123456789 Déjà vu, São Paulo — “naïve” Ærø Ŧ 🄰 国 €1,234.50!?';

const codePoints = (text: string) => [...text].map((ch) => ch.codePointAt(0)!);
const hbFont = (font: Uint8Array) => new hb.Font(new hb.Face(new hb.Blob(new Uint8Array(font))));

/** The tables of an sfnt font, checking its directory and checksums unless told not to. */
function directory(font: Buffer, check = true): Map<string, Buffer> {
  const n = font.readUInt16BE(4);
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < n; i++) {
    const at = 12 + 16 * i;
    const [offset, length] = [font.readUInt32BE(at + 8), font.readUInt32BE(at + 12)];
    tables.set(font.toString('latin1', at, at + 4), font.subarray(offset, offset + length));
  }
  if (!check) return tables;
  const log = Math.floor(Math.log2(n));
  expect(font.readUInt32BE(0)).toBe(0x00010000);
  expect([font.readUInt16BE(6), font.readUInt16BE(8), font.readUInt16BE(10)]).toEqual([
    16 * 2 ** log,
    log,
    16 * n - 16 * 2 ** log,
  ]);
  expect([...tables.keys()]).toEqual([...tables.keys()].sort());
  for (let i = 0; i < n; i++) {
    const at = 12 + 16 * i;
    const [offset, length] = [font.readUInt32BE(at + 8), font.readUInt32BE(at + 12)];
    expect(offset % 4).toBe(0);
    const data = Buffer.from(font.subarray(offset, offset + length));
    const tag = font.toString('latin1', at, at + 4);
    if (tag === 'head') data.writeUInt32BE(0, 8);
    expect(checksum(data), tag).toBe(font.readUInt32BE(at + 4));
  }
  expect(checksum(font)).toBe(0xb1b0afba);
  return tables;
}

function checksum(data: Buffer): number {
  const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** Each glyph's data (from loca and glyf) and its components, when composite. */
function glyphs(tables: Map<string, Buffer>): { data: Buffer; components: number[] }[] {
  const numGlyphs = tables.get('maxp')!.readUInt16BE(4);
  const long = tables.get('head')!.readInt16BE(50) === 1;
  const loca = tables.get('loca')!;
  const glyf = tables.get('glyf')!;
  expect(loca.length).toBe((numGlyphs + 1) * (long ? 4 : 2));
  const offset = (i: number) => (long ? loca.readUInt32BE(4 * i) : 2 * loca.readUInt16BE(2 * i));
  return Array.from({ length: numGlyphs }, (_, g) => {
    const data = glyf.subarray(offset(g), offset(g + 1));
    const components: number[] = [];
    if (data.length > 0 && data.readInt16BE(0) < 0) {
      for (let at = 10, more = true; more; ) {
        const flags = data.readUInt16BE(at);
        components.push(data.readUInt16BE(at + 2));
        at += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
        more = (flags & 0x20) !== 0;
      }
    }
    return { data, components };
  });
}

/** Lines of text drawn by resvg with only the given font file. */
function drawn(file: string, lines: readonly string[], weight: number, style: string): Buffer {
  const height = 40 * lines.length + 20;
  const text = lines.map((line, i) => `<text x="8" y="${40 * i + 40}">${escapeXml(line)}</text>`).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="${height}"><rect width="1200" height="${height}" fill="#fff"/>` +
    `<g font-family="Inter" font-size="26" font-weight="${weight}" font-style="${style}">${text}</g></svg>`;
  const font = { fontFiles: [file], loadSystemFonts: false, defaultFontFamily: 'Inter' };
  return new Resvg(svg, { font }).render().asPng();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** The four faces chartpress sets text in: regular and bold, upright and italic. */
function faces(): { data: Buffer; weight: number; style: string }[] {
  const [italic, boldItalic] = italicFontData();
  return [
    { data: fontData('regular'), weight: 400, style: 'normal' },
    { data: fontData('bold'), weight: 700, style: 'normal' },
    { data: italic!, weight: 400, style: 'italic' },
    { data: boldItalic!, weight: 700, style: 'italic' },
  ];
}

/** The whole font and its subset written to files, for resvg. */
function files(i: number, whole: Buffer, subset: Buffer): [string, string] {
  const paths: [string, string] = [join(tmp.dir, `whole-${i}.ttf`), join(tmp.dir, `subset-${i}.ttf`)];
  writeFileSync(paths[0], whole);
  writeFileSync(paths[1], subset);
  return paths;
}

describe('subsetTrueType', () => {
  it('writes a well-formed font of the glyphs drawn, their components and .notdef, renumbered', () => {
    const full = fontData('regular');
    const subset = subsetTrueType(full, codePoints(TEXT));
    const tables = directory(subset);
    expect([...tables.keys()]).toEqual([
      'OS/2',
      'cmap',
      'glyf',
      'head',
      'hhea',
      'hmtx',
      'kern',
      'loca',
      'maxp',
      'name',
      'post',
    ]);
    // The glyphs expected: .notdef, those the whole font maps the characters to, and their components.
    const before = hbFont(full);
    const fullGlyphs = glyphs(directory(full, false));
    const expected = new Set<number>();
    const visit = (g: number) => {
      if (expected.has(g)) return;
      expected.add(g);
      for (const c of fullGlyphs[g]!.components) visit(c);
    };
    visit(0);
    const present = codePoints(TEXT).filter((cp) => before.nominalGlyph(cp) !== undefined);
    for (const cp of present) visit(before.nominalGlyph(cp)!);
    const numGlyphs = tables.get('maxp')!.readUInt16BE(4);
    expect(numGlyphs).toBe(expected.size);
    expect(tables.get('hhea')!.readUInt16BE(34)).toBe(numGlyphs);
    expect(tables.get('hmtx')!.length).toBe(4 * numGlyphs);
    expect(tables.get('post')!.readUInt32BE(0)).toBe(0x00030000);
    // cmap maps the characters asked for that the font has (one beyond the BMP among them), and
    // the others the font draws with their glyphs (U+02EE with the glyph of ”), nothing else.
    const after = hbFont(subset);
    const drawnGlyphs = new Set(present.map((cp) => before.nominalGlyph(cp)));
    const sameGlyphs = [...before.face.collectUnicodes()].filter((cp) =>
      drawnGlyphs.has(before.nominalGlyph(cp)),
    );
    const unicodes = [...after.face.collectUnicodes()];
    expect(unicodes.sort((a, b) => a - b)).toEqual(sameGlyphs.sort((a, b) => a - b));
    expect(unicodes).toEqual(expect.arrayContaining([...present, 0x1f130, 0x2ee]));
    expect(unicodes).not.toContain('国'.codePointAt(0));
    // Composite glyphs keep their components, renumbered: the outlines drawn are the same.
    const kept = glyphs(tables);
    expect(kept.filter((g) => g.components.length > 0).length).toBeGreaterThan(3);
    for (const { components } of kept)
      for (const c of components) expect(kept[c]?.data.length).toBeGreaterThan(0);
    for (const cp of present) {
      const [was, is] = [before.nominalGlyph(cp)!, after.nominalGlyph(cp)!];
      expect(after.glyphToPath(is), String.fromCodePoint(cp)).toBe(before.glyphToPath(was));
      expect(after.glyphHAdvance(is)).toBe(before.glyphHAdvance(was));
    }
    expect(after.glyphToPath(0)).toBe(before.glyphToPath(0));
  });

  it('draws text as the whole font does (resvg), upright and italic', () => {
    for (const [i, { data, weight, style }] of faces().entries()) {
      const subset = subsetTrueType(data, codePoints(TEXT));
      expect(subset.length).toBeLessThan(data.length / 10);
      const [whole, cut] = files(i, data, subset);
      expect(
        drawn(cut, [TEXT], weight, style).equals(drawn(whole, [TEXT], weight, style)),
        `${weight} ${style}`,
      ).toBe(true);
    }
  });

  it("keeps GPOS pair kerning as a kern table: glyphs lie where the whole font's GPOS puts them", () => {
    const letters = [...'AVTWYPFLJkvwyoae.,“”'];
    const lines = letters.map((a) => letters.map((b) => `${a}${b}`).join(' '));
    for (const [i, { data, weight, style }] of faces().entries()) {
      const subset = subsetTrueType(data, codePoints(lines.join('')));
      const [whole, cut] = files(i, data, subset);
      const kerned = drawn(whole, lines, weight, style);
      expect(drawn(cut, lines, weight, style).equals(kerned), `${weight} ${style}`).toBe(true);
      // Without its kern table (its tag renamed) the subset draws the glyphs elsewhere.
      const unkerned = Buffer.from(subset);
      unkerned.write('kerm', unkerned.indexOf('kern', 12, 'latin1'), 'latin1');
      writeFileSync(cut, unkerned);
      expect(drawn(cut, lines, weight, style).equals(kerned)).toBe(false);
    }
  });

  it('is set by Typst, alone', async () => {
    const text = 'Kerned AV To, Déjà vu: 0123456789!';
    const subset = subsetTrueType(fontData('bold'), codePoints(text));
    const compiler = NodeCompiler.create({ workspace: '/subset', fontArgs: [{ fontBlobs: [subset] }] });
    const result = compiler.compile({
      mainFileContent: `#set text(font: "Inter", weight: "bold", fallback: false)\n${text}`,
    });
    expect(result.hasError()).toBe(false);
    const pdf = compiler.pdf(result.result!);
    expect(await pdfText(pdf)).toContain(text);
    expect(pdfFontNames(pdf)).toEqual([expect.stringMatching(/\+Inter-Bold$/)]);
  });

  it('is drawn by Chromium as the whole font, as WOFF2, kerning included', (ctx) => {
    if (!existsSync(chromium)) {
      if (process.env.CI === 'true') expect.fail(`Chromium not found at ${chromium}`);
      console.warn(`SKIPPED ${ctx.task.name}: no Chromium at ${chromium}`);
      return;
    }
    // FreeType's autohinter, which Chromium uses on Linux, hints a glyph by the script it belongs
    // to, found from cmap and GSUB, and sets a script's alignment zones from letters such as "o",
    // "x" and "H" when the font has them. So the subsets hold printable ASCII, as HTML pages' do,
    // and the text leaves out U+1F130, which only GSUB ties to Latin: without GSUB, the whole font
    // hints it a shade differently too.
    const text = `${TEXT.replace('\u{1f130}', '')} it’s`;
    const body = `<p>${text}</p><p><b>${text}</b></p><p class="big">AV To Wa <b>AV To Wa</b></p>`;
    const ascii = Array.from({ length: 95 }, (_, i) => 0x20 + i);
    const face = (weight: FontWeight, src: string) =>
      `@font-face { font-family: "Inter"; font-weight: ${FontWeight[weight]}; src: ${src}; }`;
    const page = (faces: string) =>
      `<!doctype html><meta charset="utf-8"><style>${faces}
body { margin: 8px; background: #fff; font: 17px Inter, sans-serif; } .big { font-size: 44px; margin: 0; }
</style>${body}`;
    const subsets = (['regular', 'bold'] as const).map((w) => {
      const woff2 = sfntToWoff2(subsetTrueType(fontData(w), [...codePoints(body), ...ascii]));
      return face(w, `url(data:font/woff2;base64,${woff2.toString('base64')}) format("woff2")`);
    });
    const wholes = (['regular', 'bold'] as const).map((w) =>
      face(w, `url(data:font/ttf;base64,${fontData(w).toString('base64')}) format("truetype")`),
    );
    const screenshot = (name: string, faces: string) => {
      const html = tmp.write(`${name}.html`, page(faces));
      const png = join(tmp.dir, `${name}.png`);
      execFileSync(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          `--user-data-dir=${join(tmp.dir, 'chromium-profile')}`,
          '--window-size=600,200',
          `--screenshot=${png}`,
          pathToFileURL(html).href,
        ],
        { stdio: 'ignore', timeout: 60_000 },
      );
      return readFileSync(png);
    };
    const whole = screenshot('whole', wholes.join('\n'));
    expect(screenshot('subset', subsets.join('\n')).equals(whole)).toBe(true);
    // Had Chromium drawn neither font, the pages would agree too: without them they differ.
    expect(screenshot('fallback', '').equals(whole)).toBe(false);
  }, 120_000);
});
