import { createHash } from 'node:crypto';
import { lstat, mkdir, rm, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { declaredLength, HEADER_BYTES } from './codec.js';
import { type FileInfo, scanFolder } from './disk-index.js';
import { readEntryFile, refuseFile } from './disk-read.js';
import { atomicWrite, isMissing } from './disk-write.js';
import { LruIndex } from './lru-index.js';
import { type Clock, cacheDefaults, type ResolvedDisk } from './options.js';
import type { CacheStore, StoreCounters } from './store.js';

/**
 * The folder tier: one file per entry under a two-character shard folder. Writes go to a
 * temporary file that is renamed into place (`atomicWrite`), so a reader in any process sees a
 * whole file or none. The byte bound and TTL (from the file's mtime, set from the clock) are kept
 * with an `LruIndex` built once at open by a background scan; a process counts the files it has
 * seen. Entries are content-addressed, so two processes writing one key write the same bytes.
 *
 * Only regular files no larger than the largest entry (`maxEntryBytes` plus the header, and
 * within `maxSize`) are read, and never more than that: anything else in the folder (a link,
 * a FIFO, a device, a huge file) is refused as corrupt before a byte is read.
 */
export class DiskStore implements CacheStore {
  readonly name = 'disk';
  readonly #dir: string;
  readonly #ttl: number;
  readonly #clock: Clock;
  /** The largest file read: the largest entry with its header, within the bound. */
  readonly #largest: number;
  readonly #index: LruIndex<FileInfo>;
  /**
   * While the files present at open are being indexed: the names this process has touched,
   * which the scan's view of them must not override. Undefined once the index is ready.
   */
  #touched: Set<string> | undefined = new Set();
  /** Resolves once the folder exists and the files present at open are indexed. */
  #indexed: Promise<void> | undefined;
  #closed = false;

  constructor(options: ResolvedDisk, clock: Clock, maxEntryBytes: number = cacheDefaults.maxEntryBytes) {
    this.#dir = resolve(options.dir);
    this.#ttl = options.ttl;
    this.#clock = clock;
    this.#largest = Math.min(options.maxSize, HEADER_BYTES + maxEntryBytes);
    this.#index = new LruIndex(options.maxSize);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#open();
    const name = fileName(key);
    const path = this.#pathOf(name);
    try {
      const st = await lstat(path);
      refuseFile(st, this.#largest);
      const written = this.#index.get(name)?.written ?? st.mtimeMs;
      if (this.#expired(written)) {
        this.#index.expired();
        await this.#remove(name);
        return undefined;
      }
      const data = await readEntryFile(path, this.#largest);
      this.#add(name, { size: data.byteLength, original: declaredLength(data), written });
      return data;
    } catch (e) {
      if (!isMissing(e)) throw e;
      this.#forget(name);
      return undefined;
    }
  }

  async set(key: string, entry: Uint8Array): Promise<void> {
    this.#open();
    if (!this.#index.fits(entry.byteLength)) return;
    const name = fileName(key);
    const written = this.#clock.now();
    await atomicWrite(this.#pathOf(name), entry, written);
    this.#add(name, { size: entry.byteLength, original: declaredLength(entry), written });
    // Past the bound by what this process knows: the index must be ready to say what goes first.
    if (this.#index.over) {
      await this.#open();
      await this.#evict();
    }
  }

  async delete(key: string): Promise<void> {
    this.#open();
    await this.#remove(fileName(key));
  }

  async clear(): Promise<void> {
    // Once indexed, so that the scan adds back none of the files removed here.
    await this.#open();
    await rm(this.#dir, { recursive: true, force: true });
    await mkdir(this.#dir, { recursive: true });
    this.#index.clear();
  }

  counters(): StoreCounters {
    return this.#index.counters();
  }

  /** Resolves once the files present at open are indexed (for tests). */
  indexed(): Promise<void> {
    return this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#indexed;
  }

  /** Creates the folder and indexes the files in it, once, beside reads and writes. */
  #open(): Promise<void> {
    this.#indexed ??= this.#scan();
    return this.#indexed;
  }

  async #scan(): Promise<void> {
    try {
      await mkdir(this.#dir, { recursive: true });
      await this.#merge(await scanFolder(this.#dir, this.#clock.now(), this.#largest, () => this.#closed));
    } catch {
      // A folder that cannot be listed is known by what this process reads and writes in it.
      this.#touched = undefined;
    }
  }

  /** Puts the files found at open before those this process has touched, then enforces the bound. */
  #merge(found: Map<string, FileInfo>): Promise<unknown> {
    const touched = this.#touched ?? new Set();
    const older: [string, FileInfo][] = [];
    const stale: string[] = [];
    for (const [name, info] of found) {
      if (this.#index.has(name) || touched.has(name)) continue;
      if (this.#expired(info.written)) stale.push(name);
      else older.push([name, info]);
    }
    this.#index.addOldest(older);
    this.#index.expired(stale.length);
    this.#touched = undefined;
    return Promise.all([this.#evict(), ...stale.map((name) => unlink(this.#pathOf(name)).catch(() => {}))]);
  }

  /** Drops the least recently used files until the folder is within its bound. */
  async #evict(): Promise<void> {
    // Before the index is ready, what goes first is not known.
    if (this.#touched) return;
    const victims = this.#index.evict();
    await Promise.all(victims.map((name) => unlink(this.#pathOf(name)).catch(ignoreMissing)));
  }

  #add(name: string, info: FileInfo): void {
    this.#touched?.add(name);
    this.#index.add(name, info);
  }

  #forget(name: string): void {
    this.#touched?.add(name);
    this.#index.forget(name);
  }

  async #remove(name: string): Promise<void> {
    this.#forget(name);
    await unlink(this.#pathOf(name)).catch(ignoreMissing);
  }

  #expired(written: number): boolean {
    return this.#ttl > 0 && this.#clock.now() >= written + this.#ttl;
  }

  #pathOf(name: string): string {
    return join(this.#dir, name.slice(0, 2), name);
  }
}

/** The folder tier over `options.dir`; nothing touches the disk until the first call. */
export function createDiskStore(
  options: ResolvedDisk,
  clock: Clock,
  maxEntryBytes: number = cacheDefaults.maxEntryBytes,
): DiskStore {
  return new DiskStore(options, clock, maxEntryBytes);
}

/** A file name for a key: the key itself when it is a safe name, its SHA-256 otherwise. */
function fileName(key: string): string {
  return /^[A-Za-z0-9_-]{3,200}$/.test(key) ? key : createHash('sha256').update(key).digest('hex');
}

function ignoreMissing(e: unknown): void {
  if (!isMissing(e)) throw e;
}
