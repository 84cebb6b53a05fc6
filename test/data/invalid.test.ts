import { describe, expect, it } from 'vitest';
import { runQueries } from '../../src/data/scan.js';
import type { Warning } from '../../src/errors.js';
import { formatWarning } from '../../src/errors.js';
import type { Row } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { countingSource, failure, salesRows, scan } from './helpers.js';

const rows: Row[] = [
  { region: 'EU', amount: 10, end: '2024-03-01' },
  { region: 'EU', amount: null, end: null },
  { region: 'US', amount: 'n/a', end: '2024-02-01' },
  { region: 'US', amount: 4, end: true },
  { region: 'US', amount: '7', end: '2024-01-01' },
];

describe('invalid values in numeric aggregates', () => {
  it('are skipped and counted, one warning per column with the aggregate path', async () => {
    const { rows: got, warnings } = await scan(rows, {
      groupBy: ['region'],
      aggregate: {
        total: { op: 'sum', field: 'amount' },
        mean: { op: 'avg', field: 'amount' },
        last: { op: 'max', field: 'end' },
        n: { op: 'count' },
      },
    });
    expect(got).toEqual([
      { region: 'EU', total: 10, mean: 10, last: '2024-03-01', n: 2 },
      { region: 'US', total: 4, mean: 4, last: '2024-02-01', n: 3 },
    ]);
    expect(warnings).toEqual([
      {
        code: 'CP_WARN_INVALID_VALUES',
        message: '3 values in column "amount" were null or not numbers and were skipped',
        file: 'report.yaml',
        path: 'charts.c.data.aggregate.total',
      },
      {
        code: 'CP_WARN_INVALID_VALUES',
        message: '2 values in column "end" were null or booleans and were skipped',
        file: 'report.yaml',
        path: 'charts.c.data.aggregate.last',
      },
    ]);
    expect(formatWarning(warnings[0]!)).toBe(
      'warning: CP_WARN_INVALID_VALUES report.yaml: charts.c.data.aggregate.total: 3 values in column "amount" were null or not numbers and were skipped',
    );
  });

  it('count only rows that pass the filter, and match a plain-loop count', async () => {
    const data = salesRows(3000, 9);
    const { warnings } = await scan(data, {
      filter: [{ field: 'region', op: 'eq', value: 'EU' }],
      aggregate: { total: { op: 'sum', field: 'amount' }, p: { op: 'p90', field: 'amount' } },
    });
    const bad = data.filter((r) => r.region === 'EU' && typeof r.amount !== 'number').length;
    expect(bad).toBeGreaterThan(20);
    expect(warnings.map((w) => w.message)).toEqual([
      `${bad} values in column "amount" were null or not numbers and were skipped`,
    ]);
  });

  it('say nothing when every value is a number, and use the singular for one', async () => {
    expect(
      (await scan(rows.slice(0, 1), { aggregate: { t: { op: 'sum', field: 'amount' } } })).warnings,
    ).toEqual([]);
    const one = await scan(rows.slice(0, 2), { aggregate: { t: { op: 'median', field: 'amount' } } });
    expect(one.warnings[0]?.message).toBe(
      '1 value in column "amount" was null or not a number and was skipped',
    );
  });

  it('fail the query with onInvalid: error, naming the column, the count and the first value', async () => {
    const err = await failure(
      scan(rows, {
        groupBy: ['region'],
        aggregate: { total: { op: 'sum', field: 'amount' } },
        onInvalid: 'error',
      }),
    );
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({
      code: 'CP_ERR_INVALID_VALUE',
      path: 'charts.c.data.aggregate.total',
      message: '3 values in column "amount" were null or not numbers (the first: null)',
    });
  });

  it('are reported only once the scan succeeded for every query', async () => {
    const queries = new Map<string, Query>([
      ['ok', { from: 'd', aggregate: { t: { op: 'sum', field: 'amount' } } }],
      ['bad', { from: 'd', aggregate: { t: { op: 'sum', field: 'amount' } }, onInvalid: 'error' }],
    ]);
    const warnings: Warning[] = [];
    const err = await failure(
      runQueries(countingSource(rows), queries, {}, { dataset: 'd', warn: (w) => warnings.push(w) }),
    );
    expect(err.problems.map((p) => p.path)).toEqual(['bad.aggregate.t']);
    expect(warnings).toEqual([]);
  });
});
