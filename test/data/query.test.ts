import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchFromRows, batchRows, type ColumnBatch } from '../../src/data/batch.js';
import { IsoTimeColumn } from '../../src/data/batch-time.js';
import { BatchView } from '../../src/data/batch-view.js';
import { QueryAccumulator } from '../../src/data/query.js';
import { ChartpressError } from '../../src/errors.js';
import { frameToRows, type Row } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { SHAPE_ZONE } from '../../src/time-text.js';
import { exact, planArb, queryArb, rowsArb, toBatches } from './arbitraries.js';
import { run, salesRows } from './helpers.js';

const where = { dataset: 'sales', path: 'charts.revenue.data' };
const rows: Row[] = [
  { date: '2024-01-15T10:20:00Z', region: 'EU', amount: 10, note: 'a' },
  { date: '2024-01-20', region: 'US', amount: 5, note: null },
  { date: '2024-02-01', region: 'EU', amount: 7, note: 'b' },
  { date: '2024-04-02', region: 'EU', amount: null, note: 'c' },
  { date: 'soon', region: 'US', amount: 1, note: 'd' },
  { date: null, region: 'EU', amount: 2, note: 'e' },
];

describe('QueryAccumulator, pass-through', () => {
  it('keeps every column in source order and every passing row', () => {
    const acc = new QueryAccumulator(
      { from: 'sales', filter: [{ field: 'region', op: 'eq', value: 'US' }] },
      {},
      where,
    );
    for (const r of rows) acc.push(r);
    const frame = acc.finish();
    expect(frame.fields).toEqual(['date', 'region', 'amount', 'note']);
    expect(frame.length).toBe(2);
    expect(frame.columns).toEqual({
      date: ['2024-01-20', 'soon'],
      region: ['US', 'US'],
      amount: Float64Array.of(5, 1),
      note: [null, 'd'],
    });
  });

  it('limits to the first rows when not sorted', () => {
    expect(run(rows, { limit: 2 }).map((r) => r.note)).toEqual(['a', null]);
  });

  it('sorts before limiting', () => {
    const got = run(rows, { sort: [{ field: 'amount', order: 'desc' }], limit: 3 });
    expect(got.map((r) => r.amount)).toEqual([10, 7, 5]);
  });

  it('matches a plain-loop reference for filter + sort + limit', () => {
    const data = salesRows(1000, 11);
    const got = run(data, {
      filter: [{ field: 'units', op: 'gte', value: 5 }],
      sort: [
        { field: 'date', order: 'asc' },
        { field: 'units', order: 'desc' },
      ],
      limit: 40,
    });
    const kept = data.filter((r) => (r.units as number) >= 5);
    // Insertion sort keeps ties in input order, like the stable sort under test.
    const sorted: Row[] = [];
    for (const r of kept) {
      let i = sorted.length;
      while (i > 0) {
        const p = sorted[i - 1]!;
        const before =
          (p.date as string) < (r.date as string) ||
          (p.date === r.date && (p.units as number) >= (r.units as number));
        if (before) break;
        i--;
      }
      sorted.splice(i, 0, r);
    }
    expect(got).toEqual(sorted.slice(0, 40));
  });
});

