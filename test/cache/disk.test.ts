import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiskStore } from '../../src/cache/disk.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { tempDir } from '../helpers/tmp.js';
import { storeSuite, svgOf, TestClock } from './store-suite.js';

const tmp = tempDir();
let n = 0;

storeSuite('disk', ({ clock, ttl = 0, maxSize = 10 * 1024 * 1024 }) =>
  createDiskStore({ dir: join(tmp.dir, `suite-${n++}`), maxSize, ttl }, clock),
);

const { compression, maxEntryBytes } = resolveCacheOptions();

describe('the disk store shared by two processes', () => {
  it('serves what the other wrote, and counts the files already there when it opens', async () => {
    const dir = join(tmp.dir, 'shared');
    const clock = new TestClock();
    const options = { dir, maxSize: 1024 * 1024, ttl: 0 };
    const one = new TieredCache([createDiskStore(options, clock)], compression, maxEntryBytes);
    const two = new TieredCache([createDiskStore(options, clock)], compression, maxEntryBytes);
    const svg = svgOf(15_000);
    await one.put('from-one', Buffer.from(svg));
    expect((await two.get('from-one'))?.entry.text()).toBe(svg);
    await Promise.all([one.put('both', Buffer.from(svg)), two.put('both', Buffer.from(svg))]);
    expect((await one.get('both'))?.entry.text()).toBe(svg);
    await one.close();
    await two.close();

    const three = createDiskStore(options, clock);
    await three.indexed();
    await three.set('third', Buffer.from('x'));
    expect(three.counters().entries).toBe(3);
    await three.close();
  });
});

describe('the disk store whose folder is removed while it runs', () => {
  it('creates it again on the next write', async () => {
    const dir = join(tmp.dir, 'removed');
    const store = createDiskStore({ dir, maxSize: 1024 * 1024, ttl: 0 }, new TestClock());
    const cache = new TieredCache([store], compression, maxEntryBytes);
    await cache.put('one', Buffer.from('<svg/>'));
    rmSync(dir, { recursive: true, force: true });
    expect(await cache.get('one')).toBeUndefined();
    await cache.put('one', Buffer.from('<svg/>'));
    expect((await cache.get('one'))?.entry.text()).toBe('<svg/>');
    expect(cache.stats().tiers.disk?.errors).toBe(0);
    await cache.close();
  });
});
