import diagnostics from 'node:diagnostics_channel';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeEntry, verifyEntry } from '../../src/cache/codec.js';
import { createDiskStore } from '../../src/cache/disk.js';
import type { CacheEvent } from '../../src/cache/events.js';
import { createCache } from '../../src/cache/index.js';
import { createMemoryStore } from '../../src/cache/memory.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { type CacheStore, storeCounters, type TierName } from '../../src/cache/store.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { ChannelName } from '../../src/telemetry/channels.js';
import type { CacheChannelEvent } from '../../src/telemetry/events.js';
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

/** A shared tier held in a Map: its entries are verified on every read, like a folder or Redis. */
function shared(o: { name?: TierName; failDelete?: boolean } = {}) {
  const entries = new Map<string, Uint8Array>();
  let closed = false;
  const store: CacheStore = {
    name: o.name ?? 'redis',
    get: async (key) => entries.get(key),
    set: async (key, entry) => {
      entries.set(key, entry);
    },
    delete: async (key) => {
      if (o.failDelete) throw new Error('READONLY');
      entries.delete(key);
    },
    clear: async () => entries.clear(),
    counters: storeCounters,
    close: async () => {
      closed = true;
    },
  };
  return { store, entries, closed: () => closed };
}

const memoryStore = () => createMemoryStore({ maxSize: 1024 * 1024, ttl: 0 }, new TestClock());

/** Every event published on `chartpress:cache` while `run` runs. */
async function published(run: () => Promise<unknown>): Promise<CacheChannelEvent[]> {
  const seen: CacheChannelEvent[] = [];
  const listen = (e: unknown) => seen.push(e as CacheChannelEvent);
  diagnostics.subscribe(ChannelName.cache, listen);
  try {
    await run();
  } finally {
    diagnostics.unsubscribe(ChannelName.cache, listen);
  }
  return seen;
}