describe('QueryAccumulator, groups', () => {
  it('outputs groupBy columns then aggregates, groups in first-seen order', () => {
    const acc = new QueryAccumulator(
      {
        from: 'sales',
        groupBy: ['region'],
        aggregate: { total: { op: 'sum', field: 'amount' }, n: { op: 'count' } },
      },
      {},
      where,
    );
    for (const r of rows) acc.push(r);
    const frame = acc.finish();
    expect(frame.fields).toEqual(['region', 'total', 'n']);
    expect(frame.columns).toEqual({
      region: ['EU', 'US'],
      total: Float64Array.of(19, 6),
      n: Float64Array.of(4, 2),
    });
  });

  it('buckets dates, renames with `as`, and puts unparseable dates in a null group', () => {
    const got = run(rows, {
      groupBy: [{ field: 'date', bucket: 'month', as: 'month' }],
      aggregate: { total: { op: 'sum', field: 'amount' } },
      sort: ['month'],
    });
    expect(got).toEqual([
      { month: '2024-01-01', total: 15 },
      { month: '2024-02-01', total: 7 },
      { month: '2024-04-01', total: 0 },
      { month: null, total: 3 },
    ]);
  });

  it('groups by several keys', () => {
    const got = run(rows, {
      groupBy: [{ field: 'date', bucket: 'quarter' }, 'region'],
      aggregate: { n: { op: 'count' } },
    });
    expect(got).toEqual([
      { date: '2024-01-01', region: 'EU', n: 2 },
      { date: '2024-01-01', region: 'US', n: 1 },
      { date: '2024-04-01', region: 'EU', n: 1 },
      { date: null, region: 'US', n: 1 },
      { date: null, region: 'EU', n: 1 },
    ]);
  });

  it('groupBy without aggregate gives the distinct keys', () => {
    expect(run(rows, { groupBy: ['region'] })).toEqual([{ region: 'EU' }, { region: 'US' }]);
  });

  it('tells 1 from "1" and keeps a null group', () => {
    const got = run([{ k: 1 }, { k: '1' }, { k: null }, { k: 1 }], {
      groupBy: ['k'],
      aggregate: { n: { op: 'count' } },
    });
    expect(got).toEqual([
      { k: 1, n: 2 },
      { k: '1', n: 1 },
      { k: null, n: 1 },
    ]);
  });

  it('matches a plain-loop reference for filter + week buckets + two keys', () => {
    const data = salesRows(4000, 5);
    const got = run(data, {
      filter: [{ field: 'region', op: 'ne', value: 'APAC' }],
      groupBy: [{ field: 'date', bucket: 'week', as: 'week' }, 'region'],
      aggregate: { units: { op: 'sum', field: 'units' } },
      sort: ['week', 'region'],
    });
    const sums = new Map<string, number>();
    for (const r of data) {
      if (r.region === null || r.region === 'APAC') continue;
      const t = Date.parse(`${r.date as string}T00:00:00Z`);
      const back = (new Date(t).getUTCDay() + 6) % 7;
      const week = new Date(t - back * 86_400_000).toISOString().slice(0, 10);
      const key = `${week}|${r.region as string}`;
      sums.set(key, (sums.get(key) ?? 0) + (r.units as number));
    }
    const expected = [...sums.keys()].sort().map((key) => {
      const [week, region] = key.split('|');
      return { week, region, units: sums.get(key) };
    });
    expect(got).toEqual(expected);
  });
});

describe('QueryAccumulator, problems', () => {
  const problemsOf = (query: Omit<Query, 'from'>, columns: string[] = ['date', 'region', 'amount']) => {
    const acc = new QueryAccumulator({ from: 'sales', ...query }, {}, where);
    return [...acc.problems, ...acc.start(columns)].map((p) => [p.code, p.path, p.message]);
  };

  it('names every unknown column with its path and the columns that exist', () => {
    const got = problemsOf({
      filter: [{ field: 'regoin', op: 'eq', value: 'EU' }],
      groupBy: ['region', { field: 'dat', bucket: 'month' }],
      aggregate: { revenue: { op: 'sum', field: 'revenu' } },
    });
    const cols = 'columns: date, region, amount';
    expect(got).toEqual([
      [
        'CP_ERR_UNKNOWN_COLUMN',
        'charts.revenue.data.filter[0].field',
        `column "regoin" not found in dataset "sales"; ${cols}`,
      ],
      [
        'CP_ERR_UNKNOWN_COLUMN',
        'charts.revenue.data.groupBy[1].field',
        `column "dat" not found in dataset "sales"; ${cols}`,
      ],
      [
        'CP_ERR_UNKNOWN_COLUMN',
        'charts.revenue.data.aggregate.revenue.field',
        `column "revenu" not found in dataset "sales"; ${cols}`,
      ],
    ]);
  });

  it('requires sort to name an output column', () => {
    const grouped = problemsOf({
      groupBy: ['region'],
      aggregate: { n: { op: 'count' } },
      sort: ['amount', { field: 'n', order: 'asc' }],
    });
    expect(grouped).toEqual([
      [
        'CP_ERR_UNKNOWN_COLUMN',
        'charts.revenue.data.sort[0]',
        'sort column "amount" not found in the query output; columns: region, n',
      ],
    ]);
    const passThrough = problemsOf({ sort: [{ field: 'total', order: 'desc' }] });
    expect(passThrough.map((p) => p[1])).toEqual(['charts.revenue.data.sort[0].field']);
  });

  it('refuses two output columns with one name, and sum without a field', () => {
    const got = problemsOf({
      groupBy: [{ field: 'date', bucket: 'month' }, 'date'],
      aggregate: { region: { op: 'count' }, s: { op: 'sum' } },
    });
    expect(got.map((p) => [p[0], p[1]])).toEqual([
      ['CP_ERR_MISSING_FIELD', 'charts.revenue.data.aggregate.s.field'],
      ['CP_ERR_INVALID_VALUE', 'charts.revenue.data.groupBy[1]'],
    ]);
    const clash = problemsOf({ groupBy: [{ field: 'date', as: 'n' }], aggregate: { n: { op: 'count' } } });
    expect(clash.map((p) => [p[0], p[1]])).toEqual([
      ['CP_ERR_INVALID_VALUE', 'charts.revenue.data.aggregate.n'],
    ]);
  });

  it('push throws the problems itself when start was not called', () => {
    const acc = new QueryAccumulator({ from: 'sales', groupBy: ['nope'] }, {}, where);
    expect(() => acc.push(rows[0]!)).toThrow(ChartpressError);
  });
});

