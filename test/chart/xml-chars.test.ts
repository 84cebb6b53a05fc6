import { describe, expect, it } from 'vitest';
import { dropForbiddenXmlChars, forbiddenXmlChar, isXmlChar } from '../../src/chart/xml-chars.js';

/** Code points of the text one by one, a lone surrogate as one. */
function codePoints(text: string): { cp: number; at: number; units: number }[] {
  const out: { cp: number; at: number; units: number }[] = [];
  for (let at = 0; at < text.length; ) {
    const cp = text.codePointAt(at) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    out.push({ cp, at, units });
    at += units;
  }
  return out;
}

// Units at every edge of the Char production, and the halves of a pair.
const UNITS = [
  0x0, 0x1, 0x8, 0x9, 0xa, 0xb, 0xc, 0xd, 0xe, 0x1f, 0x20, 0x41, 0xe9, 0x6f22, 0xd7ff, 0xd800, 0xdbff, 0xdc00,
  0xdfff, 0xe000, 0xfffd, 0xfffe, 0xffff,
];

describe('characters XML 1.0 forbids', () => {
  it('are found and dropped where they are, and only they, surrogates paired or alone', () => {
    let seed = 5;
    const rand = (n: number) => {
      seed = (seed * 1664525 + 1013904223) % 4294967296;
      return Math.floor((seed / 4294967296) * n);
    };
    for (let round = 0; round < 2000; round++) {
      const length = rand(12);
      const text = String.fromCharCode(...Array.from({ length }, () => UNITS[rand(UNITS.length)] ?? 0x41));
      const points = codePoints(text);
      const first = points.find((p) => !isXmlChar(p.cp) || (p.cp >= 0xd800 && p.cp <= 0xdfff));
      expect(forbiddenXmlChar(text), JSON.stringify(text)).toBe(first ? first.at : -1);
      const kept = points
        .filter((p) => isXmlChar(p.cp) && !(p.cp >= 0xd800 && p.cp <= 0xdfff))
        .map((p) => text.slice(p.at, p.at + p.units))
        .join('');
      expect(dropForbiddenXmlChars(text), JSON.stringify(text)).toBe(kept);
    }
  });

  it('leave a clean text as the same string, however long', () => {
    const text = `<svg>${'<path d="M1 2L3 4"/>é漢字😀'.repeat(20_000)}</svg>`;
    expect(forbiddenXmlChar(text)).toBe(-1);
    expect(dropForbiddenXmlChars(text)).toBe(text);
    expect(forbiddenXmlChar(`${text}\uDC00`)).toBe(text.length);
    expect(forbiddenXmlChar(`${text}\u0007`)).toBe(text.length);
  });
});
