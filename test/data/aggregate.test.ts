import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Accumulator, accumulator } from '../../src/data/aggregate.js';
import type { Row, Value } from '../../src/frame.js';
import { type Aggregate, AggregateOp } from '../../src/spec/schema.js';
import { run, salesRows } from './helpers.js';

function fold(agg: Aggregate, rows: Row[]): Value {
  const acc = accumulator(agg)();
  rows.forEach((r, i) => {
    acc.add(r, i);
  });
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

  it('countDistinct counts distinct non-null values, telling 1 from "1"', () => {
    expect(fold({ op: 'countDistinct', field: 'v' }, col(1, '1', 1, null, 'a', 'a', true))).toBe(4);
    expect(fold({ op: 'countDistinct', field: 'v' }, [])).toBe(0);
  });

  it('median and p90 interpolate between closest ranks, like numpy', () => {
    // numpy.percentile([1..10], 90) == 9.1; numpy.median([3, 1, 2, 10]) == 2.5
    expect(fold({ op: 'p90', field: 'v' }, col(10, 9, 8, 7, 6, 5, 4, 3, 2, 1))).toBeCloseTo(9.1, 12);
    expect(fold({ op: 'median', field: 'v' }, col(3, 1, 'x', 2, null, 10))).toBe(2.5);
    // numpy.percentile([15, 20, 35, 40, 50], 90) == 46.0
    expect(fold({ op: 'p90', field: 'v' }, col(50, 15, 40, 20, 35))).toBeCloseTo(46, 12);
    expect(fold({ op: 'median', field: 'v' }, col(7))).toBe(7);
    expect(fold({ op: 'median', field: 'v' }, col(null, 'x'))).toBeNull();
  });

  it('first and last are the first and last non-null values in scan order', () => {
    expect(fold({ op: 'first', field: 'v' }, col(null, 'b', 3, null))).toBe('b');
    expect(fold({ op: 'last', field: 'v' }, col(null, 'b', 3, null))).toBe(3);
    expect(fold({ op: 'last', field: 'v' }, col(null))).toBeNull();
  });

  it('merging two accumulators equals adding all their rows to one', () => {
    const rows = col(5, null, 'x', 2, 9, 2, -4, 7.5, true, 3);
    const ops = Object.keys(AggregateOp) as AggregateOp[];
    for (const op of ops) {
      const agg = { op, field: 'v' };
      const make = accumulator(agg);
      const a = make();
      const b = make();
      rows.forEach((r, i) => {
        (i < 4 ? a : b).add(r, i);
      });
      a.merge(b);
      expect(a.result(), op).toEqual(fold(agg, rows));
    }
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

  it('countDistinct, median, p90, first and last match a plain-loop reference', () => {
    const rows = salesRows(4000, 13);
    const got = run(rows, {
      groupBy: ['region'],
      aggregate: {
        distinctUnits: { op: 'countDistinct', field: 'units' },
        median: { op: 'median', field: 'amount' },
        p90: { op: 'p90', field: 'amount' },
        first: { op: 'first', field: 'amount' },
        last: { op: 'last', field: 'date' },
      },
    });
    const regions: Value[] = [];
    for (const r of rows) if (!regions.includes(r.region ?? null)) regions.push(r.region ?? null);
    const expected = regions.map((region) => {
      const units: Value[] = [];
      const amounts: number[] = [];
      let first: Value = null;
      let last: Value = null;
      for (const r of rows) {
        if (r.region !== region) continue;
        if (!units.includes(r.units ?? null)) units.push(r.units ?? null);
        if (typeof r.amount === 'number') amounts.push(r.amount);
        if (first === null && r.amount !== null) first = r.amount ?? null;
        last = r.date ?? last;
      }
      amounts.sort((a, b) => a - b);
      const at = (p: number) => {
        const pos = (amounts.length - 1) * p;
        const below = amounts[Math.floor(pos)]!;
        const above = amounts[Math.ceil(pos)]!;
        return below + (above - below) * (pos - Math.floor(pos));
      };
      return { region, distinctUnits: units.length, median: at(0.5), p90: at(0.9), first, last };
    });
    expect(got).toHaveLength(4);
    for (const [i, row] of got.entries()) {
      const e = expected[i]!;
      expect(row).toMatchObject({
        region: e.region,
        distinctUnits: e.distinctUnits,
        first: e.first,
        last: e.last,
      });
      expect(row.median).toBeCloseTo(e.median, 9);
      expect(row.p90).toBeCloseTo(e.p90, 9);
    }
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

describe('accumulator merge', () => {
  const ops = Object.keys(AggregateOp) as AggregateOp[];
  const value = fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.constantFrom(null, 'a', 'b', '2024-01-01', true, false, 0.5, Number.NaN),
  );

  it('gives what adding every row to one accumulator gives, however the rows are split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, fc.integer({ min: 0, max: 2 })), { maxLength: 12 }),
        fc.constantFrom(...ops),
        fc.boolean(),
        (cells, op, withField) => {
          const agg: Aggregate = withField || op !== 'count' ? { op, field: 'v' } : { op };
          const make = accumulator(agg);
          const whole = make();
          // Three partial accumulators, each fed its share of the rows in scan order.
          const parts = [make(), make(), make()];
          cells.forEach(([v, part], seq) => {
            whole.add({ v }, seq);
            parts[part]!.add({ v }, seq);
          });
          const [a, b, c] = parts as [Accumulator, Accumulator, Accumulator];
          b.merge(c);
          a.merge(b);
          expect(a.result()).toEqual(whole.result());
        },
      ),
      { numRuns: 400 },
    );
  });

  it('first and last keep their value when an empty or later (earlier) accumulator is merged in', () => {
    const fed = (op: 'first' | 'last', ...rows: [Value, number][]) => {
      const acc = accumulator({ op, field: 'v' })();
      for (const [v, seq] of rows) acc.add({ v }, seq);
      return acc;
    };
    const first = fed('first', ['b', 5]);
    first.merge(fed('first'));
    expect(first.result()).toBe('b');
    first.merge(fed('first', ['a', 0]));
    expect(first.result()).toBe('a');
    first.merge(fed('first', ['c', 7]));
    expect(first.result()).toBe('a');
    const last = fed('last', ['y', 9]);
    last.merge(fed('last', ['x', 3]));
    last.merge(fed('last'));
    expect(last.result()).toBe('y');
  });
});

describe('accumulator, at the edges', () => {
  it('min and max skip NaN and ignore booleans, also in a group of nothing else', () => {
    expect(fold({ op: 'min', field: 'v' }, col(Number.NaN, 3, Number.NaN, 2))).toBe(2);
    expect(fold({ op: 'max', field: 'v' }, col(Number.NaN, 3, 2))).toBe(3);
    expect(fold({ op: 'max', field: 'v' }, col(Number.NaN))).toBeNull();
    expect(fold({ op: 'min', field: 'v' }, col(true))).toBeNull();
    expect(fold({ op: 'max', field: 'v' }, col(false, 'b', true, 'a'))).toBe('b');
    expect(fold({ op: 'min', field: 'v' }, col(true, 'b', false, 'a'))).toBe('a');
  });

  it('an aggregate that needs a field and has none counts rows, so the output keeps its shape', () => {
    // The query reports the missing field; meanwhile the column is the row count.
    expect(fold({ op: 'sum' } as Aggregate, col(4, 5, null))).toBe(3);
    expect(fold({ op: 'max' } as Aggregate, col('a'))).toBe(1);
  });
});
