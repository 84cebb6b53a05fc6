import { afterAll, describe, expect, it } from 'vitest';
import { cacheDefaults, resolveCacheOptions } from '../../src/cache/options.js';
import { createRedisStore, type RedisStore } from '../../src/cache/redis.js';
import type { CacheStore } from '../../src/cache/store.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { createCache, createEngine } from '../../src/index.js';
import { cacheReport } from './fixture.js';
import { keysUnder, REDIS_URL, redisTestsRun, removeKeys, uniquePrefix } from './redis-helpers.js';
import { storeSuite } from './store-suite.js';

const run = await redisTestsRun();
const prefixes: string[] = [];
const redisStore = (o: { ttl?: number; maxSize?: number } = {}, clock = resolveCacheOptions().clock) => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return createRedisStore({ ...cacheDefaults.redis, url: REDIS_URL, prefix, ...o }, clock);
};

storeSuite('redis', ({ clock, ttl = 0, maxSize = 10 * 1024 * 1024 }) => redisStore({ ttl, maxSize }, clock), {
  skip: !run,
});

const { compression, maxEntryBytes } = resolveCacheOptions();
const { report } = cacheReport();
const cacheWarnings = (r: { warnings: readonly { code: string; message: string }[] }) =>
  r.warnings.filter((w) => w.code === 'CP_WARN_CACHE_UNAVAILABLE');

describe.skipIf(!run)('Redis under a report', () => {
  const stores: RedisStore[] = [];
  afterAll(async () => {
    for (const store of stores) {
      await store.clear().catch(() => {});
      await store.close();
    }
    for (const prefix of prefixes) expect(await keysUnder(prefix)).toEqual([]);
  });

  it('loses its connection mid-report: the report completes, with one warning', async () => {
    const real = redisStore();
    let first: Promise<void> | undefined;
    // The first chart is stored, then the connection goes: every later call fails.
    const cutting: CacheStore = {
      ...real,
      async set(key, entry) {
        if (!first) {
          first = real.set(key, entry);
          return first;
        }
        await first;
        (await real.client()).disconnect();
        return real.set(key, entry);
      },
    };
    const engine = createEngine({ cache: new TieredCache([cutting], compression, maxEntryBytes) });
    const result = await engine.render(report, { format: 'pdf' });
    expect(result.problems).toEqual([]);
    expect(result.stats.charts).toMatchObject({ total: 5, rendered: 5, failed: 0 });
    expect(cacheWarnings(result)).toHaveLength(1);
    expect(cacheWarnings(result)[0]?.message).toMatch(
      /^the redis cache failed \(.+\); charts were rendered without it$/,
    );
    expect(engine.cacheStats()?.tiers.redis?.errors).toBeGreaterThanOrEqual(3);
    await engine.close();
    const prefix = prefixes.at(-1) ?? '';
    expect(await keysUnder(prefix)).not.toEqual([]);
    await removeKeys(prefix);
  });

  it('reconnects by itself after the server drops it', async () => {
    const store = redisStore();
    stores.push(store);
    const cache = new TieredCache([store], compression, maxEntryBytes);
    const engine = createEngine({ cache });
    expect((await engine.render(report)).stats.charts.rendered).toBe(5);
    const client = await store.client();
    const back = new Promise((resolve) => client.once('ready', resolve));
    await client.call('CLIENT', 'KILL', 'ID', String(await client.client('ID')), 'SKIPME', 'no');
    await back;
    const warm = await engine.render(report);
    expect(warm.stats.charts).toMatchObject({ rendered: 0, cached: 5 });
    expect(warm.stats.cache).toMatchObject({ hits: 4, misses: 0 });
    expect(warm.warnings).toEqual([]);
    await engine.close();
  });
});

describe('an unreachable Redis', () => {
  it('costs one warning per report, not one per chart, and the other tiers go on', async () => {
    const engine = createEngine({
      cache: createCache({ redis: { url: 'redis://127.0.0.1:1', connectTimeout: 500 } }),
    });
    const cold = await engine.render(report, { format: 'html' });
    expect(cold.problems).toEqual([]);
    expect(cold.stats.charts.rendered).toBe(5);
    expect(cacheWarnings(cold)).toHaveLength(1);
    // Served from memory: Redis is not asked, so there is nothing to warn about.
    const warm = await engine.render(report, { format: 'html' });
    expect(warm.stats.charts).toMatchObject({ rendered: 0, cached: 5 });
    expect(warm.warnings).toEqual([]);
    expect(engine.cacheStats()?.tiers.memory?.hits).toBe(4);
    expect(engine.cacheStats()?.tiers.redis?.errors).toBe(8);
    await engine.close();
  });
});
