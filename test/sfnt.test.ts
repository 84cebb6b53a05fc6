import * as hb from 'harfbuzzjs';
import { describe, expect, it } from 'vitest';
import { subsetTrueType } from '../src/document/font-subset.js';
import { fontData } from '../src/font.js';
import { mappingsTo, readCmap, readTables, tableOffset } from '../src/sfnt.js';

/** Every mapping of a font's cmap as `mappingsTo` lists it, checked against `readCmap`. */
function mappings(font: Buffer): Map<number, number> {
  const cmap = tableOffset(readTables(font), 'cmap');
  const glyphOf = readCmap(font, cmap);
  const all = new Map<number, number>();
  for (const [cp, glyph] of mappingsTo(font, cmap, new Uint8Array(0x10000).fill(1))) {
    expect(glyphOf(cp)).toBe(glyph);
    all.set(cp, glyph);
  }
  return all;
}

describe('sfnt cmap', () => {
  it('lists every mapping of a format 12 cmap (Inter) as HarfBuzz reads it', () => {
    const font = fontData('regular');
    const hbFont = new hb.Font(new hb.Face(new hb.Blob(new Uint8Array(font))));
    const all = mappings(font);
    expect([...all.keys()].sort((a, b) => a - b)).toEqual(
      [...hbFont.face.collectUnicodes()].sort((a, b) => a - b),
    );
    for (const [cp, glyph] of all) expect(hbFont.nominalGlyph(cp)).toBe(glyph);
  });

  it('reads a format 4 cmap, segments by delta and by glyph array alike', () => {
    // A subset of BMP characters has only format 4; consecutive characters with scattered
    // glyphs ("abc") go through the glyph array, lone ones through a delta.
    const font = subsetTrueType(
      fontData('regular'),
      [...'abcxyz!Q€'].map((ch) => ch.codePointAt(0)!),
    );
    const all = mappings(font);
    expect([...all.keys()].map((cp) => String.fromCodePoint(cp)).join('')).toBe('!Qabcxyz€');
    expect(new Set(all.values()).size).toBe(9);
    expect(readCmap(font, tableOffset(readTables(font), 'cmap'))('d'.codePointAt(0)!)).toBe(0);
  });
});
