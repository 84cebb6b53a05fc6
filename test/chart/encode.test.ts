import { describe, expect, it } from 'vitest';
import { isDateColumn, parseDate, pivot, toNumber } from '../../src/chart/encode.js';

describe('pivot', () => {
  it('makes one series per series value over the x values, both in first-seen order', () => {
    const x = ['Q1', 'Q1', 'Q2', 'Q3', 'Q3'];
    const y = [1, 2, 3, 4, 5];
    const s = ['B', 'A', 'B', 'A', 'B'];
    expect(pivot(x, y, s, 'v')).toEqual({
      categories: ['Q1', 'Q2', 'Q3'],
      series: [
        { name: 'B', values: [1, 3, 5] },
        { name: 'A', values: [2, null, 4] },
      ],
    });
  });

  it('sums repeated pairs and names a lone series', () => {
    expect(pivot(['a', 'a', 'b'], [1, 2, null], undefined, 'revenue')).toEqual({
      categories: ['a', 'b'],
      series: [{ name: 'revenue', values: [3, null] }],
    });
  });
});

describe('values', () => {
  it('reads numbers from numbers, numeric strings and booleans', () => {
    expect([3, '4.5', true, '', 'x', null, Number.NaN].map(toNumber)).toEqual([
      3,
      4.5,
      1,
      null,
      null,
      null,
      null,
    ]);
  });

  it('parses ISO dates as UTC and recognises date columns', () => {
    expect(parseDate('2024-01-02')).toBe(Date.UTC(2024, 0, 2));
    expect(parseDate('2024-01-02T03:04:05.5Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 500));
    expect(parseDate('2024-01-02T03:00:00-01:30')).toBe(Date.UTC(2024, 0, 2, 4, 30));
    expect(parseDate('Jan 2')).toBeNull();
    expect(isDateColumn(['2024-01-01', null, '2024-02-01'])).toBe(true);
    expect(isDateColumn(['2024-01-01', 'soon'])).toBe(false);
    expect(isDateColumn([null])).toBe(false);
  });
});
