import { describe, expect, it } from 'vitest';
import { measureText, parseFont, readFaceMetrics } from '../../src/chart/metrics.js';
import { fontData } from '../../src/font.js';

describe('measureText', () => {
  it('gives Inter widths: "Hello" at 12px is about 29px, wider in bold', () => {
    const regular = measureText('Hello', '12px Inter, sans-serif').width;
    expect(regular).toBeGreaterThan(25);
    expect(regular).toBeLessThan(33);
    expect(measureText('Hello', 'bold 12px Inter, sans-serif').width).toBeGreaterThan(regular);
  });

  it('scales with the font size and adds up characters', () => {
    const a = measureText('abc', '10px sans-serif').width;
    expect(measureText('abc', '20px sans-serif').width).toBeCloseTo(2 * a, 6);
    expect(measureText('abcabc', '10px sans-serif').width).toBeCloseTo(2 * a, 6);
    expect(measureText('', '10px sans-serif').width).toBe(0);
  });

  it('measures missing glyphs: average width, one em for wide characters', () => {
    expect(measureText('国', '14px sans-serif').width).toBe(14);
    const missing = measureText('\u{10FFFD}', '10px sans-serif').width;
    expect(missing).toBeGreaterThan(3);
    expect(missing).toBeLessThan(10);
  });
});

describe('parseFont', () => {
  it('reads size and weight from a CSS font shorthand', () => {
    expect(parseFont('bold 14px Inter, sans-serif')).toEqual({ size: 14, weight: 'bold' });
    expect(parseFont('normal normal 600 11.5px Inter')).toEqual({ size: 11.5, weight: 'semibold' });
    expect(parseFont('500 9px x')).toEqual({ size: 9, weight: 'medium' });
    expect(parseFont('12px sans-serif')).toEqual({ size: 12, weight: 'regular' });
    expect(parseFont(undefined)).toEqual({ size: 12, weight: 'regular' });
  });
});

describe('readFaceMetrics', () => {
  it('reads units per em and advances from the TTF', () => {
    const face = readFaceMetrics(fontData('regular'));
    expect(face.unitsPerEm).toBe(2048);
    const space = face.advanceOf(0x20)!;
    const m = face.advanceOf(0x4d)!;
    expect(m).toBeGreaterThan(space);
    expect(face.advanceOf(0x10fffd)).toBeUndefined();
  });
});
