import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/frame.js';
import { failure, scan } from './helpers.js';

const rows: Row[] = [
  { day: '2024-01-03', region: 'EU', amount: 5 },
  { day: '2024-01-01', region: 'EU', amount: 1 },
  { day: '2024-01-04', region: 'US', amount: 2 },
  { day: 'unknown', region: 'US', amount: 9 },
];

describe('fill', () => {
  it('inserts the missing buckets between the first and last, per other key, then sorts', async () => {
    const { rows: got } = await scan(rows, {
      groupBy: [{ field: 'day', bucket: 'day' }, 'region'],
      aggregate: { total: { op: 'sum', field: 'amount' }, n: { op: 'count' } },
      fill: 'zero',
      sort: ['region', 'day'],
    });
    expect(got).toEqual([
      { day: '2024-01-01', region: 'EU', total: 1, n: 1 },
      { day: '2024-01-02', region: 'EU', total: 0, n: 0 },
      { day: '2024-01-03', region: 'EU', total: 5, n: 1 },
      { day: '2024-01-04', region: 'EU', total: 0, n: 0 },
      { day: '2024-01-01', region: 'US', total: 0, n: 0 },
      { day: '2024-01-02', region: 'US', total: 0, n: 0 },
      { day: '2024-01-03', region: 'US', total: 0, n: 0 },
      { day: '2024-01-04', region: 'US', total: 2, n: 1 },
      // Rows outside any bucket are kept as they are.
      { day: null, region: 'US', total: 9, n: 1 },
    ]);
  });

  it('fills with null, and runs in time order without a sort of its own', async () => {
    const { rows: got } = await scan(rows.slice(0, 3), {
      groupBy: [{ field: 'day', bucket: 'day' }],
      aggregate: { total: { op: 'sum', field: 'amount' } },
      fill: 'null',
    });
    expect(got).toEqual([
      { day: '2024-01-01', total: 1 },
      { day: '2024-01-02', total: null },
      { day: '2024-01-03', total: 5 },
      { day: '2024-01-04', total: 2 },
    ]);
  });

  it('fills months and zoned hours across a change of offset', async () => {
    const months = await scan([{ t: '2023-11-20' }, { t: '2024-02-02' }], {
      groupBy: [{ field: 't', bucket: 'month' }],
      aggregate: { n: { op: 'count' } },
      fill: 'zero',
    });
    expect(months.rows.map((r) => [r.t, r.n])).toEqual([
      ['2023-11-01', 1],
      ['2023-12-01', 0],
      ['2024-01-01', 0],
      ['2024-02-01', 1],
    ]);
    const hours = await scan([{ t: '2024-10-27T00:10:00Z' }, { t: '2024-10-27T02:10:00Z' }], {
      groupBy: [{ field: 't', bucket: 'hour', timezone: 'Europe/Paris' }],
      aggregate: { n: { op: 'count' } },
      fill: 'zero',
    });
    expect(hours.rows).toEqual([
      { t: '2024-10-27T02:00:00+02:00', n: 1 },
      { t: '2024-10-27T02:00:00+01:00', n: 0 },
      { t: '2024-10-27T03:00:00+01:00', n: 1 },
    ]);
  });

  it('needs a time bucket, and stays within the group limit', async () => {
    const none = await failure(
      scan(rows, { groupBy: ['region'], aggregate: { n: { op: 'count' } }, fill: 'zero' }),
    );
    expect(none.problems.map((p) => p.path)).toEqual(['charts.c.data.fill']);
    const wide = await failure(
      scan(
        [{ t: '1900-01-01' }, { t: '2024-01-01' }],
        { groupBy: [{ field: 't', bucket: 'hour' }], fill: 'zero' },
        { maxGroups: 1000 },
      ),
    );
    expect(wide.problems[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data.fill' });
  });
});
