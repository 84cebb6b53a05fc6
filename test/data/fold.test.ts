import { describe, expect, it } from 'vitest';
import { encodeFold, foldFrame } from '../../src/data/fold.js';
import { QueryAccumulator } from '../../src/data/query.js';
import type { ChartpressError } from '../../src/errors.js';
import { frameFromRows, frameToRows } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { run } from './helpers.js';

const where = { dataset: 'sales', path: 'charts.c.data' };
const rows = [
  { region: 'EU', amount: 10, units: 1 },
  { region: 'US', amount: 5, units: 2 },
  { region: 'EU', amount: 2, units: null },
];

describe('fold', () => {
  it('turns columns into rows: one per row and column, the others kept, key and value last', () => {
    const got = run(rows, {
      groupBy: ['region'],
      aggregate: { total: { op: 'sum', field: 'amount' }, n: { op: 'count' } },
      sort: ['region'],
      fold: ['total', 'n'],
    });
    expect(got).toEqual([
      { region: 'EU', key: 'total', value: 12 },
      { region: 'EU', key: 'n', value: 2 },
      { region: 'US', key: 'total', value: 5 },
      { region: 'US', key: 'n', value: 1 },
    ]);
  });

  it('runs after sort and limit, names its columns with as, and folds rows passed through', () => {
    const got = run(rows, {
      sort: [{ field: 'amount', order: 'desc' }],
      limit: 2,
      fold: { fields: ['amount', 'units'], as: ['measure', 'x'] },
    });
    expect(got).toEqual([
      { region: 'EU', measure: 'amount', x: 10 },
      { region: 'EU', measure: 'units', x: 1 },
      { region: 'US', measure: 'amount', x: 5 },
      { region: 'US', measure: 'units', x: 2 },
    ]);
  });

  it('folds window columns', () => {
    const got = run(rows, {
      groupBy: ['region'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
      window: [{ op: 'cumsum', field: 'total', as: 'running' }],
      fold: ['total', 'running'],
    });
    expect(got.map((r) => r.value)).toEqual([12, 12, 5, 17]);
  });

  it('refuses unknown columns, a column twice, taken names and pivot', () => {
    const problems = (query: Omit<Query, 'from'>) =>
      new QueryAccumulator({ from: 'sales', ...query }, {}, where).problems.map((p) => [p.code, p.path]);
    const grouped = { groupBy: ['region'], aggregate: { n: { op: 'count' as const } } };
    expect(problems({ ...grouped, fold: ['n', 'x', 'n'] })).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.fold[1]'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.fold[2]'],
    ]);
    expect(problems({ ...grouped, fold: { fields: ['n'], as: ['region', 'v'] } })).toEqual([
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.fold.as[0]'],
    ]);
    expect(
      problems({
        groupBy: ['region', 'units'],
        aggregate: grouped.aggregate,
        pivot: { on: 'units', value: 'n' },
        fold: ['n'],
      }),
    ).toEqual([['CP_ERR_INVALID_VALUE', 'charts.c.data.fold']]);
  });

  it('refuses a column a passed-through dataset lacks, when the columns are known', () => {
    const acc = new QueryAccumulator({ from: 'sales', fold: ['amount', 'price'] }, {}, where);
    expect(acc.start(['region', 'amount']).map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.fold[1]'],
    ]);
  });

  it("reports a chart's encode.y fold at encode.y", () => {
    const query: Query = { from: 'sales', fold: encodeFold(['amount', 'price'], ['series', 'value']) };
    try {
      foldFrame(frameFromRows(rows), query, where);
      expect.unreachable();
    } catch (e) {
      expect((e as ChartpressError).problems.map((p) => [p.code, p.path])).toEqual([
        ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.encode.y[1]'],
      ]);
    }
  });

  it('folds an empty frame into an empty frame with the new columns', () => {
    const frame = foldFrame(frameFromRows([], ['region', 'amount']), { from: 's', fold: ['amount'] }, where);
    expect(frame.fields).toEqual(['region', 'key', 'value']);
    expect(frameToRows(frame)).toEqual([]);
  });
});
