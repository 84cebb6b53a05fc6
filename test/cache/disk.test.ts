import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiskStore } from '../../src/cache/disk.js';
import { atomicWrite } from '../../src/cache/disk-write.js';
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

describe('two disk stores over one folder in one process', () => {
  it('write one key at once without their temporary files meeting', async () => {
    const dir = join(tmp.dir, 'twins');
    const options = { dir, maxSize: 1024 * 1024, ttl: 0 };
    const stores = [createDiskStore(options, new TestClock()), createDiskStore(options, new TestClock())];
    const entry = Buffer.from(svgOf(2000));
    await Promise.all(stores.flatMap((s) => [s.set('same-key', entry), s.set('same-key', entry)]));
    expect(readFileSync(join(dir, 'sa', 'same-key')).equals(entry)).toBe(true);
    expect(readdirSync(join(dir, 'sa'))).toEqual(['same-key']);
    for (const store of stores) await store.close();
  });
});

describe('a disk store cleared while it indexes the folder', () => {
  it('counts none of the files the scan found', async () => {
    const dir = join(tmp.dir, 'cleared');
    const options = { dir, maxSize: 1024 * 1024, ttl: 0 };
    const first = createDiskStore(options, new TestClock());
    for (let i = 0; i < 50; i++) await first.set(`entry-${i}`, Buffer.from(svgOf(500, i)));
    await first.close();
    const store = createDiskStore(options, new TestClock());
    await store.clear();
    await store.indexed();
    expect(store.counters()).toEqual({
      entries: 0,
      bytes: 0,
      originalBytes: 0,
      evictions: 0,
      expirations: 0,
    });
    expect(readdirSync(dir)).toEqual([]);
    await store.close();
  });
});

describe('atomicWrite', () => {
  it('writes the file whole with the given mtime, creating a missing shard folder', async () => {
    const path = join(tmp.dir, 'atomic', 'ab', 'abc');
    const mtime = Date.UTC(2020, 0, 1);
    await atomicWrite(path, Buffer.from('whole'), mtime);
    expect(readFileSync(path, 'utf8')).toBe('whole');
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  it('leaves no temporary file behind when the rename fails', async () => {
    const shard = join(tmp.dir, 'atomic-fail', 'ab');
    // A non-empty folder where the file should go: the rename cannot replace it.
    mkdirSync(join(shard, 'abc', 'inside'), { recursive: true });
    await expect(atomicWrite(join(shard, 'abc'), Buffer.from('x'), Date.now())).rejects.toThrow();
    expect(readdirSync(shard)).toEqual(['abc']);
  });
});