describe('QueryAccumulator, column batches', () => {
  /** A query fed one way: its frame and warnings, or the problems it throws. */
  const outcome = (query: Query, feed: (acc: QueryAccumulator) => void) => {
    const acc = new QueryAccumulator(query, { p: 'EU' }, where, { maxGroups: 50 });
    try {
      feed(acc);
      return { frame: exact(acc.finish()), warnings: acc.warnings };
    } catch (e) {
      if (!(e instanceof ChartpressError)) throw e;
      return { problems: e.problems };
    }
  };

  it('gives what the rows of the batches give, pushed one by one', () => {
    fc.assert(
      fc.property(rowsArb, planArb, queryArb, (data, plan, query) => {
        const batches = toBatches(data, plan);
        const byRows = outcome(query, (acc) => {
          for (const b of batches) for (const r of batchRows(b)) acc.push(r);
        });
        const byColumns = outcome(query, (acc) => {
          for (const b of batches) acc.pushBatch(b);
        });
        expect(byColumns).toEqual(byRows);
      }),
      { numRuns: 400 },
    );
  });

  it('reads a batch whose codes are out of range as its rows read it', () => {
    const batch: ColumnBatch = {
      length: 4,
      names: ['region', 'amount'],
      columns: [
        { kind: 'dict', codes: Int32Array.from([0, 1, 7, -1]), dict: ['EU', 'US'] },
        { kind: 'number', values: Float64Array.from([1, 2, 3, 4]) },
      ],
    };
    const query: Query = {
      from: 'sales',
      groupBy: ['region'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
    };
    const acc = new QueryAccumulator(query, {}, where);
    acc.pushBatch(batch);
    expect(frameToRows(acc.finish())).toEqual([
      { region: 'EU', total: 1 },
      { region: 'US', total: 2 },
      { region: null, total: 7 },
    ]);
  });

  it('gives each query its own keys when queries of one batch share a column and its buckets', () => {
    // Times around month ends, which Paris and UTC put in different months, and -0 beside 0.
    const times = Array.from({ length: 300 }, (_, i) => Date.UTC(2024, 0, 31, 23, 30) + i * 3_600_000 * 7);
    const batch: ColumnBatch = {
      length: times.length,
      names: ['when', 'region', 'amount'],
      columns: [
        new IsoTimeColumn(Float64Array.from(times), SHAPE_ZONE),
        { kind: 'dict', codes: Int32Array.from(times, (_, i) => i % 3), dict: [0, -0, 'EU'] },
        { kind: 'number', values: Float64Array.from(times, (_, i) => i) },
      ],
    };
    const month = (timezone: string) => ({ field: 'when', bucket: 'month' as const, timezone });
    const queries: Query[] = [
      { from: 's', groupBy: [month('UTC')], aggregate: { n: { op: 'count' } } },
      { from: 's', groupBy: [month('Europe/Paris')], aggregate: { n: { op: 'count' } } },
      { from: 's', groupBy: [month('UTC'), 'region'], aggregate: { total: { op: 'sum', field: 'amount' } } },
      { from: 's', groupBy: ['region'], aggregate: { total: { op: 'sum', field: 'amount' } } },
      {
        from: 's',
        filter: [{ field: 'amount', op: 'gt', value: 100 }],
        groupBy: [month('UTC')],
        aggregate: { n: { op: 'count' } },
      },
    ];
    const view = new BatchView(batch);
    const columnar = queries.map((q) => new QueryAccumulator(q, {}, where));
    for (const acc of columnar) acc.pushBatch(view);
    const rows = batchRows(batch);
    queries.forEach((q, i) => {
      const byRows = new QueryAccumulator(q, {}, where);
      for (const r of rows) byRows.push(r);
      const got = columnar[i]!.finish();
      expect(frameToRows(got).length).toBeGreaterThan(1);
      expect(exact(got)).toEqual(exact(byRows.finish()));
    });
  });

  it('checks the columns of the first batch with rows, in the order a row has them', () => {
    const acc = new QueryAccumulator({ from: 'sales', groupBy: ['nope'] }, {}, where);
    acc.pushBatch({ length: 0, names: [], columns: [] });
    const batch = batchFromRows([{ b: 1, 2024: 'x', a: 'y' }], ['b', '2024', 'a']);
    expect(() => acc.pushBatch(batch)).toThrow('columns: 2024, b, a');
  });
});
