import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDateColumn, parseDate, pivot, toNumber } from '../../src/chart/encode.js';
import { isoLike } from './iso-arbitraries.js';

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

describe('parseDate and isDateColumn, against the pattern they were first written with', () => {
  const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  const byPattern = (v: string): number | null => {
    const m = ISO.exec(v.trim());
    if (!m) return null;
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    const ms = frac ? Math.round(Number(frac) * 1000) : 0;
    let offset = 0;
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return base + ms - offset;
  };
  const text = fc.oneof(
    isoLike,
    isoLike.map((s) => ` ${s} `),
    fc.string(),
  );

  it('reads every string as the pattern does, years before 100 as 19xx included', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(parseDate(s), s).toBe(byPattern(s));
        expect(isDateColumn([s]), s).toBe(ISO.test(s.trim()));
      }),
      { numRuns: 5000 },
    );
  });
});
