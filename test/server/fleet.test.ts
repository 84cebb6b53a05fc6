import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REDIS_URL, redisTestsRun } from '../cache/redis-helpers.js';
import { tempDir } from '../helpers/tmp.js';
import { barChart, startServer } from './helpers.js';

const run = await redisTestsRun();
const tmp = tempDir();

describe.skipIf(!run)('chartpress serve: two servers, one Redis', () => {
  it('a chart drawn by one is a cache hit, and a 304 by its ETag, on the other', async () => {
    const a = await startServer({ root: tmp.dir, cacheDir: false, redis: REDIS_URL });
    const b = await startServer({ root: tmp.dir, cacheDir: false, redis: REDIS_URL });
    // Values no earlier run drew: the first server renders it.
    const chart = barChart([randomInt(1, 1e9), randomInt(1, 1e9), randomInt(1, 1e9)]);
    const first = await a.call('/v1/chart', { json: { chart } });
    expect(first.status).toBe(200);
    expect(a.server.engine.cacheStats()?.misses).toBe(1);
    const etag = first.headers.get('etag') ?? '';

    const second = await b.call('/v1/chart', { json: { chart } });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).toBe(etag);
    expect(await second.text()).toBe(await first.text());
    const stats = b.server.engine.cacheStats();
    expect(stats?.misses).toBe(0);
    expect(stats?.tiers.redis?.hits).toBe(1);

    const c = encodeURIComponent(JSON.stringify(chart));
    const revalidated = await b.call(`/v1/chart?c=${c}`, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect((await b.call('/readyz')).status).toBe(200);
    expect(await (await b.call('/readyz')).json()).toMatchObject({ redis: 'ok' });
  });

  it('is not ready while its Redis is unreachable', async () => {
    const down = await startServer({ root: tmp.dir, cacheDir: false, redis: 'redis://127.0.0.1:1' });
    const res = await down.call('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ready: false, redis: 'down' });
  });
});
