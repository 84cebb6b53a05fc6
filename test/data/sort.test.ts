import { describe, expect, it } from 'vitest';
import { sortField, sortTuples, TopK } from '../../src/data/sort.js';
import type { Row, Value } from '../../src/frame.js';
import { rng, run } from './helpers.js';

describe('sortTuples', () => {
  it('sorts by several keys, each ascending or descending', () => {
    const t: Value[][] = [
      ['b', 2],
      ['a', 1],
      ['b', 10],
      ['a', 3],
    ];
    sortTuples(t, [
      { index: 0, desc: false },
      { index: 1, desc: true },
    ]);
    expect(t).toEqual([
      ['a', 3],
      ['a', 1],
      ['b', 10],
      ['b', 2],
    ]);
  });

  it('puts nulls last in both orders', () => {
    const asc: Value[][] = [[3], [null], [1], [2]];
    sortTuples(asc, [{ index: 0, desc: false }]);
    expect(asc.flat()).toEqual([1, 2, 3, null]);
    const desc: Value[][] = [[3], [null], [1], [2]];
    sortTuples(desc, [{ index: 0, desc: true }]);
    expect(desc.flat()).toEqual([3, 2, 1, null]);
  });

  it('orders numbers numerically and strings by code unit (ISO dates in time order)', () => {
    const t: Value[][] = [
      [10],
      [9],
      [100],
      ['2024-10-01'],
      ['2024-09-30T23:00:00Z'],
      ['2024-02-01'],
      [false],
    ];
    sortTuples(t, [{ index: 0, desc: false }]);
    expect(t.flat()).toEqual([9, 10, 100, false, '2024-02-01', '2024-09-30T23:00:00Z', '2024-10-01']);
  });

  it('is stable: ties keep their input order', () => {
    const t: Value[][] = [
      [1, 'first'],
      [0, 'x'],
      [1, 'second'],
      [1, 'third'],
    ];
    sortTuples(t, [{ index: 0, desc: true }]);
    expect(t.map((r) => r[1])).toEqual(['first', 'second', 'third', 'x']);
  });

  it('compares through `by` when given (zoned hour labels as instants)', () => {
    const t: Value[][] = [['2024-10-27T02:00:00+01:00'], ['2024-10-27T02:00:00+02:00'], [null]];
    sortTuples(t, [{ index: 0, desc: false, by: (v) => (typeof v === 'string' ? Date.parse(v) : v) }]);
    expect(t.flat()).toEqual(['2024-10-27T02:00:00+02:00', '2024-10-27T02:00:00+01:00', null]);
  });

  it('reads both ways of writing a sort item', () => {
    expect(sortField('a')).toEqual({ field: 'a', desc: false });
    expect(sortField({ field: 'a', order: 'desc' })).toEqual({ field: 'a', desc: true });
    expect(sortField({ field: 'a', order: 'asc' })).toEqual({ field: 'a', desc: false });
  });
});

describe('sort in a query', () => {
  const rows: Row[] = [
    { region: 'US', year: 2023, amount: 5 },
    { region: 'EU', year: 2024, amount: 7 },
    { region: 'US', year: 2024, amount: 1 },
    { region: 'EU', year: 2023, amount: 7 },
    { region: null, year: 2024, amount: 2 },
  ];

  it('sorts pass-through rows by several keys', () => {
    const got = run(rows, { sort: ['region', { field: 'year', order: 'desc' }] });
    expect(got.map((r) => `${r.region}-${r.year}`)).toEqual([
      'EU-2024',
      'EU-2023',
      'US-2024',
      'US-2023',
      'null-2024',
    ]);
  });

  it('sorts groups by an aggregate, descending, then limits', () => {
    const got = run(rows, {
      groupBy: ['region'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
      sort: [{ field: 'total', order: 'desc' }],
      limit: 2,
    });
    expect(got).toEqual([
      { region: 'EU', total: 14 },
      { region: 'US', total: 6 },
    ]);
  });
});

describe('TopK', () => {
  it('keeps the k smallest, ties in push order, like a stable sort and a slice', () => {
    const rand = rng(5);
    for (const k of [1, 3, 10, 100, 500]) {
      const items = Array.from({ length: 300 }, (_, i) => ({ v: Math.floor(rand() * 20), i }));
      const top = new TopK<{ v: number; i: number }>(k, (a, b) => a.v - b.v);
      for (const item of items) top.push(item);
      expect(top.size).toBe(Math.min(k, 300));
      expect(top.sorted()).toEqual([...items].sort((a, b) => a.v - b.v).slice(0, k));
    }
  });
});
