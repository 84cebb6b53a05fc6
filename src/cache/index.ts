import { svgProblem } from '../chart/sanitize.js';
import { createDiskStore } from './disk.js';
import { createMemoryStore } from './memory.js';
import { type CacheOptions, resolveCacheOptions } from './options.js';
import { createRedisStore } from './redis.js';
import type { CacheStore } from './store.js';
import { TieredCache } from './tiered.js';

/**
 * Creates the chart cache the options describe: memory (on by default), then a folder, then
 * Redis. Nothing connects or touches the disk until the first lookup. Entries read from the
 * folder or Redis are verified, and must be clean SVG (`svgProblem`), before they are served.
 */
export function createCache(options: CacheOptions = {}): TieredCache {
  const o = resolveCacheOptions(options);
  const stores: CacheStore[] = [];
  if (o.memory) stores.push(createMemoryStore(o.memory, o.clock));
  if (o.disk) stores.push(createDiskStore(o.disk, o.clock, o.maxEntryBytes));
  if (o.redis) stores.push(createRedisStore(o.redis, o.clock, o.maxEntryBytes));
  // Entries hold chart SVG: one read from the folder or Redis must also be clean SVG.
  return new TieredCache(stores, o.compression, o.maxEntryBytes, { check: svgProblem });
}
