import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueryAccumulator } from '../../src/data/query.js';
import { applyWindows, checkWindows, compute, windowName } from '../../src/data/window.js';
import type { Row, Value } from '../../src/frame.js';
import { facetQuery } from '../../src/spec/normalize.js';
import type { Window } from '../../src/spec/schema.js';
import { rowsArb } from './arbitraries.js';
import { run } from './helpers.js';

const noTies = () => false;
const where = { dataset: 'sales', path: 'charts.c.data' };

describe('compute', () => {
  it('cumsum skips nulls and non-numbers, null until the first number', () => {
    expect(compute({ op: 'cumsum', field: 'v' }, [null, 1, null, 2, 'x', 3], noTies)).toEqual([
      null,
      1,
      1,
      3,
      3,
      6,
    ]);
  });

  it('diff and pctChange: null on the first row, next to a null, and pctChange from 0', () => {
    const values: Value[] = [10, 15, null, 5, 0, 3, -2, Number.NaN, 4];
    expect(compute({ op: 'diff', field: 'v' }, values, noTies)).toEqual([
      null,
      5,
      null,
      null,
      -5,
      3,
      -5,
      null,
      null,
    ]);
    expect(compute({ op: 'pctChange', field: 'v' }, values, noTies)).toEqual([
      null,
      0.5,
      null,
      null,
      -1,
      null,
      -5 / 3,
      null,
      null,
    ]);
  });

  it('rank: ties share a rank, with gaps after (SQL RANK); rowNumber counts on', () => {
    const ties = (i: number) => i === 2 || i === 3 || i === 5;
    const values = [null, null, null, null, null, null];
    expect(compute({ op: 'rank' }, values, ties)).toEqual([1, 2, 2, 2, 5, 5]);
    expect(compute({ op: 'rowNumber' }, values, ties)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('movingAvg: the row and frame - 1 before it, nulls skipped, fewer at the start', () => {
    const values: Value[] = [1, 2, 3, null, null, null, 10];
    expect(compute({ op: 'movingAvg', field: 'v' }, values, noTies)).toEqual([1, 1.5, 2, 2.5, 3, null, 10]);
    expect(compute({ op: 'movingAvg', field: 'v', frame: 1 }, [4, null, 6], noTies)).toEqual([4, null, 6]);
    expect(compute({ op: 'movingAvg', field: 'v', frame: 2 }, [4, 8, 6], noTies)).toEqual([4, 6, 7]);
  });

  it('an empty partition gives nothing', () => {
    expect(compute({ op: 'cumsum', field: 'v' }, [], noTies)).toEqual([]);
  });
});

describe('applyWindows', () => {
  const fields = ['month', 'region', 'sales'];
  const tuples = (): Value[][] => [
    ['2024-02', 'EU', 5],
    ['2024-01', 'US', 4],
    ['2024-01', 'EU', 3],
    ['2024-03', 'EU', null],
    ['2024-02', 'US', 4],
    ['2024-03', 'US', 1],
  ];
  const keys = [{ output: 'month' }, { output: 'region' }];
  const run = (windows: Window[], t = tuples()) => {
    const names = applyWindows(windows, fields, t, keys);
    return t.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
  };

  it('partitions by `by`, orders by the group columns by default, and keeps the rows in place', () => {
    const out = run([{ op: 'cumsum', field: 'sales', by: 'region', as: 'running' }]);
    expect(out.map((r) => [r.month, r.region, r.running])).toEqual([
      ['2024-02', 'EU', 8],
      ['2024-01', 'US', 4],
      ['2024-01', 'EU', 3],
      ['2024-03', 'EU', 8],
      ['2024-02', 'US', 8],
      ['2024-03', 'US', 9],
    ]);
  });

  it('gives the same values whatever the order of the rows', () => {
    const w: Window[] = [
      { op: 'rank', order: [{ field: 'sales', order: 'desc' }] },
      { op: 'rowNumber', order: [{ field: 'sales', order: 'desc' }] },
      { op: 'diff', field: 'sales', by: ['region'] },
      { op: 'movingAvg', field: 'sales_diff', frame: 2 },
    ];
    const key = (r: Record<string, Value | undefined>) => `${r.month}/${r.region}`;
    const a = run(w).sort((x, y) => key(x).localeCompare(key(y)));
    const b = run(w, tuples().reverse()).sort((x, y) => key(x).localeCompare(key(y)));
    expect(a).toEqual(b);
    // Ties on sales (4, 4) share rank 2; rowNumber breaks them by month, then region; null last.
    expect(a.map((r) => [key(r), r.rank, r.rowNumber])).toEqual([
      ['2024-01/EU', 4, 4],
      ['2024-01/US', 2, 2],
      ['2024-02/EU', 1, 1],
      ['2024-02/US', 2, 3],
      ['2024-03/EU', 6, 6],
      ['2024-03/US', 5, 5],
    ]);
    // An earlier window's column is read by a later one.
    expect(a.map((r) => r.sales_diff)).toEqual([null, null, 2, 0, null, -3]);
  });

  it('orders desc, with nulls last, and ranks ties within each partition', () => {
    const out = run([{ op: 'rank', by: 'month', order: [{ field: 'sales', order: 'desc' }], as: 'r' }]);
    expect(out.map((r) => r.r)).toEqual([1, 1, 2, 2, 2, 1]);
  });

  it('uses a group column sortBy for its order', () => {
    // Labels that sort backwards as text, forwards through sortBy.
    const t: Value[][] = [
      ['b', 'EU', 1],
      ['a', 'EU', 2],
    ];
    const names = applyWindows([{ op: 'cumsum', field: 'sales' }], fields, t, [
      { output: 'month', sortBy: (v) => (v === 'a' ? 2 : 1) },
    ]);
    expect(names).toEqual([...fields, 'sales_cumsum']);
    expect(t.map((r) => r[3])).toEqual([1, 3]);
  });
});

describe('checkWindows', () => {
  const outputs = ['month', 'region', 'sales'];
  const check = (window: Window[], grouped = true) =>
    checkWindows(
      { from: 'sales', window, ...(grouped ? { groupBy: ['month', 'region'] } : {}) },
      outputs,
      where,
    ).map((p) => [p.code, p.path]);

  it('names the output column', () => {
    expect(windowName({ op: 'cumsum', field: 'sales' })).toBe('sales_cumsum');
    expect(windowName({ op: 'rank' })).toBe('rank');
    expect(windowName({ op: 'diff', field: 'sales', as: 'change' })).toBe('change');
  });

  it('refuses windows over rows that are not aggregated', () => {
    expect(check([{ op: 'rowNumber' }], false)).toEqual([['CP_ERR_INVALID_VALUE', 'charts.c.data.window']]);
  });

  it('refuses unknown columns, missing and unused fields, taken names and a frame elsewhere', () => {
    expect(
      check([
        { op: 'cumsum', field: 'nope' },
        { op: 'diff' },
        { op: 'rank', field: 'sales' },
        { op: 'rowNumber', by: ['region', 'x'], order: ['y', { field: 'z', order: 'asc' }] },
        { op: 'diff', field: 'sales', as: 'region' },
        { op: 'pctChange', field: 'sales', frame: 3 },
        { op: 'rowNumber' },
      ]),
    ).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.window[0].field'],
      ['CP_ERR_MISSING_FIELD', 'charts.c.data.window[1].field'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.window[2].field'],
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.window[3].by[1]'],
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.window[3].order[0]'],
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.window[3].order[1].field'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.window[4].as'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.window[5].frame'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.window[6]'],
    ]);
  });

  it('lets a window read the columns of the windows before it', () => {
    expect(
      check([
        { op: 'cumsum', field: 'sales', as: 'run' },
        { op: 'pctChange', field: 'run', by: 'region' },
      ]),
    ).toEqual([]);
  });
});

describe('windows in a query (JS engine)', () => {
  const rows = [
    { day: '2024-01-03', region: 'EU', amount: 10 },
    { day: '2024-01-01', region: 'US', amount: 5 },
    { day: '2024-01-01', region: 'EU', amount: 2 },
    { day: '2024-01-02', region: 'EU', amount: 4 },
    { day: '2024-01-02', region: 'US', amount: 5 },
    { day: '2024-01-03', region: 'US', amount: null },
    { day: '2024-01-01', region: 'EU', amount: 2 },
  ];
  const groupBy = [{ field: 'day', bucket: 'day' as const }, 'region'];
  const aggregate = { total: { op: 'sum' as const, field: 'amount' } };

  it('runs after having and before sort and limit, which may read window columns', () => {
    const got = run(rows, {
      groupBy,
      aggregate,
      having: [{ field: 'total', op: 'gt', value: 0 }],
      window: [
        { op: 'cumsum', field: 'total', by: 'region', as: 'running' },
        { op: 'pctChange', field: 'total', by: 'region', as: 'growth' },
        { op: 'rank', order: [{ field: 'total', order: 'desc' }] },
      ],
      sort: ['rank', 'region'],
      limit: 4,
    });
    expect(got).toEqual([
      { day: '2024-01-03', region: 'EU', total: 10, running: 18, growth: 1.5, rank: 1 },
      { day: '2024-01-01', region: 'US', total: 5, running: 5, growth: null, rank: 2 },
      { day: '2024-01-02', region: 'US', total: 5, running: 10, growth: 0, rank: 2 },
      { day: '2024-01-01', region: 'EU', total: 4, running: 4, growth: null, rank: 4 },
    ]);
  });

  it('fills gaps before the windows: a filled null breaks diff', () => {
    const got = run(
      [
        { day: '2024-01-01', amount: 1 },
        { day: '2024-01-03', amount: 4 },
        { day: '2024-01-04', amount: 6 },
      ],
      {
        groupBy: [{ field: 'day', bucket: 'day' }],
        aggregate,
        fill: 'null',
        window: [
          { op: 'diff', field: 'total' },
          { op: 'movingAvg', field: 'total', frame: 2 },
        ],
      },
    );
    expect(got.map((r) => [r.total_diff, r.total_movingAvg])).toEqual([
      [null, 1],
      [null, 1],
      [null, 4],
      [2, 5],
    ]);
  });

  it('gives the Other row null window columns', () => {
    const got = run(rows, {
      groupBy: ['region', 'day'],
      aggregate,
      window: [{ op: 'rowNumber', by: 'region' }],
      sort: [{ field: 'total', order: 'desc' }],
      limit: 2,
      other: true,
    });
    expect(got.at(-1)).toEqual({ region: 'Other', day: null, total: 13, rowNumber: null });
  });

  it('reports problems with their paths', () => {
    const acc = new QueryAccumulator(
      { from: 'd', groupBy: ['region'], aggregate, window: [{ op: 'cumsum', field: 'amount' }], sort: ['x'] },
      {},
      { dataset: 'd', path: 'charts.c.data' },
    );
    expect(acc.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.sort[0]'],
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.window[0].field'],
    ]);
  });
});

