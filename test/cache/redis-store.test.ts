import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDefaults, resolveCacheOptions } from '../../src/cache/options.js';
import { createRedisStore, RedisTimeoutError } from '../../src/cache/redis.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { keysUnder, REDIS_URL, redisTestsRun, removeKeys, uniquePrefix } from './redis-helpers.js';
import { svgOf, TestClock } from './store-suite.js';

const run = await redisTestsRun();
const { compression, maxEntryBytes } = resolveCacheOptions();
const prefixes: string[] = [];
const clock = new TestClock();
const fresh = (o: { url?: string; maxSize?: number; commandTimeout?: number } = {}) => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const store = createRedisStore({ ...cacheDefaults.redis, url: REDIS_URL, prefix, ttl: 0, ...o }, clock);
  return { store, prefix };
};

/**
 * The commands clients send (not those a script runs) that name `prefix`, while `fn` runs. A
 * marker sent after `fn` and seen by the monitor says every earlier command was seen too.
 */
async function commandsDuring(prefix: string, fn: () => Promise<unknown>): Promise<string[]> {
  const monitor = await new Redis(REDIS_URL, { maxRetriesPerRequest: 0 }).monitor();
  const other = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  const seen: string[] = [];
  const marker = `${prefix}marker`;
  try {
    const done = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args.includes(marker)) resolve();
        else if (source !== 'lua' && args.some((a) => a.includes(prefix))) seen.push(args[0] ?? '');
      });
    });
    await fn();
    await other.echo(marker);
    await done;
    return seen.map((c) => c.toUpperCase());
  } finally {
    monitor.disconnect();
    other.disconnect();
  }
}

describe.skipIf(!run)('the Redis store', () => {
  afterAll(async () => {
    for (const prefix of prefixes) {
      await removeKeys(prefix);
      expect(await keysUnder(prefix)).toEqual([]);
    }
  });

  it('answers a lookup, hit or miss, with one command, and a miss changes nothing', async () => {
    const { store, prefix } = fresh();
    const cache = new TieredCache([store], compression, maxEntryBytes);
    await cache.put('present', Buffer.from(svgOf(5000)));
    // The first call of a script may cost a second command (NOSCRIPT, then EVAL).
    await store.get('absent');
    const before = store.counters();
    expect(await commandsDuring(prefix, () => store.get('absent'))).toEqual(['EVALSHA']);
    expect(await commandsDuring(prefix, () => cache.get('present'))).toEqual(['EVALSHA']);
    expect(store.counters()).toEqual(before);
    await store.close();
  });

  it('keeps its byte count right without a delete on a miss: the next write settles it', async () => {
    const { store, prefix } = fresh({ maxSize: 3200 });
    const direct = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    try {
      // Stored as they are: 1056 bytes with the header, 1064 in Redis with the expiry time.
      const cache = new TieredCache([store], compression, maxEntryBytes);
      const value = () => Buffer.alloc(1000, 7);
      await cache.put('gone', value());
      // What Redis does when the entry's PX runs out.
      await direct.del(`${prefix}e:gone`);
      expect(await cache.get('gone')).toBeUndefined();
      await cache.put('gone', value());
      expect(store.counters()).toMatchObject({ entries: 1, bytes: 1056, originalBytes: 1000 });

      // An expired entry never asked for again is dropped by the bound, not counted as evicted.
      await direct.del(`${prefix}e:gone`);
      for (const key of ['a', 'b', 'c']) {
        clock.advance(1);
        await cache.put(key, value());
      }
      expect(store.counters()).toMatchObject({ entries: 3, bytes: 3 * 1056, evictions: 0 });
      expect((await cache.get('a'))?.from).toBe('redis');
      expect(await direct.zrange(`${prefix}index`, 0, -1)).not.toContain('gone');
    } finally {
      direct.disconnect();
      await store.close();
    }
  });

  it('tells a timeout by its type, then leaves Redis alone until the pause is over', async () => {
    const proxy = await stallingProxy();
    const { store } = fresh({ url: proxy.url, commandTimeout: 100 });
    try {
      await store.set('k', Buffer.from('entry'));
      proxy.stall(true);
      const timedOut = await store.get('k').catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(RedisTimeoutError);
      expect(timedOut).toMatchObject({ code: 'ETIMEDOUT', ms: 100 });
      // Refused before a command is sent: nothing waits on a slow Redis again.
      proxy.stall(false);
      await expect(store.get('k')).rejects.toThrow('Redis timed out recently; left alone for now');
      clock.advance(cacheDefaults.redis.pauseAfterTimeout);
      expect(Buffer.from((await store.get('k')) ?? []).toString()).toBe('entry');
      await store.clear();
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  it('does not pause for an error Redis answers with', async () => {
    const { store, prefix } = fresh();
    const direct = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    try {
      // Something else holds the entry's key as a hash: Redis says WRONGTYPE.
      await direct.hset(`${prefix}e:k`, 'field', 'value');
      const wrong = await store.get('k').catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(ReplyError);
      expect(wrong).not.toBeInstanceOf(RedisTimeoutError);
      await direct.del(`${prefix}e:k`);
      expect(await store.get('k')).toBeUndefined();
    } finally {
      direct.disconnect();
      await store.close();
    }
  });
});

/** A TCP proxy to the test Redis that, while stalled, holds what it is sent (a Redis too busy to answer). */
async function stallingProxy() {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let stalled = false;
  const held: [Socket, Buffer][] = [];
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (stalled) held.push([to, chunk]);
        else to.write(chunk);
      });
      from.on('error', () => {});
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    stall(on: boolean) {
      stalled = on;
      if (!on) for (const [to, chunk] of held.splice(0)) to.write(chunk);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
