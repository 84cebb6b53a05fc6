import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { failure, run, salesRows, scan } from './helpers.js';

const rows: Row[] = [
  { store: 'a', city: 'Paris', sales: 50, day: '2024-01-01' },
  { store: 'b', city: 'Lyon', sales: 30, day: '2024-01-02' },
  { store: 'c', city: 'Nice', sales: 5, day: '2024-01-03' },
  { store: 'd', city: 'Lille', sales: 8, day: '2024-01-04' },
  { store: 'a', city: 'Paris', sales: 20, day: '2024-01-05' },
  { store: 'e', city: 'Metz', sales: 1, day: '2024-01-06' },
  { store: 'd', city: 'Lille', sales: 3, day: '2024-01-07' },
];

describe('limit with other', () => {
  it('sums the rows past the limit into one labelled row, after the sort', () => {
    const got = run(rows, {
      groupBy: ['store', 'city'],
      aggregate: {
        total: { op: 'sum', field: 'sales' },
        n: { op: 'count' },
        mean: { op: 'avg', field: 'sales' },
        top: { op: 'max', field: 'sales' },
        mid: { op: 'median', field: 'sales' },
        stores: { op: 'countDistinct', field: 'store' },
        first: { op: 'first', field: 'day' },
      },
      sort: [{ field: 'total', order: 'desc' }],
      limit: 2,
      other: true,
    });
    expect(got).toEqual([
      {
        store: 'a',
        city: 'Paris',
        total: 70,
        n: 2,
        mean: 35,
        top: 50,
        mid: 35,
        stores: 1,
        first: '2024-01-01',
      },
      {
        store: 'b',
        city: 'Lyon',
        total: 30,
        n: 1,
        mean: 30,
        top: 30,
        mid: 30,
        stores: 1,
        first: '2024-01-02',
      },
      // c (5), d (8 + 3) and e (1): exact over their rows.
      {
        store: 'Other',
        city: null,
        total: 17,
        n: 4,
        mean: 17 / 4,
        top: 8,
        mid: 4,
        stores: 3,
        first: '2024-01-03',
      },
    ]);
  });

  it('takes a label, and adds no row when nothing was cut', () => {
    const query: Omit<Query, 'from'> = {
      groupBy: ['city'],
      aggregate: { total: { op: 'sum', field: 'sales' } },
      sort: [{ field: 'total', order: 'desc' }],
      other: 'the rest',
    };
    expect(run(rows, { ...query, limit: 4 }).at(-1)).toEqual({ city: 'the rest', total: 1 });
    expect(run(rows, { ...query, limit: 5 })).toHaveLength(5);
    expect(run(rows, { ...query, limit: 1, other: false })).toEqual([{ city: 'Paris', total: 70 }]);
  });

  it('keeps the grand total: kept rows plus Other add up to all rows', () => {
    const data = salesRows(2000, 4);
    const got = run(data, {
      groupBy: [{ field: 'date', bucket: 'day', as: 'day' }],
      aggregate: { units: { op: 'sum', field: 'units' }, n: { op: 'count' } },
      sort: [{ field: 'units', order: 'desc' }],
      limit: 10,
      other: true,
    });
    expect(got).toHaveLength(11);
    expect(got.at(-1)?.day).toBe('Other');
    let units = 0;
    for (const r of data) units += r.units as number;
    expect(got.reduce((s, r) => s + (r.units as number), 0)).toBe(units);
    expect(got.reduce((s, r) => s + (r.n as number), 0)).toBe(2000);
  });

  it('needs groupBy and a limit', async () => {
    const a = await failure(scan(rows, { other: true, limit: 2 }));
    expect(a.problems.map((p) => p.path)).toEqual(['charts.c.data.other']);
    const b = await failure(scan(rows, { groupBy: ['city'], other: true }));
    expect(b.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_MISSING_FIELD', 'charts.c.data.limit'],
    ]);
  });
});
