import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiskStore } from '../../src/cache/disk.js';
import type { CacheEvent } from '../../src/cache/events.js';
import { createCache } from '../../src/cache/index.js';
import { createMemoryStore } from '../../src/cache/memory.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { type CacheStore, storeCounters } from '../../src/cache/store.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { tempDir } from '../helpers/tmp.js';
import { svgOf, TestClock } from './store-suite.js';

const tmp = tempDir();
const { compression, maxEntryBytes } = resolveCacheOptions();
const svg = Buffer.from(svgOf(25_000));
let n = 0;

function tiers(clock = new TestClock()) {
  const memory = createMemoryStore({ maxSize: 1024 * 1024, ttl: 0 }, clock);
  const disk = createDiskStore({ dir: join(tmp.dir, `t${n++}`), maxSize: 1024 * 1024, ttl: 0 }, clock);
  return { memory, disk, cache: new TieredCache([memory, disk], compression, maxEntryBytes) };
}

/** A Redis that is down: every call fails. */
const down: CacheStore = {
  name: 'redis',
  get: () => Promise.reject(new Error('connect ECONNREFUSED')),
  set: () => Promise.reject(new Error('connect ECONNREFUSED')),
  delete: () => Promise.reject(new Error('connect ECONNREFUSED')),
  clear: async () => {},
  counters: storeCounters,
  close: async () => {},
};

describe('the tiered cache', () => {
  it('writes a render through to every tier', async () => {
    const { memory, disk, cache } = tiers();
    const fetched = await cache.fetch('k', () => svg);
    expect(fetched.from).toBe('render');
    expect(await memory.get('k')).toEqual(fetched.entry.raw);
    expect(await disk.get('k')).toEqual(fetched.entry.raw);
    await cache.close();
  });

  it('reads through the tiers in order and copies a hit into the tiers before it', async () => {
    const { memory, disk, cache } = tiers();
    await new TieredCache([disk], compression, maxEntryBytes).put('k', svg);
    expect(await memory.get('k')).toBeUndefined();
    expect((await cache.get('k'))?.from).toBe('disk');
    expect((await cache.get('k'))?.from).toBe('memory');
    const stats = cache.stats();
    expect(stats).toMatchObject({ hits: 2, misses: 0 });
    expect(stats.tiers.memory).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    expect(stats.tiers.disk).toMatchObject({ hits: 1, misses: 0, entries: 1 });
    expect(stats.tiers.memory?.originalBytes).toBe(svg.byteLength);
    expect(stats.tiers.memory?.ratio).toBeCloseTo((stats.tiers.memory?.bytes ?? 0) / svg.byteLength);
    await cache.close();
  });

  it('goes on without a failing tier, counting it and telling each call', async () => {
    const memory = createMemoryStore({ maxSize: 1024 * 1024, ttl: 0 }, new TestClock());
    const cache = new TieredCache([memory, down], compression, maxEntryBytes);
    const events: CacheEvent[] = [];
    const first = await cache.fetch('k', () => svg, { onEvent: (e) => events.push(e) });
    expect(first.from).toBe('render');
    expect(events.map((e) => [e.type, e.tier])).toEqual([
      ['error', 'redis'],
      ['error', 'redis'],
    ]);
    expect((await cache.fetch('k', () => svg)).from).toBe('memory');
    expect(cache.stats().tiers.redis).toMatchObject({ errors: 2, hits: 0 });
  });

  it('clear() drops every entry and zeroes the counters', async () => {
    const { cache } = tiers();
    await cache.fetch('a', () => svg);
    await cache.fetch('a', () => svg);
    await cache.clear();
    expect(await cache.get('a')).toBeUndefined();
    const stats = cache.stats();
    expect(stats).toMatchObject({ hits: 0, misses: 1, joined: 0 });
    expect(stats.tiers.memory).toMatchObject({
      hits: 0,
      entries: 0,
      bytes: 0,
      originalBytes: 0,
      evictions: 0,
    });
    expect(stats.tiers.disk).toMatchObject({ hits: 0, entries: 0, bytes: 0 });
    await cache.close();
  });

  it('is memory only by default, and refuses unbounded or costly settings', () => {
    expect(createCache().tiers).toEqual(['memory']);
    expect(createCache({ disk: join(tmp.dir, 'd'), memory: false }).tiers).toEqual(['disk']);
    expect(resolveCacheOptions().memory).toEqual({ maxSize: 100 * 1024 * 1024, ttl: 300_000 });
    for (const bad of [
      { memory: { maxSize: 0 } },
      { memory: { maxSize: Number.POSITIVE_INFINITY } },
      { memory: { ttl: -1 } },
      { disk: { dir: 'x', maxSize: Number.NaN } },
      { compression: { codec: 'brotli' as const, level: 11 } },
      { compression: { minSaving: 1 } },
      { maxEntryBytes: 0 },
    ]) {
      expect(() => createCache(bad)).toThrow(/CP_ERR_INVALID_VALUE cache\./);
    }
  });
});
