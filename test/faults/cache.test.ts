import { execFileSync } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeEntry, HEADER_BYTES, keyBinding, verifyEntry } from '../../src/cache/codec.js';
import { createDiskStore } from '../../src/cache/disk.js';
import { cacheDefaults, resolveCacheOptions } from '../../src/cache/options.js';
import { createEngine } from '../../src/index.js';
import type { CacheChannelEvent } from '../../src/telemetry/events.js';
import { cacheReport } from '../cache/fixture.js';
import { REDIS_URL, redisTestsRun, removeKeys, uniquePrefix } from '../cache/redis-helpers.js';
import { svgOf, TestClock } from '../cache/store-suite.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const { report } = cacheReport();
const { compression } = resolveCacheOptions();
const MAX = cacheDefaults.maxEntryBytes;
const isRoot = process.getuid?.() === 0;
const redisRuns = await redisTestsRun();
let n = 0;
const fresh = (name: string) => join(tmp.dir, `${name}-${n++}`);
const entryPath = (dir: string, key: string) => join(dir, key.slice(0, 2), key);

/** The `corrupt` cache events published while `fn` runs. */
async function corruptEvents<T>(fn: () => Promise<T>): Promise<{ result: T; reasons: string[] }> {
  const reasons: string[] = [];
  const listen = (e: unknown) => {
    const event = e as CacheChannelEvent;
    if (event.type === 'corrupt') reasons.push(`${event.tier}: ${event.reason}`);
  };
  diagnostics.subscribe('chartpress:cache', listen);
  try {
    return { result: await fn(), reasons };
  } finally {
    diagnostics.unsubscribe('chartpress:cache', listen);
  }
}

/** Renders the report with a folder cache only (a fresh engine, so nothing in memory). */
async function renderWithDisk(dir: string, format: 'html' | 'pdf' = 'html') {
  const engine = createEngine({ cache: { memory: true, disk: dir, documents: false } });
  try {
    const { result, reasons } = await corruptEvents(() => engine.render(report, { format }));
    return { result, reasons, stats: engine.cacheStats() };
  } finally {
    await engine.close();
  }
}

/** A folder cache filled by one render; the keys of its charts by id. */
async function filledFolder() {
  const dir = fresh('disk');
  const { result } = await renderWithDisk(dir);
  expect(result.stats.charts.rendered).toBe(5);
  const keys = Object.fromEntries(result.charts.map((c) => [c.id, c.key]));
  return { dir, keys, html: result.output as string };
}

const statuses = (r: { charts: readonly { id: string; status: string }[] }) =>
  Object.fromEntries(r.charts.map((c) => [c.id, c.status]));

/** A version-1 entry (the previous format) holding `svg`, with a right CRC-32. */
function v1Entry(svg: string): Buffer {
  const payload = Buffer.from(svg);
  const out = Buffer.alloc(12 + payload.byteLength);
  out.write('CP', 0, 'latin1');
  out[2] = 1;
  out[3] = 0;
  out.writeUInt32BE(payload.byteLength, 4);
  out.writeUInt32BE(zlib.crc32(payload), 8);
  payload.copy(out, 12);
  return out;
}

/** A version-2 frame around `payload` that declares `declared` bytes, bound to `key`. */
function frame(codecId: number, declared: number, payload: Buffer, key: string): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + payload.byteLength);
  out.write('CP', 0, 'latin1');
  out[2] = 2;
  out[3] = codecId;
  out.writeUInt32BE(declared, 4);
  keyBinding(key).copy(out, 40);
  payload.copy(out, HEADER_BYTES);
  return out;
}

