import { ChartpressError, problem } from '../errors.js';

/** How an entry's bytes are stored. */
export const Codec = { none: 'none', gzip: 'gzip', brotli: 'brotli' } as const;
export type Codec = keyof typeof Codec;

/** Wall-clock time in milliseconds since the epoch; tests pass one they can move. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

const KiB = 1024;
const MiB = 1024 * KiB;
const MINUTE = 60_000;

export interface CompressionOptions {
  /** `gzip`, `brotli` or `none`. Defaults to `gzip`. */
  readonly codec?: Codec;
  /** gzip level 1–9 (defaults to 6) or brotli quality 0–5 (defaults to 5; 11 takes seconds). */
  readonly level?: number;
  /** Entries smaller than this many bytes are stored as they are. Defaults to 10 KiB. */
  readonly threshold?: number;
  /** A compressed entry is kept only when it is at least this share smaller. Defaults to 0.2. */
  readonly minSaving?: number;
}

export interface MemoryCacheOptions {
  /** Bytes held at most (stored size); least recently used go first. Defaults to 100 MiB. */
  readonly maxSize?: number;
  /** Milliseconds an entry lives after it is written; 0 for no limit. Defaults to 5 minutes. */
  readonly ttl?: number;
}

export interface DiskCacheOptions {
  /** The cache folder; created when missing. The CLI uses `.chartpress-cache/`. */
  readonly dir: string;
  /** Bytes held at most; the least recently used files go first. Defaults to 512 MiB. */
  readonly maxSize?: number;
  /** Milliseconds a file lives after it is written; 0 for no limit. Defaults to 7 days. */
  readonly ttl?: number;
}

export interface RedisCacheOptions {
  /** Redis URL. Defaults to `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Prefix of every key chartpress writes. Defaults to `chartpress:`. */
  readonly prefix?: string;
  /** Bytes held at most under the prefix; the least recently used go first. Defaults to 256 MiB. */
  readonly maxSize?: number;
  /** Milliseconds an entry lives (`PX`); 0 for no limit. Defaults to 24 hours. */
  readonly ttl?: number;
  /** Milliseconds to wait for a connection. Defaults to 1000. */
  readonly connectTimeout?: number;
  /** Milliseconds to wait for one command before going on without Redis. Defaults to 250. */
  readonly commandTimeout?: number;
  /** Milliseconds Redis is left alone after a command timed out. Defaults to 5000. */
  readonly pauseAfterTimeout?: number;
}

/**
 * Where rendered charts are kept: memory, then a folder, then Redis, each optional. A chart is
 * looked up in that order, copied into the tiers before the one it was found in, and written to
 * every tier when it is rendered.
 */
export interface CacheOptions {
  /** The in-process tier. Defaults to on (`true`) with its defaults. */
  readonly memory?: boolean | MemoryCacheOptions;
  /** A folder shared by processes on a machine: its path or options. Defaults to off. */
  readonly disk?: false | string | DiskCacheOptions;
  /** Redis shared by machines: its URL or options. Defaults to off. */
  readonly redis?: false | string | RedisCacheOptions;
  /**
   * With a folder: also keep whole documents rendered from report files, in its `documents/`
   * (at most 128 MiB), so that rerunning a report whose file, params and data files are all
   * unchanged writes the stored document without reading data or drawing. Defaults to true.
   */
  readonly documents?: boolean;
  readonly compression?: CompressionOptions;
  /**
   * Largest entry (uncompressed SVG) stored or served, in bytes: a larger one is not stored, and
   * one read from the folder or Redis that declares more, inflates to more, or whose file or
   * value is larger than this plus the header, is refused as corrupt. Defaults to 64 MiB.
   */
  readonly maxEntryBytes?: number;
  /** Time source for TTLs. Defaults to `Date.now`. */
  readonly clock?: Clock;
}

