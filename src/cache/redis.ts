import type { Redis } from 'ioredis';
import { CorruptEntryError, declaredLength, HEADER_BYTES } from './codec.js';
import { type Clock, cacheDefaults, type ResolvedRedis } from './options.js';
import { DELETE_SCRIPT, SET_SCRIPT } from './redis-scripts.js';
import { type CacheStore, type StoreCounters, storeCounters } from './store.js';

/** The Redis tier, with its client reachable for tests that cut the connection. */
export interface RedisStore extends CacheStore {
  /** The client, created (not connected) on first use. */
  client(): Promise<Redis>;
}

type Script = (...args: (string | number | Buffer)[]) => Promise<unknown>;

/** Bytes before the entry in a Redis value: when it expires by the writer's clock (float64 ms, 0: never). */
const EXPIRY_BYTES = 8;

/**
 * The shared tier: entries under a key prefix with a TTL (`PX`), kept within `maxSize` bytes by
 * an atomic script (see `redis-scripts.ts`). Never waits long: no offline queue, no retries, a
 * command timeout, and after a timeout Redis is left alone for a while. A failing call rejects
 * at once; the client reconnects by itself in the background.
 *
 * Entries, bytes and original bytes are the totals of the whole prefix as of this process's
 * last write (other processes write too); evictions and expirations are this process's.
 *
 * A value is read only up to the largest entry (`maxEntryBytes` plus the header, within
 * `maxSize`); a longer one is refused as corrupt.
 */
export function createRedisStore(
  options: ResolvedRedis,
  clock: Clock,
  maxEntryBytes: number = cacheDefaults.maxEntryBytes,
): RedisStore {
  const p = options.prefix;
  const largest = EXPIRY_BYTES + Math.min(options.maxSize, HEADER_BYTES + maxEntryBytes);
  const keys = (member: string) => [`${p}e:${member}`, `${p}index`, `${p}sizes`, `${p}totals`];
  let c = storeCounters();
  let connecting: Promise<void> | undefined;
  let pausedUntil = 0;
  let created: Promise<Redis> | undefined;
  let closed = false;
  let scripts: Record<'chartpressSet' | 'chartpressDelete', Script>;

  // ioredis takes ~150 ms to import: only a run that uses Redis pays for it.
  const getClient = () => {
    created ??= import('ioredis').then(({ Redis }) => {
      const r = new Redis(options.url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: options.connectTimeout,
        commandTimeout: options.commandTimeout,
        retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      });
      // Failures surface through the calls they fail; the event would only repeat them.
      r.on('error', () => {});
      // Sent once, then called by SHA.
      r.defineCommand('chartpressSet', { numberOfKeys: 4, lua: SET_SCRIPT });
      r.defineCommand('chartpressDelete', { numberOfKeys: 4, lua: DELETE_SCRIPT });
      scripts = r as unknown as typeof scripts;
      return r;
    });
    return created;
  };

  const ready = async (): Promise<Redis> => {
    const client = await getClient();
    if (closed) throw new Error('the Redis cache is closed');
    if (client.status === 'wait') connecting ??= client.connect().finally(() => (connecting = undefined));
    if (connecting) await connecting;
    if (clock.now() < pausedUntil) throw new Error('Redis timed out recently; left alone for now');
    if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
    return client;
  };
  const run = async <T>(fn: (client: Redis) => Promise<T>): Promise<T> => {
    const client = await ready();
    try {
      return await fn(client);
    } catch (e) {
      if (e instanceof Error && /timed out/i.test(e.message))
        pausedUntil = clock.now() + options.pauseAfterTimeout;
      throw e;
    }
  };
  const totals = (t: unknown) => {
    const [bytes, original, entries] = (t as number[]).map(Number);
    c.bytes = bytes ?? 0;
    c.originalBytes = original ?? 0;
    c.entries = entries ?? 0;
  };
  const forget = async (member: string) =>
    totals(await scripts.chartpressDelete(...keys(member), `${p}e:`, member));

  return {
    name: 'redis',
    client: getClient,
    get: (key) =>
      run(async (client) => {
        const replies = await client
          .pipeline()
          .strlen(`${p}e:${key}`)
          .getrangeBuffer(`${p}e:${key}`, 0, largest - 1)
          .zadd(`${p}index`, 'XX', clock.now(), key)
          .exec();
        const [lengthErr, length] = replies?.[0] ?? [new Error('no reply')];
        const [err, value] = replies?.[1] ?? [new Error('no reply')];
        if (lengthErr || err) throw lengthErr ?? err;
        if (length === 0) {
          await forget(key);
          return undefined;
        }
        if (typeof length !== 'number' || length > largest)
          throw new CorruptEntryError(`${length} bytes, above the largest entry (${largest} bytes)`);
        if (!(value instanceof Buffer) || value.byteLength < EXPIRY_BYTES)
          throw new CorruptEntryError('shorter than its expiry time');
        const expires = value.readDoubleBE(0);
        if (expires > 0 && clock.now() >= expires) {
          c.expirations++;
          await forget(key);
          return undefined;
        }
        return value.subarray(EXPIRY_BYTES);
      }),
    set: (key, entry) =>
      run(async () => {
        const value = Buffer.allocUnsafe(EXPIRY_BYTES + entry.byteLength);
        value.writeDoubleBE(options.ttl > 0 ? clock.now() + options.ttl : 0, 0);
        value.set(entry, EXPIRY_BYTES);
        const [evicted, ...rest] = (await scripts.chartpressSet(
          ...keys(key),
          `${p}e:`,
          key,
          value,
          options.ttl,
          clock.now(),
          options.maxSize,
          entry.byteLength,
          declaredLength(entry),
        )) as number[];
        c.evictions += Number(evicted ?? 0);
        totals(rest);
      }),
    delete: (key) => run(() => forget(key)),
    clear: () =>
      run(async (client) => {
        const pattern = `${p.replace(/[*?[\]\\]/g, '\\$&')}*`;
        let cursor = '0';
        do {
          const [next, found] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          if (found.length) await client.unlink(...found);
          cursor = next;
        } while (cursor !== '0');
        c = storeCounters();
      }),
    counters(): StoreCounters {
      return { ...c };
    },
    async close() {
      closed = true;
      (await created)?.disconnect();
    },
  };
}