/** Decompression bombs (32 MiB of zeros) in valid frames: declared small, or declared huge. */
function bombs(key: string): [string, Buffer, RegExp][] {
  const zeros = Buffer.alloc(32 * 1024 * 1024);
  const gzip = zlib.gzipSync(zeros, { level: 9 });
  // The gzip trailer is made to agree with the small declared length.
  const lying = Buffer.from(gzip);
  lying.writeUInt32LE(1000, lying.byteLength - 4);
  const brotli = zlib.brotliCompressSync(zeros, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
  return [
    ['gzip declared 1000 bytes', frame(1, 1000, lying, key), /cannot inflate/],
    ['brotli declared 1000 bytes', frame(2, 1000, brotli, key), /cannot inflate/],
    ['gzip declared 100 MiB', frame(1, 100 * 1024 * 1024, gzip, key), /above the limit/],
  ];
}

describe('the folder cache refuses what is not a regular file of entry size', () => {
  it('a FIFO: refused at once (no hang), deleted, and the chart rendered again', async () => {
    const { dir, keys } = await filledFolder();
    const path = entryPath(dir, keys.by_region ?? '');
    rmSync(path);
    execFileSync('mkfifo', [path]);
    const { result, reasons, stats } = await renderWithDisk(dir);
    expect(statuses(result)).toMatchObject({ by_region: 'rendered', trend: 'cached', share: 'cached' });
    expect(reasons).toEqual([expect.stringMatching(/^disk: not a regular file but a FIFO$/)]);
    expect(stats?.tiers.disk?.corrupt).toBe(1);
    expect(lstatSync(path).isFile()).toBe(true);
  }, 10_000);

  it.skipIf(!isRoot)(
    'a character device (/dev/zero): refused without reading it',
    async () => {
      const { dir, keys } = await filledFolder();
      const path = entryPath(dir, keys.share ?? '');
      rmSync(path);
      execFileSync('mknod', [path, 'c', '1', '5']);
      const { result, reasons, stats } = await renderWithDisk(dir);
      expect(statuses(result)).toMatchObject({ share: 'rendered', by_region: 'cached' });
      expect(reasons).toEqual(['disk: not a regular file but a character device']);
      expect(stats?.tiers.disk?.corrupt).toBe(1);
      expect(lstatSync(path).isFile()).toBe(true);
    },
    10_000,
  );

  it('a 1.5 GB sparse file: refused by its size before a byte is read', async () => {
    const { dir, keys } = await filledFolder();
    const path = entryPath(dir, keys.spark ?? '');
    writeFileSync(path, '');
    truncateSync(path, 1.5e9);
    const { result, reasons } = await renderWithDisk(dir);
    expect(statuses(result)).toMatchObject({ spark: 'rendered', trend: 'cached' });
    expect(reasons).toEqual([
      `disk: 1500000000 bytes, above the largest entry (${HEADER_BYTES + MAX} bytes)`,
    ]);
    expect(lstatSync(path).size).toBeLessThan(100_000);
  }, 10_000);

  it('a symbolic link to a valid entry outside: refused, the link removed, the target untouched', async () => {
    const { dir, keys } = await filledFolder();
    const path = entryPath(dir, keys.trend ?? '');
    const outside = join(fresh('outside'), 'entry');
    mkdirSync(join(outside, '..'), { recursive: true });
    copyFileSync(path, outside);
    const before = readFileSync(outside);
    rmSync(path);
    symlinkSync(outside, path);
    const { result, reasons } = await renderWithDisk(dir);
    expect(statuses(result)).toMatchObject({ trend: 'rendered', trend_again: 'rendered', share: 'cached' });
    expect(reasons).toEqual(['disk: not a regular file but a symbolic link']);
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(readFileSync(outside).equals(before)).toBe(true);
  }, 10_000);

  it('the background scan of the folder skips them all without opening them', async () => {
    const dir = fresh('scan');
    const clock = new TestClock();
    const store = createDiskStore({ ...cacheDefaults.disk, dir }, clock);
    const svg = Buffer.from(svgOf(500));
    await store.set('aa-entry', encodeEntry(svg, 'aa-entry', compression));
    await store.close();
    const shard = join(dir, 'aa');
    execFileSync('mkfifo', [join(shard, 'aa-fifo')]);
    if (isRoot) execFileSync('mknod', [join(shard, 'aa-zero'), 'c', '1', '5']);
    writeFileSync(join(shard, 'aa-sparse'), '');
    truncateSync(join(shard, 'aa-sparse'), 1.5e9);
    symlinkSync('/etc/hostname', join(shard, 'aa-link'));
    const again = createDiskStore({ ...cacheDefaults.disk, dir }, clock);
    await again.indexed();
    expect(again.counters()).toMatchObject({ entries: 1, bytes: HEADER_BYTES + svg.byteLength });
    await again.close();
  }, 10_000);
});

describe('the folder cache verifies every entry it reads', () => {
  it('entry A copied over entry B: B is drawn, not A, and the entry counted corrupt', async () => {
    const { dir, keys, html } = await filledFolder();
    copyFileSync(entryPath(dir, keys.by_region ?? ''), entryPath(dir, keys.share ?? ''));
    const { result, reasons, stats } = await renderWithDisk(dir);
    expect(statuses(result)).toMatchObject({ share: 'rendered', by_region: 'cached' });
    expect(reasons).toEqual(['disk: stored under another key']);
    expect(stats?.tiers.disk?.corrupt).toBe(1);
    // The page is the one first rendered, but for each figure's status.
    const asRendered = (result.output as string).replaceAll('data-status="cached"', 'data-status="rendered"');
    expect(asRendered).toBe(html);
  }, 10_000);

  it('a well-framed entry (right SHA-256 and key) holding <script> never reaches the HTML', async () => {
    const { dir, keys } = await filledFolder();
    const key = keys.by_region ?? '';
    const evil =
      '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><script>alert("cached")</script></svg>';
    const raw = encodeEntry(Buffer.from(evil), key, compression);
    expect(verifyEntry(raw, key, MAX).text()).toBe(evil);
    writeFileSync(entryPath(dir, key), raw);
    const { result, reasons, stats } = await renderWithDisk(dir);
    expect(result.output).not.toContain('alert("cached")');
    expect(statuses(result)).toMatchObject({ by_region: 'rendered' });
    expect(reasons).toEqual([expect.stringMatching(/^disk: refused content: /)]);
    expect(stats?.tiers.disk?.corrupt).toBe(1);
  }, 10_000);

  it('a truncated entry is corrupt; a version-1 entry is a miss, replaced by the next write', async () => {
    const { dir, keys } = await filledFolder();
    const truncated = entryPath(dir, keys.trend ?? '');
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 100));
    const old = entryPath(dir, keys.share ?? '');
    writeFileSync(old, v1Entry(svgOf(800)));
    const { result, reasons, stats } = await renderWithDisk(dir);
    expect(statuses(result)).toMatchObject({ trend: 'rendered', share: 'rendered', by_region: 'cached' });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^disk: /);
    expect(stats?.tiers.disk).toMatchObject({ corrupt: 1, misses: 2 });
    const replaced = readFileSync(old);
    expect(replaced[2]).toBe(2);
    expect(verifyEntry(replaced, keys.share ?? '', MAX).text()).not.toBe(svgOf(800));
  }, 10_000);
});

