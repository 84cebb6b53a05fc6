import { FontWeight, fontData } from '../font.js';
import { readCmap, readTables, tableOffset as table } from '../sfnt.js';

/** Advance widths of one TTF face, in font units, looked up by code point. */
interface FaceMetrics {
  readonly unitsPerEm: number;
  readonly averageAdvance: number;
  readonly advanceOf: (codePoint: number) => number | undefined;
}

/** Reads `head`, `hhea`, `hmtx` and `cmap` of a TrueType font. */
export function readFaceMetrics(b: Buffer): FaceMetrics {
  const tables = readTables(b);
  const unitsPerEm = b.readUInt16BE(table(tables, 'head') + 18);
  const metrics = b.readUInt16BE(table(tables, 'hhea') + 34);
  const hmtx = table(tables, 'hmtx');
  const glyphOf = readCmap(b, table(tables, 'cmap'));
  const advanceOfGlyph = (g: number) => b.readUInt16BE(hmtx + 4 * Math.min(g, metrics - 1));
  let sum = 0;
  let n = 0;
  for (let cp = 0x20; cp < 0x7f; cp++) {
    const g = glyphOf(cp);
    if (g === 0) continue;
    sum += advanceOfGlyph(g);
    n++;
  }
  return {
    unitsPerEm,
    averageAdvance: n > 0 ? sum / n : unitsPerEm / 2,
    advanceOf: (cp) => {
      const g = glyphOf(cp);
      return g === 0 ? undefined : advanceOfGlyph(g);
    },
  };
}

/** East Asian wide characters: drawn by a fallback font one em wide (ECharts' line height). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Per weight: the face and a memo of character widths in ems. */
const faces = new Map<FontWeight, { face: FaceMetrics; widths: Map<number, number> }>();

function faceFor(weight: FontWeight) {
  let entry = faces.get(weight);
  if (!entry) {
    entry = { face: readFaceMetrics(fontData(weight)), widths: new Map() };
    faces.set(weight, entry);
  }
  return entry;
}

/** Font size in px and weight from a CSS font shorthand such as `bold 14px Inter, sans-serif`. */
export function parseFont(font: string | undefined): { size: number; weight: FontWeight } {
  const f = font ?? '';
  const size = /(\d+(?:\.\d+)?)px/.exec(f);
  let weight: FontWeight = 'regular';
  const numeric = /(?:^|\s)([1-9]00)(?=\s)/.exec(f);
  const w = numeric ? Number(numeric[1]) : /(?:^|\s)(bold|bolder)(?=\s)/.test(f) ? 700 : 400;
  if (w >= 700) weight = 'bold';
  else if (w >= 600) weight = 'semibold';
  else if (w >= 500) weight = 'medium';
  return { size: size ? Number(size[1]) : 12, weight };
}

/**
 * Width of `text` set in the bundled Inter at the size and weight named by a CSS font shorthand
 * (ECharts passes e.g. `bold 14px Inter, sans-serif`). Characters the font lacks count as the
 * font's average advance, or one em for East Asian wide characters (ECharts measures "国" to
 * get the line height). Kerning is ignored.
 */
export function measureText(text: string, font?: string): { width: number } {
  const { size, weight } = parseFont(font);
  const { face, widths } = faceFor(weight);
  let ems = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    let w = widths.get(cp);
    if (w === undefined) {
      const advance = face.advanceOf(cp);
      w =
        advance !== undefined
          ? advance / face.unitsPerEm
          : isWide(cp)
            ? 1
            : face.averageAdvance / face.unitsPerEm;
      widths.set(cp, w);
    }
    ems += w;
  }
  return { width: ems * size };
}

/** Parses every bundled weight now, so that no later measurement pays for it. */
export function preloadMetrics(): void {
  for (const weight of Object.keys(FontWeight) as FontWeight[]) faceFor(weight);
}
