import { describe, expect, it } from 'vitest';
import { binner } from '../../src/data/bin.js';
import { rng, run } from './helpers.js';

describe('binner', () => {
  it('gives the lower edge of the bin', () => {
    const bin = binner({ step: 10 });
    expect([0, 9.99, 10, 15, -0.5, -10, -10.5].map(bin)).toEqual([0, 0, 10, 10, -10, -10, -20]);
  });

  it('starts bins at the offset', () => {
    const bin = binner({ step: 10, offset: 5 });
    expect([5, 14.9, 15, 4.9, -5].map(bin)).toEqual([5, 5, 15, -5, -5]);
  });

  it('keeps decimal steps clean, with values on an edge in the bin they start', () => {
    const bin = binner({ step: 0.1 });
    expect([0.3, 0.29, 0.31, 0.7, 1.05, -0.05].map(bin)).toEqual([0.3, 0.2, 0.3, 0.7, 1, -0.1]);
    expect(binner({ step: 0.25, offset: 0.1 })(0.6)).toBe(0.6);
  });

  it('gives null for cells that are not finite numbers', () => {
    const bin = binner({ step: 1 });
    expect([null, '5', true, Number.NaN].map(bin)).toEqual([null, null, null, null]);
  });
});

describe('queries with bins', () => {
  it('count rows per bin, matching a plain-loop reference', () => {
    const rand = rng(3);
    const rows = Array.from({ length: 2000 }, () => ({ price: Math.round(rand() * 20_000) / 100 - 20 }));
    const got = run(rows, {
      groupBy: [{ field: 'price', bin: { step: 25, offset: 5 }, as: 'from' }],
      aggregate: { n: { op: 'count' } },
      sort: ['from'],
    });
    const counts = new Map<number, number>();
    for (const { price } of rows) {
      let edge = 5;
      while (edge > price) edge -= 25;
      while (edge + 25 <= price) edge += 25;
      counts.set(edge, (counts.get(edge) ?? 0) + 1);
    }
    const expected = [...counts].sort((a, b) => a[0] - b[0]).map(([from, n]) => ({ from, n }));
    expect(got).toEqual(expected);
  });
});
