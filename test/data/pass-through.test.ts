import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/frame.js';
import { failure, rng, scan } from './helpers.js';

function randomRows(n: number, seed: number): Row[] {
  const rand = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    i,
    score: rand() < 0.05 ? null : Math.floor(rand() * 50),
    name: `n${Math.floor(rand() * 20)}`,
  }));
}

describe('pass-through queries', () => {
  it('sorted and limited: the best rows, ties in input order, nulls last', async () => {
    const data = randomRows(5000, 8);
    const { rows: got } = await scan(data, {
      sort: [{ field: 'score', order: 'desc' }, 'name'],
      limit: 25,
    });
    const expected = [...data]
      .map((r, pos) => ({ r, pos }))
      .sort((a, b) => {
        const x = a.r.score as number | null;
        const y = b.r.score as number | null;
        if (x !== y) return x === null ? 1 : y === null ? -1 : y - x;
        if (a.r.name !== b.r.name) return (a.r.name as string) < (b.r.name as string) ? -1 : 1;
        return a.pos - b.pos;
      })
      .slice(0, 25)
      .map((e) => e.r);
    expect(got).toEqual(expected);
  });

  it('a limit larger than the rows keeps them all, sorted', async () => {
    const data = randomRows(30, 2);
    const { rows: got } = await scan(data, { sort: ['i'], limit: 1000 });
    expect(got).toEqual(data);
  });

  it('refuse to keep more rows than the limit on groups', async () => {
    const err = await failure(scan(randomRows(50, 1), {}, { maxGroups: 20 }));
    expect(err.problems[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data' });
    expect(err.problems[0]?.message).toContain('more than 20 rows');
    // A limit keeps memory bounded, so the same query with a limit is fine.
    expect((await scan(randomRows(50, 1), { limit: 5 }, { maxGroups: 20 })).rows).toHaveLength(5);
    // Sorted and limited, only the best `limit` rows are ever kept.
    const best = await scan(randomRows(5000, 1), { sort: ['score'], limit: 5 }, { maxGroups: 20 });
    expect(best.rows.map((r) => r.score)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('limits on groups and kept values', () => {
  it('a query with too many groups fails with a hint', async () => {
    const err = await failure(
      scan(randomRows(500, 3), { groupBy: ['i'], aggregate: { n: { op: 'count' } } }, { maxGroups: 100 }),
    );
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data.groupBy' });
    expect(err.problems[0]?.message).toBe(
      'query produced more than 100 groups; add a filter or a coarser bucket',
    );
  });

  it('median, p90 and countDistinct may keep only so many values', async () => {
    const err = await failure(
      scan(
        randomRows(500, 3),
        { groupBy: ['name'], aggregate: { m: { op: 'median', field: 'i' } } },
        { maxValues: 100 },
      ),
    );
    expect(err.problems[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data.aggregate' });
  });
});
