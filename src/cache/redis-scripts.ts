/**
 * Lua scripts that keep a prefix within its byte bound. They run atomically in Redis, so several
 * processes and machines can share the prefix. Under the prefix:
 *
 *   e:<key>  the entry (SET ... PX ttl)      sizes   hash: key -> "stored:original"
 *   index    sorted set: key by last use      totals  hash: bytes, original
 *
 * An entry that Redis expired stays counted until it is read (a miss forgets it) or evicted; it
 * is then the oldest, so it goes first.
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
 * KEYS: entry, index, sizes, totals. ARGV: entry prefix, member, value, ttl ms (0: none), now,
 * max bytes, stored size, original size. Returns { evicted, bytes, original, entries }.
 */
export const SET_SCRIPT = `${FORGET}
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
  evicted = evicted + forget(oldest)
  bytes = tonumber(redis.call('HGET', KEYS[4], 'bytes') or '0')
end
local t = totals()
return { evicted, t[1], t[2], t[3] }
`;

/** KEYS: entry, index, sizes, totals. ARGV: entry prefix, member. Returns { bytes, original, entries }. */
export const DELETE_SCRIPT = `${FORGET}
forget(ARGV[2])
return totals()
`;
