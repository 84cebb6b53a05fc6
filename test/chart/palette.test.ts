import { describe, expect, it } from 'vitest';
import { assignColors, paletteColor, sortedLabels } from '../../src/chart/palette.js';
import { themes } from '../../src/chart/theme.js';

describe('palette', () => {
  it('sorts values numerically, then as text, "(none)" last', () => {
    expect(sortedLabels([8, '10', 4, null, 'b', 'a', 6, 4])).toEqual([
      '4',
      '6',
      '8',
      '10',
      'a',
      'b',
      '(none)',
    ]);
  });

  it('goes on past the palette with distinct colours, the same each time', () => {
    for (const theme of Object.values(themes)) {
      const colors = Array.from({ length: 40 }, (_, i) => paletteColor(theme.palette, i));
      expect(colors.slice(0, theme.palette.length)).toEqual(theme.palette);
      expect(new Set(colors).size).toBe(40);
      for (const c of colors) expect(c).toMatch(/^#[0-9a-f]{6}$/i);
      expect(paletteColor(theme.palette, 33)).toBe(colors[33]);
    }
  });

  it('gives pinned values their colour and the others the palette, skipping pinned colours', () => {
    const palette = ['#111111', '#222222', '#333333'];
    expect(assignColors(['a', 'b', 'c'], palette, { b: '#111111' })).toEqual({
      a: '#222222',
      b: '#111111',
      c: '#333333',
    });
  });
});
