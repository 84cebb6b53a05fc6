import { describe, expect, it } from 'vitest';
import { accumulator } from '../../src/data/aggregate.js';
import type { Row, Value } from '../../src/data/frame.js';
import type { Aggregate } from '../../src/spec/schema.js';
import { run, salesRows } from './helpers.js';

function fold(agg: Aggregate, rows: Row[]): Value {
  const acc = accumulator(agg)();
  for (const r of rows) acc.add(r);
  return acc.result();
}

const col = (...values: Value[]): Row[] => values.map((v) => ({ v }));

describe('accumulator', () => {
  const mixed = col(3, null, 'n/a', 4.5, true, -1, '7');

  it('count without a field counts rows; with a field, non-null cells', () => {
    expect(fold({ op: 'count' }, mixed)).toBe(7);
    expect(fold({ op: 'count', field: 'v' }, mixed)).toBe(6);
    expect(fold({ op: 'count', field: 'v' }, col(null, null))).toBe(0);
  });

  it('sum and avg use numbers only, skipping nulls, strings and booleans', () => {
    expect(fold({ op: 'sum', field: 'v' }, mixed)).toBe(3 + 4.5 - 1);
    expect(fold({ op: 'avg', field: 'v' }, mixed)).toBe((3 + 4.5 - 1) / 3);
  });

  it('sum of no numbers is 0; avg, min and max of no values are null', () => {
    const empty = col(null, 'x', false);
    expect(fold({ op: 'sum', field: 'v' }, empty)).toBe(0);
    expect(fold({ op: 'avg', field: 'v' }, empty)).toBeNull();
    expect(fold({ op: 'avg', field: 'v' }, [])).toBeNull();
    expect(fold({ op: 'min', field: 'v' }, col(null, true))).toBeNull();
    expect(fold({ op: 'max', field: 'v' }, [])).toBeNull();
  });

  it('min and max prefer numbers', () => {
    expect(fold({ op: 'min', field: 'v' }, mixed)).toBe(-1);
    expect(fold({ op: 'max', field: 'v' }, mixed)).toBe(4.5);
    expect(fold({ op: 'max', field: 'v' }, col(-5, -2, -9))).toBe(-2);
  });

  it('min and max compare strings when a column has no numbers (ISO dates)', () => {
    const dates = col('2024-03-05', null, '2023-12-31T23:00:00Z', '2024-11-01');
    expect(fold({ op: 'min', field: 'v' }, dates)).toBe('2023-12-31T23:00:00Z');
    expect(fold({ op: 'max', field: 'v' }, dates)).toBe('2024-11-01');
    expect(fold({ op: 'min', field: 'v' }, col('b', 'a', 'c'))).toBe('a');
  });
});

describe('aggregates per group', () => {
  it('match a plain-loop reference', () => {
    const rows = salesRows(3000, 7);
    const got = run(rows, {
      groupBy: ['region'],
      aggregate: {
        n: { op: 'count' },
        withAmount: { op: 'count', field: 'amount' },
        total: { op: 'sum', field: 'amount' },
        mean: { op: 'avg', field: 'amount' },
        low: { op: 'min', field: 'amount' },
        high: { op: 'max', field: 'amount' },
        first: { op: 'min', field: 'date' },
      },
    });
    const expected: Row[] = [];
    const order: Value[] = [];
    for (const r of rows) if (!order.includes(r.region ?? null)) order.push(r.region ?? null);
    for (const region of order) {
      let n = 0;
      let withAmount = 0;
      let total = 0;
      let nums = 0;
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      let first = '9999';
      for (const r of rows) {
        if (r.region !== region) continue;
        n++;
        if (r.amount !== null) withAmount++;
        if (typeof r.amount === 'number') {
          total += r.amount;
          nums++;
          low = Math.min(low, r.amount);
          high = Math.max(high, r.amount);
        }
        if ((r.date as string) < first) first = r.date as string;
      }
      expected.push({ region, n, withAmount, total, mean: total / nums, low, high, first });
    }
    expect(got).toHaveLength(4);
    expect(got).toEqual(expected);
  });

  it('aggregate without groupBy gives one row, also for no rows', () => {
    const rows = salesRows(500, 3);
    let total = 0;
    let nums = 0;
    for (const r of rows) {
      if (typeof r.amount === 'number') {
        total += r.amount;
        nums++;
      }
    }
    const aggregate = {
      n: { op: 'count' },
      total: { op: 'sum', field: 'amount' },
      mean: { op: 'avg', field: 'amount' },
    } as const;
    expect(run(rows, { aggregate })).toEqual([{ n: 500, total, mean: total / nums }]);
    expect(run([], { aggregate })).toEqual([{ n: 0, total: 0, mean: null }]);
  });
});
