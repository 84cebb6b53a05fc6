import { tracingChannel } from 'node:diagnostics_channel';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

describe('chartpress:data for a SQL dataset', () => {
  it('traces the pushed-down queries with the rows the database returned', async () => {
    const path = join(tmp.dir, 'shop.db');
    const db = new Database(path);
    db.exec(
      "create table sales (region text, amount real); insert into sales values ('EU', 1), ('US', 2), ('EU', 3)",
    );
    db.close();
    const seen: { dataset: string; queries: number; rows: number; ms?: number }[] = [];
    const none = () => {};
    const handlers = {
      start: none,
      end: none,
      asyncStart: none,
      error: none,
      asyncEnd: (ctx: unknown) => {
        seen.push({ ...(ctx as { dataset: string; queries: number; rows: number; ms?: number }) });
      },
    };
    const channel = tracingChannel('chartpress:data');
    channel.subscribe(handlers);
    const engine = createEngine({ cache: false });
    try {
      await engine.render(
        {
          title: 'T',
          datasets: { shop: { source: 'sqlite', path: 'shop.db', table: 'sales' } },
          charts: {
            c: {
              type: 'bar',
              data: { from: 'shop', groupBy: ['region'], aggregate: { n: { op: 'sum', field: 'amount' } } },
              encode: { x: 'region', y: 'n' },
            },
          },
          body: [{ chart: 'c' }],
        },
        { format: 'typ', baseDir: tmp.dir },
      );
    } finally {
      channel.unsubscribe(handlers);
      await engine.close();
    }
    const shop = seen.filter((e) => e.dataset === 'shop');
    expect(shop).toHaveLength(1);
    expect(shop[0]).toMatchObject({ queries: 1, rows: 2 });
    expect(shop[0]?.ms).toBeGreaterThan(0);
  });
});
