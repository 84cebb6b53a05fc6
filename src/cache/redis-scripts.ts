import type { Redis } from 'ioredis';

/**
 * Lua scripts that keep a prefix within its byte bound. They run atomically in Redis, so several
 * processes and machines can share the prefix. Under the prefix:
 *
 *   e:<key>  the entry (SET ... PX ttl)      sizes   hash: key -> "stored:original"
 *   index    sorted set: key by last use      totals  hash: bytes, original
 *
 * An entry that Redis expired stays counted until it is written again (the write forgets what
 * it replaces), deleted, or reached by eviction: a miss costs one command and changes nothing.
 * A missing entry is not touched by a read, so it ages in the index and is evicted early.
 */

/** Subtracts a forgotten member from the totals and drops it from the index. */
const FORGET = `
local function forget(m)
  local info = redis.call('HGET', KEYS[3], m)
  if info then
    local s, o = string.match(info, '(%d+):(%d+)')
    redis.call('HINCRBY', KEYS[4], 'bytes', -tonumber(s))
    redis.call('HINCRBY', KEYS[4], 'original', -tonumber(o))
    redis.call('HDEL', KEYS[3], m)
  end
  redis.call('ZREM', KEYS[2], m)
  return redis.call('DEL', ARGV[1] .. m)
end
local function totals()
  return {
    tonumber(redis.call('HGET', KEYS[4], 'bytes') or '0'),
    tonumber(redis.call('HGET', KEYS[4], 'original') or '0'),
    redis.call('ZCARD', KEYS[2]),
  }
end
`;

/**
 * KEYS: entry, index. ARGV: member, now, largest. The value's length and, unless it is 0
 * (missing) or above `largest`, the value. A present entry is marked used now.
 */
const GET_SCRIPT = `
local length = redis.call('STRLEN', KEYS[1])
if length == 0 then return { 0 } end
redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
local largest = tonumber(ARGV[3])
if length > largest then return { length } end
return { length, redis.call('GETRANGE', KEYS[1], 0, largest - 1) }
`;

/**
 * KEYS: entry, index, sizes, totals. ARGV: entry prefix, member, value, ttl ms (0: none), now,
 * max bytes, stored size, original size. Returns { evicted, bytes, original, entries }. Forgetting
 * the member first also settles the count of an earlier value that Redis expired.
 */
const SET_SCRIPT = `${FORGET}
forget(ARGV[2])
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[7] .. ':' .. ARGV[8])
redis.call('HINCRBY', KEYS[4], 'original', ARGV[8])
local bytes = redis.call('HINCRBY', KEYS[4], 'bytes', ARGV[7])
local evicted = 0
while bytes > tonumber(ARGV[6]) do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not oldest then break end
  -- An entry Redis already expired frees its bytes but is not counted as evicted.
  evicted = evicted + forget(oldest)
  bytes = tonumber(redis.call('HGET', KEYS[4], 'bytes') or '0')
end
local t = totals()
return { evicted, t[1], t[2], t[3] }
`;

/** KEYS: entry, index, sizes, totals. ARGV: entry prefix, member. Returns { bytes, original, entries }. */
const DELETE_SCRIPT = `${FORGET}
forget(ARGV[2])
return totals()
`;

/** Totals of a prefix: stored bytes, original bytes, entries. */
export type Totals = [bytes: number, original: number, entries: number];

/** The scripts as commands of the client, sent once and then called by SHA. */
export interface CacheScripts {
  /** `[0]` when missing, `[length]` when above `largest`, else `[length, value]`. */
  chartpressGetBuffer(
    entry: string,
    index: string,
    member: string,
    now: number,
    largest: number,
  ): Promise<[length: number, value?: Buffer]>;
  chartpressSet(
    entry: string,
    index: string,
    sizes: string,
    totals: string,
    entryPrefix: string,
    member: string,
    value: Buffer,
    ttl: number,
    now: number,
    maxSize: number,
    stored: number,
    original: number,
  ): Promise<[evicted: number, ...totals: Totals]>;
  chartpressDelete(
    entry: string,
    index: string,
    sizes: string,
    totals: string,
    entryPrefix: string,
    member: string,
  ): Promise<Totals>;
}

/** A client that has the cache's scripts as commands. */
export type ScriptedRedis = Redis & CacheScripts;

/** Defines the cache's scripts on `client` (ioredis also adds a `…Buffer` form of each). */
export function defineScripts(client: Redis): ScriptedRedis {
  client.defineCommand('chartpressGet', { numberOfKeys: 2, lua: GET_SCRIPT });
  client.defineCommand('chartpressSet', { numberOfKeys: 4, lua: SET_SCRIPT });
  client.defineCommand('chartpressDelete', { numberOfKeys: 4, lua: DELETE_SCRIPT });
  // defineCommand adds the methods at run time; `CacheScripts` states their signatures.
  return client as ScriptedRedis;
}