describe('windows of a faceted chart', () => {
  it('are computed per panel', () => {
    const query = facetQuery(
      {
        from: 'd',
        groupBy: ['day'],
        aggregate: { total: { op: 'sum', field: 'amount' } },
        window: [
          { op: 'cumsum', field: 'total', as: 'running' },
          { op: 'rowNumber', by: 'region' },
        ],
      },
      'region',
    );
    expect(query.window?.map((w) => w.by)).toEqual([['region'], 'region']);
    const got = run(
      [
        { day: 1, region: 'EU', amount: 1 },
        { day: 1, region: 'US', amount: 10 },
        { day: 2, region: 'EU', amount: 2 },
        { day: 2, region: 'US', amount: 20 },
      ],
      query,
    );
    expect(got.map((r) => [r.region, r.running])).toEqual([
      ['EU', 1],
      ['US', 10],
      ['EU', 3],
      ['US', 30],
    ]);
  });
});

describe('windows, whatever the order rows are read in', () => {
  const windowArb: fc.Arbitrary<Window> = fc.record({
    op: fc.constantFrom('cumsum', 'pctChange', 'diff', 'rank', 'rowNumber', 'movingAvg' as const),
    field: fc.constantFrom('hi', 'n'),
    by: fc.constantFrom(undefined, 'k0', ['k1'], ['k0', 'k1']),
    order: fc.option(
      fc.array(
        fc.record({
          field: fc.constantFrom('hi', 'n', 'k1'),
          order: fc.constantFrom('asc', 'desc' as const),
        }),
        {
          minLength: 1,
          maxLength: 2,
        },
      ),
      { nil: undefined },
    ),
    frame: fc.integer({ min: 1, max: 4 }),
  });

  it('give every group the same values', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(windowArb, { minLength: 1, maxLength: 3 }), (data, drawn) => {
        const window = drawn.map((w, i): Window => {
          const numbering = w.op === 'rank' || w.op === 'rowNumber';
          return {
            op: w.op,
            as: `w${i}`,
            ...(numbering ? {} : { field: w.field }),
            ...(w.by === undefined ? {} : { by: w.by }),
            ...(w.order === undefined ? {} : { order: w.order }),
            ...(w.op === 'movingAvg' ? { frame: w.frame } : {}),
          };
        });
        // Aggregates whose values do not depend on the order rows come in.
        const query = {
          groupBy: [
            { field: 's', as: 'k0' },
            { field: 'b', as: 'k1' },
          ],
          aggregate: { n: { op: 'count' as const }, hi: { op: 'max' as const, field: 'n' } },
          onInvalid: 'skip' as const,
          window,
        };
        const byKey = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();
        expect(byKey(run(data, query))).toEqual(byKey(run([...data].reverse(), query)));
      }),
      { numRuns: 200 },
    );
  });
});