export const cacheDefaults = Object.freeze({
  memory: Object.freeze({ maxSize: 100 * MiB, ttl: 5 * MINUTE }),
  disk: Object.freeze({ maxSize: 512 * MiB, ttl: 7 * 24 * 60 * MINUTE }),
  redis: Object.freeze({
    url: 'redis://127.0.0.1:6379',
    prefix: 'chartpress:',
    maxSize: 256 * MiB,
    ttl: 24 * 60 * MINUTE,
    connectTimeout: 1000,
    commandTimeout: 250,
    pauseAfterTimeout: 5000,
  }),
  compression: Object.freeze({ codec: 'gzip' as Codec, threshold: 10 * KiB, minSaving: 0.2 }),
  gzipLevel: 6,
  brotliQuality: 5,
  maxEntryBytes: 64 * MiB,
});

export type ResolvedCompression = Readonly<Required<CompressionOptions>>;
export type ResolvedMemory = Readonly<Required<MemoryCacheOptions>>;
export type ResolvedDisk = Readonly<Required<DiskCacheOptions>>;
export type ResolvedRedis = Readonly<Required<RedisCacheOptions>>;

export interface ResolvedCacheOptions {
  readonly memory: ResolvedMemory | undefined;
  readonly disk: ResolvedDisk | undefined;
  readonly redis: ResolvedRedis | undefined;
  readonly compression: ResolvedCompression;
  readonly maxEntryBytes: number;
  readonly clock: Clock;
}

/** Options with every default filled in and every limit checked; frozen. */
export function resolveCacheOptions(o: CacheOptions = {}): ResolvedCacheOptions {
  const memory =
    o.memory === false ? undefined : { ...cacheDefaults.memory, ...(o.memory === true ? {} : o.memory) };
  const disk = !o.disk
    ? undefined
    : { ...cacheDefaults.disk, ...(typeof o.disk === 'string' ? { dir: o.disk } : o.disk) };
  const redis = !o.redis
    ? undefined
    : { ...cacheDefaults.redis, ...(typeof o.redis === 'string' ? { url: o.redis } : o.redis) };
  const codec = o.compression?.codec ?? cacheDefaults.compression.codec;
  const compression = {
    ...cacheDefaults.compression,
    level: codec === 'brotli' ? cacheDefaults.brotliQuality : cacheDefaults.gzipLevel,
    ...o.compression,
  };
  for (const [name, tier] of [
    ['memory', memory],
    ['disk', disk],
    ['redis', redis],
  ] as const) {
    if (!tier) continue;
    positive(`cache.${name}.maxSize`, tier.maxSize);
    atLeast(`cache.${name}.ttl`, tier.ttl, 0);
  }
  if (redis) {
    positive('cache.redis.connectTimeout', redis.connectTimeout);
    positive('cache.redis.commandTimeout', redis.commandTimeout);
    atLeast('cache.redis.pauseAfterTimeout', redis.pauseAfterTimeout, 0);
  }
  const maxLevel = compression.codec === 'brotli' ? 5 : 9;
  if (!Number.isInteger(compression.level) || compression.level < 0 || compression.level > maxLevel)
    invalid('cache.compression.level', `expected an integer 0–${maxLevel} for ${codec}`, compression.level);
  atLeast('cache.compression.threshold', compression.threshold, 0);
  if (!(compression.minSaving >= 0 && compression.minSaving < 1))
    invalid(
      'cache.compression.minSaving',
      'expected a share from 0 up to (not including) 1',
      compression.minSaving,
    );
  const maxEntryBytes = o.maxEntryBytes ?? cacheDefaults.maxEntryBytes;
  positive('cache.maxEntryBytes', maxEntryBytes);
  return Object.freeze({
    memory: memory && Object.freeze(memory),
    disk: disk && Object.freeze(disk),
    redis: redis && Object.freeze(redis),
    compression: Object.freeze(compression),
    maxEntryBytes,
    clock: o.clock ?? systemClock,
  });
}

// Caches refuse to be unbounded: a size must be a finite positive number.
function positive(path: string, n: number): void {
  if (!(Number.isFinite(n) && n > 0)) invalid(path, 'expected a finite number above 0', n);
}

function atLeast(path: string, n: number, min: number): void {
  if (!(Number.isFinite(n) && n >= min)) invalid(path, `expected a finite number of at least ${min}`, n);
}

function invalid(path: string, expected: string, got: unknown): never {
  throw new ChartpressError(
    problem('CP_ERR_INVALID_VALUE', `${path}: ${expected}, got ${JSON.stringify(got) ?? String(got)}`, {
      path,
    }),
  );
}