describe('the tiered cache, over a shared tier', () => {
  it('publishes a miss and a put for a render, then a hit naming the tiers that missed', async () => {
    const redis = shared();
    const seeded = new TieredCache([redis.store], compression, maxEntryBytes);
    const first = await published(() => seeded.fetch('k', () => svg));
    const put = await seeded.get('k');
    expect(first).toEqual([
      { type: 'miss', key: 'k', tiers: ['redis'] },
      {
        type: 'put',
        key: 'k',
        tiers: ['redis'],
        bytes: put?.entry.raw.byteLength,
        originalBytes: svg.byteLength,
        codec: 'gzip',
      },
    ]);
    const cache = new TieredCache([memoryStore(), redis.store], compression, maxEntryBytes);
    const second = await published(() => cache.get('k'));
    expect(second).toEqual([
      { type: 'hit', tier: 'redis', key: 'k', bytes: put?.entry.raw.byteLength, missed: ['memory'] },
    ]);
    const third = await published(() => cache.get('k'));
    expect(third).toEqual([
      { type: 'hit', tier: 'memory', key: 'k', bytes: put?.entry.raw.byteLength, missed: [] },
    ]);
  });

  it('lets a lookup join one under way: a render is reported joined, a tier hit as that tier', async () => {
    const redis = shared();
    await new TieredCache([redis.store], compression, maxEntryBytes).put('k', svg);
    const cache = new TieredCache([memoryStore(), redis.store], compression, maxEntryBytes);
    const events = await published(async () => {
      const both = await Promise.all([cache.fetch('k', () => svg), cache.fetch('k', () => svg)]);
      expect(both.map((f) => f.from)).toEqual(['redis', 'redis']);
      const rendered = await Promise.all([cache.fetch('n', async () => svg), cache.fetch('n', () => svg)]);
      expect(rendered.map((f) => f.from)).toEqual(['render', 'joined']);
    });
    expect(events.filter((e) => e.type === 'joined')).toEqual([
      { type: 'joined', key: 'k' },
      { type: 'joined', key: 'n' },
    ]);
    expect(cache.stats()).toMatchObject({ joined: 2, hits: 3, misses: 1 });
  });

  it('drops an entry stored under another key: counted corrupt, deleted, never copied, rendered again', async () => {
    const memory = memoryStore();
    const redis = shared();
    const cache = new TieredCache([memory, redis.store], compression, maxEntryBytes);
    redis.entries.set('k', encodeEntry(svg, 'other', compression));
    const events: CacheEvent[] = [];
    const fetched = await cache.fetch('k', () => Buffer.from('<svg>new</svg>'), {
      onEvent: (e) => events.push(e),
    });
    expect(fetched.from).toBe('render');
    expect(events).toEqual([
      { type: 'corrupt', tier: 'redis', key: 'k', reason: 'stored under another key' },
    ]);
    expect(cache.stats().tiers.redis).toMatchObject({ corrupt: 1, misses: 1, hits: 0, errors: 0 });
    expect(verifyEntry(redis.entries.get('k')!, 'k', maxEntryBytes).text()).toBe('<svg>new</svg>');
    expect((await cache.get('k'))?.entry.text()).toBe('<svg>new</svg>');
  });

  it('tells of a corrupt entry it could not delete as an error of that tier', async () => {
    const redis = shared({ failDelete: true });
    const cache = new TieredCache([redis.store], compression, maxEntryBytes);
    redis.entries.set('k', Buffer.from('not an entry'));
    const events: CacheEvent[] = [];
    expect(await cache.get('k', { onEvent: (e) => events.push(e) })).toBeUndefined();
    expect(events.map((e) => [e.type, e.tier])).toEqual([
      ['corrupt', 'redis'],
      ['error', 'redis'],
    ]);
    expect(events[1]?.type === 'error' && (events[1].error as Error).message).toBe('READONLY');
    expect(cache.stats().tiers.redis).toMatchObject({ corrupt: 1, errors: 1, misses: 1 });
  });

  it('treats an entry of an earlier format as a miss, neither corrupt nor an error, and replaces it', async () => {
    const redis = shared();
    const cache = new TieredCache([redis.store], compression, maxEntryBytes);
    const v1 = Buffer.from(encodeEntry(svg, 'k', compression));
    v1[2] = 1;
    redis.entries.set('k', v1);
    const events: CacheEvent[] = [];
    expect((await cache.fetch('k', () => svg, { onEvent: (e) => events.push(e) })).from).toBe('render');
    expect(events).toEqual([]);
    expect(cache.stats().tiers.redis).toMatchObject({ corrupt: 0, errors: 0, misses: 1 });
    expect(redis.entries.get('k')?.[2]).toBe(2);
  });

  it('goes on without a failing tier when nobody listens', async () => {
    const cache = new TieredCache([down], compression, maxEntryBytes);
    expect((await cache.fetch('k', () => svg)).from).toBe('render');
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats().tiers.redis).toMatchObject({ errors: 3 });
  });

  it('reads an unverified shared tier by its frame only, when asked to', async () => {
    const redis = shared();
    redis.entries.set('k', encodeEntry(svg, 'other', compression));
    redis.entries.set('bad', Buffer.from('not an entry'));
    const cache = new TieredCache([redis.store], compression, maxEntryBytes, { unverified: true });
    expect((await cache.get('k'))?.entry.text()).toBe(svg.toString());
    expect(await cache.get('bad')).toBeUndefined();
    expect(cache.stats().tiers.redis).toMatchObject({ hits: 1, corrupt: 1 });
    const verified = new TieredCache([shared().store], compression, maxEntryBytes, { unverified: false });
    await verified.put('k', svg);
    expect((await verified.get('k'))?.entry.text()).toBe(svg.toString());
  });

  it('checks the content of a shared entry with the check it was given', async () => {
    const redis = shared();
    redis.entries.set('k', encodeEntry(svg, 'k', compression));
    const check = (text: string) => (text.includes('<path') ? 'paths are not allowed here' : undefined);
    const cache = new TieredCache([redis.store], compression, maxEntryBytes, { check });
    const events: CacheEvent[] = [];
    expect(await cache.get('k', { onEvent: (e) => events.push(e) })).toBeUndefined();
    expect(events).toEqual([
      { type: 'corrupt', tier: 'redis', key: 'k', reason: 'refused content: paths are not allowed here' },
    ]);
  });

  it('serves memory hits by their frame: the memory tier holds only what this process vouched for', async () => {
    const memory = memoryStore();
    await memory.set('k', encodeEntry(svg, 'other', compression));
    const cache = new TieredCache([memory], compression, maxEntryBytes);
    expect((await cache.get('k'))?.entry.text()).toBe(svg.toString());
  });

  it('stores entries up to maxEntryBytes, and serves larger ones without storing them', async () => {
    const redis = shared();
    const cache = new TieredCache([redis.store], compression, svg.byteLength);
    await cache.put('at', svg);
    expect(redis.entries.has('at')).toBe(true);
    const over = Buffer.concat([svg, Buffer.from(' ')]);
    const fetched = await cache.fetch('over', () => over);
    expect(fetched.entry.text()).toBe(over.toString());
    expect(redis.entries.has('over')).toBe(false);
  });

  it('deletes a key from every tier, skipping a tier that fails', async () => {
    const memory = memoryStore();
    const redis = shared();
    const cache = new TieredCache([memory, down, redis.store], compression, maxEntryBytes);
    await cache.put('k', svg);
    await cache.put('j', svg);
    await cache.delete('k');
    expect([await memory.get('k'), redis.entries.get('k')]).toEqual([undefined, undefined]);
    expect(await cache.get('k')).toBeUndefined();
    expect((await cache.get('j'))?.from).toBe('memory');
  });

  it('close() waits for the renders under way, then closes every tier', async () => {
    const redis = shared();
    const cache = new TieredCache([memoryStore(), redis.store], compression, maxEntryBytes);
    let release = () => {};
    const rendering = cache.fetch('k', () => new Promise<Uint8Array>((r) => (release = () => r(svg))));
    let settled = false;
    void rendering.then(() => (settled = true));
    const closing = cache.close();
    await new Promise((r) => setImmediate(r));
    expect(redis.closed()).toBe(false);
    release();
    await closing;
    expect(settled).toBe(true);
    expect(redis.entries.has('k')).toBe(true);
    expect(redis.closed()).toBe(true);
  });
});