describe('the CLI with a hostile cache folder', () => {
  it('renders every chart again, exits 0, and leaves only regular files', async () => {
    const dir = fresh('cli');
    const out = join(tmp.dir, 'cli.pdf');
    const render = () =>
      cli('render', report, '-o', out, '--cache-dir', dir, '--no-reuse', '--stats', 'json', '--quiet');
    expect((await render()).code).toBe(0);
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name));
    expect(files).toHaveLength(4);
    const [fifo, big, link, copied] = files as [string, string, string, string];
    rmSync(fifo);
    execFileSync('mkfifo', [fifo]);
    truncateSync(big, 1.5e9);
    rmSync(link);
    symlinkSync(copied, link);
    const run = await render();
    expect(run.code).toBe(0);
    const stats = JSON.parse(run.stdout.filter(Boolean).at(-1) ?? '{}');
    expect(stats.cache).toMatchObject({ hits: 1, misses: 3 });
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    for (const f of files) expect(lstatSync(f).isFile()).toBe(true);
  }, 10_000);
});

describe.skipIf(!redisRuns)('a decompression bomb in Redis', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await removeKeys(prefix);
  });

  it('is refused, never copied into the folder, and the PDF is written', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const redis = { url: REDIS_URL, prefix };
    const first = createEngine({
      cache: { memory: true, disk: fresh('redis-disk'), redis, documents: false },
    });
    const cold = await first.render(report, { format: 'pdf' });
    await first.close();
    const key = cold.charts.find((c) => c.id === 'trend')?.key ?? '';
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    try {
      for (const [name, bomb, reason] of bombs(key)) {
        const value = Buffer.alloc(8 + bomb.byteLength);
        bomb.copy(value, 8);
        await client.set(`${prefix}e:${key}`, value);
        const disk = fresh('redis-disk');
        const engine = createEngine({ cache: { memory: true, disk, redis, documents: false } });
        const { result, reasons } = await corruptEvents(() => engine.render(report, { format: 'pdf' }));
        const stats = engine.cacheStats();
        await engine.close();
        expect(
          Buffer.from(result.output as Uint8Array)
            .subarray(0, 5)
            .toString(),
          name,
        ).toBe('%PDF-');
        expect(result.problems, name).toEqual([]);
        expect(statuses(result), name).toMatchObject({ trend: 'rendered', by_region: 'cached' });
        expect(reasons, name).toEqual([expect.stringMatching(new RegExp(`^redis: .*${reason.source}`))]);
        expect(stats?.tiers.redis?.corrupt, name).toBe(1);
        // The folder holds the chart rendered again, not the bomb.
        const stored = readFileSync(entryPath(disk, key));
        expect(stored.equals(bomb), name).toBe(false);
        expect(verifyEntry(stored, key, MAX).originalLength, name).toBeLessThan(100_000);
        // And so does Redis: the bad value was replaced.
        const now = await client.getBuffer(`${prefix}e:${key}`);
        expect(now?.subarray(8).equals(stored), name).toBe(true);
      }
    } finally {
      client.disconnect();
    }
  }, 20_000);

  it('a value longer than any entry is refused by its length, deleted, and Redis stays in use', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    // A small bound keeps the test cheap; the default (64 MiB) works the same way.
    const cache = (disk: string) => ({
      memory: true,
      disk,
      redis: { url: REDIS_URL, prefix },
      maxEntryBytes: 256 * 1024,
      documents: false,
    });
    const first = createEngine({ cache: cache(fresh('redis-big')) });
    const cold = await first.render(report, { format: 'html' });
    await first.close();
    const key = cold.charts.find((c) => c.id === 'trend')?.key ?? '';
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    try {
      await client.set(`${prefix}e:${key}`, Buffer.alloc(4 * 1024 * 1024, 1));
      const engine = createEngine({ cache: cache(fresh('redis-big')) });
      const { result, reasons } = await corruptEvents(() => engine.render(report, { format: 'html' }));
      const stats = engine.cacheStats();
      await engine.close();
      expect(result.problems).toEqual([]);
      expect(statuses(result)).toMatchObject({ trend: 'rendered', by_region: 'cached' });
      expect(reasons).toEqual([expect.stringMatching(/^redis: .*above the largest entry/)]);
      expect(stats?.tiers.redis).toMatchObject({ corrupt: 1, errors: 0 });
      // Replaced by the chart rendered again: the next run finds it.
      const now = await client.getBuffer(`${prefix}e:${key}`);
      expect(now?.byteLength).toBeLessThan(256 * 1024);
    } finally {
      client.disconnect();
    }
  }, 20_000);

  it('through the CLI (--redis): refused, the PDF written, exit 0', async () => {
    // The CLI writes under the default prefix: a database of its own keeps it apart.
    const url = `${REDIS_URL}/11`;
    const client = new Redis(url, { maxRetriesPerRequest: 0 });
    const out = join(tmp.dir, 'redis.pdf');
    const render = (dir: string) =>
      cli(
        'render',
        report,
        '-o',
        out,
        '--cache-dir',
        dir,
        '--redis',
        url,
        '--no-reuse',
        '--stats',
        'json',
        '--quiet',
      );
    try {
      expect((await render(fresh('cli-redis'))).code).toBe(0);
      const entries = await client.keys('chartpress:e:*');
      expect(entries).toHaveLength(4);
      const key = (entries[0] ?? '').slice('chartpress:e:'.length);
      const [, bomb] = bombs(key)[0] ?? [];
      await client.set(`chartpress:e:${key}`, Buffer.concat([Buffer.alloc(8), bomb ?? Buffer.alloc(0)]));
      const dir = fresh('cli-redis');
      const run = await render(dir);
      expect(run.code).toBe(0);
      const stats = JSON.parse(run.stdout.filter(Boolean).at(-1) ?? '{}');
      expect(stats.cache).toMatchObject({ hits: 3, misses: 1 });
      expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
      expect(verifyEntry(readFileSync(entryPath(dir, key)), key, MAX).originalLength).toBeLessThan(100_000);
      expect(existsSync(entryPath(dir, key))).toBe(true);
    } finally {
      const left = await client.keys('chartpress:*');
      if (left.length) await client.unlink(...left);
      client.disconnect();
    }
  }, 20_000);
});
