import { describe, expect, it } from 'vitest';
import { barColumn, tableColor, tint } from '../../src/document/table-style.js';

describe('tableColor', () => {
  it('names theme colours, writes hex in full, and lends a dark theme the default colours', () => {
    expect(tableColor('negative')).toBe('#d1495b');
    expect(tableColor('accent', 'vibrant')).toBe('#ff5a5f');
    expect(tableColor('muted', 'corporate')).toBe('#4a5a6a');
    // Tables sit on a light page: the dark theme's light greens would not read on it.
    expect(tableColor('positive', 'dark')).toBe(tableColor('positive', 'default'));
    expect(tableColor('#0A0')).toBe('#00aa00');
  });

  it('tints towards white', () => {
    expect(tint('#000000', 0)).toBe('#ffffff');
    expect(tint('#1f5fa8', 1)).toBe('#1f5fa8');
    expect(tint('#000', 0.5)).toBe('#808080');
  });
});

describe('barColumn', () => {
  it('starts every bar at zero: all negative values grow left from the right edge', () => {
    const bars = barColumn([-10, -5, null, 0], true, undefined);
    expect(bars.zero).toBe(1);
    expect(bars.signed).toBe(true);
    expect(bars.cells[0]).toMatchObject({ x: 0, w: 1 });
    expect(bars.cells[1]).toMatchObject({ x: 0.5, w: 0.5 });
    expect(bars.cells.slice(2)).toEqual([undefined, undefined]);
  });

  it('draws nothing for a column of zeros', () => {
    const bars = barColumn([0, 0], 'accent', undefined);
    expect(bars.cells).toEqual([undefined, undefined]);
    expect(bars.signed).toBe(false);
  });
});
