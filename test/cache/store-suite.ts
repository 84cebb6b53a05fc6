import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, resolveCacheOptions } from '../../src/cache/options.js';
import type { CacheStore } from '../../src/cache/store.js';
import { TieredCache } from '../../src/cache/tiered.js';

/** A clock that moves only when told to. */
export class TestClock implements Clock {
  #t = Date.now();
  now(): number {
    return this.#t;
  }
  advance(ms: number): void {
    this.#t += ms;
  }
}

export interface StoreSetup {
  readonly clock: Clock;
  /** Defaults to 0 (none). */
  readonly ttl?: number;
  /** Defaults to 10 MiB. */
  readonly maxSize?: number;
}

export type StoreFactory = (setup: StoreSetup) => CacheStore | Promise<CacheStore>;

const { compression, maxEntryBytes } = resolveCacheOptions();
const over = (store: CacheStore) => new TieredCache([store], compression, maxEntryBytes);

/** A chart-like SVG of about `n` bytes: compressible, like the real ones. */
export function svgOf(n: number, seed = 0): string {
  const parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">'];
  for (let i = 0; parts.join('').length < n; i++)
    parts.push(`<path d="M${i + seed} ${(i * 7) % 400}L${i + 1} ${(i * 13) % 400}" stroke="#5470c6"/>`);
  return `${parts.join('')}</svg>`;
}

const bytes = (s: string) => Buffer.from(s, 'utf8');

/**
 * The behaviour every store shares, run against each (memory, disk, Redis) through a tiered
 * cache over that one store: put and get, TTL by the clock, eviction order within the byte
 * bound, corrupt entries, and single-flight.
 */
export function storeSuite(
  name: CacheStore['name'],
  factory: StoreFactory,
  options: { skip?: boolean } = {},
): void {
  describe.skipIf(options.skip ?? false)(`the ${name} store`, () => {
    const opened: CacheStore[] = [];
    const open = async (setup: StoreSetup) => {
      const store = await factory(setup);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) {
        await store.clear();
        await store.close();
      }
    });

    it('gets what was put, compressed when that pays, and nothing for a key never put', async () => {
      const store = await open({ clock: new TestClock() });
      const cache = over(store);
      const svg = svgOf(20_000);
      const put = await cache.put('chart-a', bytes(svg));
      expect(put.codec).toBe('gzip');
      const hit = await cache.get('chart-a');
      expect(hit?.from).toBe(name);
      expect(hit?.entry.text()).toBe(svg);
      expect(hit?.entry.originalLength).toBe(Buffer.byteLength(svg));
      expect(await cache.get('chart-b')).toBeUndefined();
      const small = await cache.put('chart-c', bytes('<svg/>'));
      expect(small.codec).toBe('none');
      expect((await cache.get('chart-c'))?.entry.text()).toBe('<svg/>');
      const stats = cache.stats().tiers[name];
      expect(stats).toMatchObject({ hits: 2, misses: 1, entries: 2, corrupt: 0, errors: 0 });
      expect(stats?.originalBytes).toBe(Buffer.byteLength(svg) + 6);
      expect(stats?.bytes).toBe(put.raw.byteLength + small.raw.byteLength);
      expect(stats?.ratio).toBeLessThan(0.5);
    });

    it('expires an entry once its TTL has passed by the clock', async () => {
      const clock = new TestClock();
      const cache = over(await open({ clock, ttl: 1000 }));
      await cache.put('k', bytes(svgOf(500)));
      clock.advance(999);
      expect((await cache.get('k'))?.from).toBe(name);
      clock.advance(2);
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.get('k')).toBeUndefined();
      expect(cache.stats().tiers[name]).toMatchObject({ expirations: 1, entries: 0, hits: 1, misses: 2 });
    });

    it('evicts the least recently used entries to stay within its byte bound', async () => {
      const clock = new TestClock();
      // Incompressible 1000-byte values are stored as they are: 1056 bytes with the header.
      const cache = over(await open({ clock, maxSize: 3200 }));
      const value = () => randomBytes(1000);
      for (const key of ['a', 'b', 'c']) {
        await cache.put(`key-${key}`, value());
        clock.advance(1);
      }
      expect((await cache.get('key-a'))?.from).toBe(name);
      clock.advance(1);
      await cache.put('key-d', value());
      const present = [];
      for (const key of ['a', 'b', 'c', 'd']) if (await cache.get(`key-${key}`)) present.push(key);
      expect(present).toEqual(['a', 'c', 'd']);
      expect(cache.stats().tiers[name]).toMatchObject({ evictions: 1, entries: 3, bytes: 3 * 1056 });
    });

    it('treats a corrupt, truncated or misplaced entry as a miss, deletes it and counts it', async () => {
      const store = await open({ clock: new TestClock() });
      const cache = over(store);
      const events: string[] = [];
      const onEvent = (e: { type: string }) => events.push(e.type);
      const { raw } = await cache.put('flipped', bytes(svgOf(20_000)));
      const flipped = Buffer.from(raw);
      flipped[flipped.length - 100] = (flipped[flipped.length - 100] ?? 0) ^ 0xff;
      await store.set('flipped', flipped);
      await store.set('truncated', Buffer.from(raw).subarray(0, raw.byteLength - 10));
      await store.set('garbage', bytes('not an entry at all'));
      await store.set('moved', raw);
      // The memory tier holds only what this process verified: it checks the frame, not the hash.
      const damaged = store.trusted ? ['truncated', 'garbage'] : ['flipped', 'truncated', 'garbage', 'moved'];
      for (const key of damaged) {
        expect(await cache.get(key, { onEvent })).toBeUndefined();
        expect(await store.get(key)).toBeUndefined();
      }
      expect(events).toEqual(damaged.map(() => 'corrupt'));
      expect(cache.stats().tiers[name]).toMatchObject({
        corrupt: damaged.length,
        misses: damaged.length,
        hits: 0,
      });
      // The chart is rendered again and stored whole.
      const again = await cache.fetch('truncated', () => bytes('<svg>again</svg>'));
      expect(again.from).toBe('render');
      expect((await cache.get('truncated'))?.entry.text()).toBe('<svg>again</svg>');
    });

    it('renders once for concurrent requests of one missing key, and never stores a failure', async () => {
      const cache = over(await open({ clock: new TestClock() }));
      let renders = 0;
      const render = async () => {
        renders++;
        await new Promise((r) => setTimeout(r, 20));
        return bytes(svgOf(12_000));
      };
      const results = await Promise.all(Array.from({ length: 10 }, () => cache.fetch('same', render)));
      expect(renders).toBe(1);
      expect(results.map((r) => r.from).sort()).toEqual([...Array(9).fill('joined'), 'render']);
      expect(new Set(results.map((r) => r.entry.text())).size).toBe(1);
      expect((await cache.fetch('same', render)).from).toBe(name);
      expect(cache.stats()).toMatchObject({ hits: 10, misses: 1, joined: 9 });

      let failures = 0;
      const fail = async () => {
        failures++;
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('no such series');
      };
      const failed = await Promise.allSettled(Array.from({ length: 5 }, () => cache.fetch('bad', fail)));
      expect(failures).toBe(1);
      expect(failed.every((r) => r.status === 'rejected')).toBe(true);
      expect(await cache.get('bad')).toBeUndefined();
    });
  });
}
