import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export const uniquePrefix = () => `chartpress-test:${process.pid}-${randomBytes(4).toString('hex')}:`;

/**
 * Whether the Redis tests run: when Redis answers, or in CI (where they must, and fail if it
 * does not). Elsewhere an unreachable Redis skips them, loudly.
 */
export async function redisTestsRun(): Promise<boolean> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (e) {
    if (process.env.CI === 'true') return true;
    console.warn(
      `SKIPPED: Redis not reachable at ${REDIS_URL} (${e instanceof Error ? e.message : String(e)}); ` +
        'the Redis cache tests did not run. Start Redis, or run with CI=true to make this a failure.',
    );
    return false;
  } finally {
    client.disconnect();
  }
}

/** Keys under a prefix, to check a test left nothing behind. */
export async function keysUnder(prefix: string): Promise<string[]> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  try {
    return await client.keys(`${prefix}*`);
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under a prefix through a connection of its own. */
export async function removeKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  try {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.unlink(...keys);
  } finally {
    client.disconnect();
  }
}
