import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { CorruptEntryError, declaredLength, HEADER_BYTES } from './codec.js';
import { type Clock, cacheDefaults, type ResolvedRedis } from './options.js';
import { defineScripts, type ScriptedRedis, type Totals } from './redis-scripts.js';
import { type CacheStore, type StoreCounters, storeCounters } from './store.js';

/** Bytes before the entry in a Redis value: when it expires by the writer's clock (float64 ms, 0: never). */
const EXPIRY_BYTES = 8;

/** A Redis command that got no answer within `commandTimeout`: Redis is then left alone a while. */
export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(readonly ms: number) {
    super(`Redis command timed out after ${ms} ms (commandTimeout)`);
  }
}

/**
 * The shared tier: entries under a key prefix with a TTL (`PX`), kept within `maxSize` bytes by
 * atomic scripts (see `redis-scripts.ts`); a lookup, hit or miss, is one command. Never waits
 * long: no offline queue, no retries, a timeout on every command, and after a timeout Redis is
 * left alone for `pauseAfterTimeout`. A failing call rejects at once; the client reconnects by
 * itself in the background.
 *
 * Entries, bytes and original bytes are the totals of the whole prefix as of this process's
 * last write or delete (other processes write too); evictions and expirations are this process's.
 *
 * A value is read only up to the largest entry (`maxEntryBytes` plus the header, within
 * `maxSize`); a longer one is refused as corrupt.
 */
export class RedisStore implements CacheStore {
  readonly name = 'redis';
  readonly #options: ResolvedRedis;
  readonly #clock: Clock;
  /** The longest value read: the largest entry with its header and expiry time. */
  readonly #largest: number;
  #counters = storeCounters();
  /** The client, created (not connected) on first use. */
  #client: Promise<ScriptedRedis> | undefined;
  #connecting: Promise<void> | undefined;
  #pausedUntil = 0;
  #closed = false;

  constructor(options: ResolvedRedis, clock: Clock, maxEntryBytes: number = cacheDefaults.maxEntryBytes) {
    this.#options = options;
    this.#clock = clock;
    this.#largest = EXPIRY_BYTES + Math.min(options.maxSize, HEADER_BYTES + maxEntryBytes);
  }

  // The operations are bound fields, not methods: the store is passed around (and wrapped by
  // spreading it) like any plain-object store.

  /** The client, created (not connected) on first use; for tests that cut the connection. */
  readonly client = (): Promise<Redis> => this.#connection();

  readonly get = (key: string): Promise<Uint8Array | undefined> =>
    this.#run(async (redis) => {
      const [entry, index] = this.#keys(key);
      const [length, value] = await this.#timed(
        redis.chartpressGetBuffer(entry, index, key, this.#clock.now(), this.#largest),
      );
      if (length === 0) return undefined;
      if (length > this.#largest)
        throw new CorruptEntryError(`${length} bytes, above the largest entry (${this.#largest} bytes)`);
      if (!value || value.byteLength < EXPIRY_BYTES)
        throw new CorruptEntryError('shorter than its expiry time');
      const expires = value.readDoubleBE(0);
      if (expires > 0 && this.#clock.now() >= expires) {
        this.#counters.expirations++;
        await this.#forget(redis, key);
        return undefined;
      }
      return value.subarray(EXPIRY_BYTES);
    });

  readonly set = (key: string, entry: Uint8Array): Promise<void> =>
    this.#run(async (redis) => {
      const { ttl, maxSize } = this.#options;
      const now = this.#clock.now();
      const value = Buffer.allocUnsafe(EXPIRY_BYTES + entry.byteLength);
      value.writeDoubleBE(ttl > 0 ? now + ttl : 0, 0);
      value.set(entry, EXPIRY_BYTES);
      const [evicted, ...totals] = await this.#timed(
        redis.chartpressSet(
          ...this.#keys(key),
          this.#entryPrefix,
          key,
          value,
          ttl,
          now,
          maxSize,
          entry.byteLength,
          declaredLength(entry),
        ),
      );
      this.#counters.evictions += evicted;
      this.#totals(totals);
    });

  readonly delete = (key: string): Promise<void> => this.#run((redis) => this.#forget(redis, key));

  readonly clear = (): Promise<void> =>
    this.#run(async (redis) => {
      const pattern = `${this.#options.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
      let cursor = '0';
      do {
        const [next, found] = await this.#timed(redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500));
        if (found.length) await this.#timed(redis.unlink(...found));
        cursor = next;
      } while (cursor !== '0');
      this.#counters = storeCounters();
    });

  readonly counters = (): StoreCounters => ({ ...this.#counters });

  readonly close = async (): Promise<void> => {
    this.#closed = true;
    (await this.#client)?.disconnect();
  };

  get #entryPrefix(): string {
    return `${this.#options.prefix}e:`;
  }

  /** The keys the scripts work on: entry, index, sizes, totals. */
  #keys(member: string): [string, string, string, string] {
    const p = this.#options.prefix;
    return [`${p}e:${member}`, `${p}index`, `${p}sizes`, `${p}totals`];
  }

  async #forget(redis: ScriptedRedis, member: string): Promise<void> {
    this.#totals(await this.#timed(redis.chartpressDelete(...this.#keys(member), this.#entryPrefix, member)));
  }

  #totals([bytes, original, entries]: Totals): void {
    this.#counters.bytes = bytes;
    this.#counters.originalBytes = original;
    this.#counters.entries = entries;
  }

  // ioredis takes ~150 ms to import: only a run that uses Redis pays for it.
  #connection(): Promise<ScriptedRedis> {
    const o = this.#options;
    this.#client ??= Promise.resolve().then(() => {
      const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
      const redis = new Redis(o.url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: o.connectTimeout,
        // Our commands are timed by `#timed`; this bounds only what ioredis sends itself (the
        // ready check), so that a server that accepts and never answers is dropped.
        commandTimeout: 2 * o.commandTimeout,
        retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      });
      // Failures surface through the calls they fail; the event would only repeat them.
      redis.on('error', () => {});
      return defineScripts(redis);
    });
    return this.#client;
  }

  /** The client once connected, or a rejection at once when Redis is not to be asked. */
  async #ready(): Promise<ScriptedRedis> {
    const redis = await this.#connection();
    if (this.#closed) throw new Error('the Redis cache is closed');
    if (redis.status === 'wait')
      this.#connecting ??= redis.connect().finally(() => {
        this.#connecting = undefined;
      });
    if (this.#connecting) await this.#connecting;
    if (this.#clock.now() < this.#pausedUntil)
      throw new Error('Redis timed out recently; left alone for now');
    if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
    return redis;
  }

  async #run<T>(operation: (redis: ScriptedRedis) => Promise<T>): Promise<T> {
    const redis = await this.#ready();
    try {
      return await operation(redis);
    } catch (e) {
      if (e instanceof RedisTimeoutError)
        this.#pausedUntil = this.#clock.now() + this.#options.pauseAfterTimeout;
      throw e;
    }
  }

  /** A command's reply, or a `RedisTimeoutError` once `commandTimeout` has passed without one. */
  #timed<T>(reply: Promise<T>): Promise<T> {
    const ms = this.#options.commandTimeout;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
    });
    return Promise.race([reply, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The Redis tier the options describe; nothing is imported or connected until the first call. */
export function createRedisStore(
  options: ResolvedRedis,
  clock: Clock,
  maxEntryBytes: number = cacheDefaults.maxEntryBytes,
): RedisStore {
  return new RedisStore(options, clock, maxEntryBytes);
}
