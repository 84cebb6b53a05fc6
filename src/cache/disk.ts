import { createHash } from 'node:crypto';
import { lstat, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { declaredLength, HEADER_BYTES } from './codec.js';
import { type FileInfo, scanFolder } from './disk-index.js';
import { readEntryFile, refuseFile } from './disk-read.js';
import { type Clock, cacheDefaults, type ResolvedDisk } from './options.js';
import { type CacheStore, type StoreCounters, storeCounters } from './store.js';

/** The folder tier, with a way to wait for its index (for tests). */
export interface DiskStore extends CacheStore {
  /** Resolves once the files present at open are indexed. */
  indexed(): Promise<void>;
}

/**
 * The folder tier: one file per entry under a two-character shard folder. Writes go to a
 * temporary file that is renamed into place, so a reader in any process sees a whole file or
 * none. The byte bound and TTL (from the file's mtime, set from the clock) are kept with an
 * index built once at open by a background scan; a process counts the files it has seen.
 * Entries are content-addressed, so two processes writing one key write the same bytes.
 *
 * Only regular files no larger than the largest entry (`maxEntryBytes` plus the header, and
 * within `maxSize`) are read, and never more than that: anything else in the folder (a link,
 * a FIFO, a device, a huge file) is refused as corrupt before a byte is read.
 */
export function createDiskStore(
  options: ResolvedDisk,
  clock: Clock,
  maxEntryBytes: number = cacheDefaults.maxEntryBytes,
): DiskStore {
  const dir = resolve(options.dir);
  const largest = Math.min(options.maxSize, HEADER_BYTES + maxEntryBytes);
  let index = new Map<string, FileInfo>();
  let c = storeCounters();
  let scan: Promise<void> | undefined;
  let scanned = false;
  let closed = false;
  const forgotten = new Set<string>();
  const shards = new Set<string>();
  let seq = 0;

  const fileName = (key: string) =>
    /^[A-Za-z0-9_-]{3,200}$/.test(key) ? key : createHash('sha256').update(key).digest('hex');
  const shardOf = (name: string) => join(dir, name.slice(0, 2));
  const pathOf = (name: string) => join(shardOf(name), name);
  const expired = (written: number) => options.ttl > 0 && clock.now() >= written + options.ttl;

  const add = (name: string, info: FileInfo) => {
    forget(name);
    index.set(name, info);
    c.bytes += info.size;
    c.originalBytes += info.original;
  };
  const forget = (name: string) => {
    const info = index.get(name);
    if (!scanned) forgotten.add(name);
    if (!info) return;
    index.delete(name);
    c.bytes -= info.size;
    c.originalBytes -= info.original;
  };
  const remove = async (name: string) => {
    forget(name);
    await unlink(pathOf(name)).catch(ignoreMissing);
  };

  /** Drops the least recently used files until the folder is within its bound. */
  const evict = async () => {
    if (!scanned) return;
    const victims: string[] = [];
    for (const name of index.keys()) {
      if (c.bytes <= options.maxSize) break;
      victims.push(name);
      forget(name);
      c.evictions++;
    }
    await Promise.all(victims.map((name) => unlink(pathOf(name)).catch(ignoreMissing)));
  };

  /** Puts the files found at open before those this process has touched, then enforces the bound. */
  const merge = (found: Map<string, FileInfo>) => {
    const merged = new Map<string, FileInfo>();
    const stale: string[] = [];
    for (const [name, info] of found) {
      if (index.has(name) || forgotten.has(name)) continue;
      if (expired(info.written)) stale.push(name);
      else merged.set(name, info);
    }
    for (const [name, info] of index) merged.set(name, info);
    index = merged;
    c.bytes = 0;
    c.originalBytes = 0;
    for (const info of index.values()) {
      c.bytes += info.size;
      c.originalBytes += info.original;
    }
    c.expirations += stale.length;
    scanned = true;
    forgotten.clear();
    return Promise.all([evict(), ...stale.map((name) => unlink(pathOf(name)).catch(() => {}))]);
  };

  let scanning: Promise<unknown> = Promise.resolve();
  const opened = (): Promise<void> => {
    scan ??= mkdir(dir, { recursive: true }).then(() => {
      // The scan runs beside reads and writes; nothing waits for it but eviction.
      scanning = scanFolder(dir, clock.now(), largest, () => closed)
        .then(merge)
        .catch(() => {
          scanned = true;
        });
    });
    return scan;
  };

  return {
    name: 'disk',
    async get(key) {
      await opened();
      const name = fileName(key);
      const path = pathOf(name);
      try {
        const st = await lstat(path);
        refuseFile(st, largest);
        const written = index.get(name)?.written ?? st.mtimeMs;
        if (expired(written)) {
          c.expirations++;
          await remove(name);
          return undefined;
        }
        const data = await readEntryFile(path, largest);
        add(name, { size: data.byteLength, original: declaredLength(data), written });
        return data;
      } catch (e) {
        if (!isMissing(e)) throw e;
        forget(name);
        return undefined;
      }
    },
    async set(key, entry) {
      await opened();
      if (entry.byteLength > options.maxSize) return;
      const name = fileName(key);
      const shard = shardOf(name);
      if (!shards.has(shard)) {
        await mkdir(shard, { recursive: true });
        shards.add(shard);
      }
      const temp = join(shard, `.tmp-${process.pid}-${seq++}`);
      const written = clock.now();
      try {
        // The folder may have been removed (`rm -rf .chartpress-cache`) while we ran.
        const fh = await open(temp, 'wx').catch(async (e: unknown) => {
          if (!isMissing(e)) throw e;
          await mkdir(shard, { recursive: true });
          return open(temp, 'wx');
        });
        try {
          await fh.writeFile(entry);
          await fh.utimes(written / 1000, written / 1000);
        } finally {
          await fh.close();
        }
        await rename(temp, pathOf(name));
      } catch (e) {
        await unlink(temp).catch(() => {});
        throw e;
      }
      add(name, { size: entry.byteLength, original: declaredLength(entry), written });
      // Past the bound by what this process knows: the scan must finish to say what goes first.
      if (c.bytes > options.maxSize) {
        await scanning;
        await evict();
      }
    },
    async delete(key) {
      await opened();
      await remove(fileName(key));
    },
    async clear() {
      await opened();
      for (const name of [...index.keys()]) forget(name);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      shards.clear();
      c = storeCounters();
    },
    counters(): StoreCounters {
      return { ...c, entries: index.size };
    },
    async indexed() {
      await opened();
      await scanning;
    },
    async close() {
      closed = true;
      await scan?.catch(() => {});
      await scanning;
    },
  };
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function ignoreMissing(e: unknown): void {
  if (!isMissing(e)) throw e;
}
