import { LRUCache } from 'lru-cache';
import { declaredLength } from './codec.js';
import { publishWith } from './events.js';
import type { Clock, ResolvedMemory } from './options.js';
import { type CacheStore, type StoreCounters, storeCounters } from './store.js';

/**
 * The in-process tier: an LRU bounded in bytes (`maxSize`, stored size) with a TTL counted
 * from when an entry was written (0 = none).
 */
export function createMemoryStore(options: ResolvedMemory, clock: Clock): CacheStore {
  let c = storeCounters();
  const lru = new LRUCache<string, Uint8Array>({
    maxSize: options.maxSize,
    sizeCalculation: (v) => Math.max(1, v.byteLength),
    ...(options.ttl > 0 ? { ttl: options.ttl } : {}),
    // The clock is read on every check, so a test clock moves expiry at once.
    perf: clock,
    ttlResolution: 0,
    dispose: (value, key, reason) => {
      c.originalBytes -= declaredLength(value);
      if (reason === 'evict') c.evictions++;
      else if (reason === 'expire') c.expirations++;
      else return;
      publishWith(() => ({ type: reason, tier: 'memory', key, bytes: value.byteLength }));
    },
  });

  return {
    name: 'memory',
    trusted: true,
    async get(key) {
      return lru.get(key);
    },
    async set(key, entry) {
      if (lru.peek(key) === entry) return;
      lru.set(key, entry);
      if (lru.peek(key) === entry) c.originalBytes += declaredLength(entry);
    },
    async delete(key) {
      lru.delete(key);
    },
    async clear() {
      lru.clear();
      c = storeCounters();
    },
    counters(): StoreCounters {
      return { ...c, entries: lru.size, bytes: lru.calculatedSize };
    },
    async close() {
      lru.clear();
    },
  };
}
