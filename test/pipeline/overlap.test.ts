import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { PG_URL, postgresReachable } from '../data/sql/helpers.js';

const reachable = await postgresReachable();
const LOCK = 731_205;

describe.skipIf(!reachable)('charts of a dataset', () => {
  it('start rendering as soon as their dataset is read, while the next is still being read', async () => {
    // The second dataset's query waits on a lock this test holds until the first chart is done:
    // were charts drawn only after every dataset was read, the render would never finish.
    const holder = new pg.Client(PG_URL);
    await holder.connect();
    await holder.query('select pg_advisory_lock($1)', [LOCK]);
    let releasedBy: 'first chart' | 'safety timer' | undefined;
    const release = (by: typeof releasedBy) => {
      if (releasedBy) return;
      releasedBy = by;
      void holder.query('select pg_advisory_unlock($1)', [LOCK]);
    };
    const safety = setTimeout(() => release('safety timer'), 30_000);
    const engine = createEngine({ cache: false });
    try {
      const result = await engine.render(
        {
          title: 'Overlap',
          datasets: {
            first: { source: 'inline', rows: [{ k: 'a', v: 1 }] },
            second: {
              source: 'postgres',
              url: PG_URL,
              query: `select k, v from (select pg_advisory_lock(${LOCK})) held, (values ('b', 2)) t(k, v)`,
            },
          },
          charts: {
            one: { type: 'bar', data: { from: 'first' }, encode: { x: 'k', y: 'v' } },
            two: { type: 'bar', data: { from: 'second' }, encode: { x: 'k', y: 'v' } },
          },
          body: [{ chart: 'one' }, { chart: 'two' }],
        },
        {
          format: 'typ',
          onProgress: (e) => {
            if (e.kind === 'done' && e.id === 'one') release('first chart');
          },
        },
      );
      expect(releasedBy).toBe('first chart');
      expect(result.problems).toEqual([]);
      expect(result.stats.charts).toMatchObject({ rendered: 2 });
    } finally {
      clearTimeout(safety);
      release('safety timer');
      await engine.close();
      await holder.end();
    }
  });
});
