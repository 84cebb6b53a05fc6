import { join } from 'node:path';
import {
  type ContentCheck,
  CorruptEntryError,
  encodeEntry,
  OutdatedEntryError,
  verifyEntry,
} from './codec.js';
import { DiskStore } from './disk.js';
import { type CacheOptions, type ResolvedCacheOptions, resolveCacheOptions } from './options.js';

/** Bytes the document folder holds at most: 128 MiB. */
export const DEFAULT_DOCUMENT_CACHE_BYTES = 128 * 1024 * 1024;

/**
 * Whole documents and what they were made from, in `documents/` inside the cache folder: the
 * same verified entry format as charts (SHA-256, key binding, bounded inflate), the same
 * least-recently-used bound and TTL, its own byte bound. It publishes no cache events: the
 * cache's figures stay those of charts.
 */
export class DocumentStore {
  readonly #store: DiskStore;
  readonly #options: ResolvedCacheOptions;

  constructor(options: ResolvedCacheOptions & { readonly disk: NonNullable<ResolvedCacheOptions['disk']> }) {
    this.#options = options;
    const disk = {
      ...options.disk,
      dir: join(options.disk.dir, 'documents'),
      maxSize: Math.min(options.disk.maxSize, DEFAULT_DOCUMENT_CACHE_BYTES),
    };
    this.#store = new DiskStore(disk, options.clock, options.maxEntryBytes);
  }

  /** The bytes stored under `key` that pass `check`, or undefined (a bad entry is deleted). */
  async get(key: string, check: ContentCheck): Promise<Uint8Array | undefined> {
    try {
      const raw = await this.#store.get(key);
      return raw && verifyEntry(raw, key, this.#options.maxEntryBytes, check).data();
    } catch (e) {
      if (e instanceof CorruptEntryError || e instanceof OutdatedEntryError) {
        await this.#store.delete(key).catch(() => {});
        return undefined;
      }
      // An unreadable folder is no reason to fail a render: it is rendered again.
      return undefined;
    }
  }

  /** Stores `data` under `key`; data above the largest entry is not kept. Never throws. */
  async set(key: string, data: Uint8Array): Promise<void> {
    if (data.byteLength > this.#options.maxEntryBytes) return;
    await this.#store.set(key, encodeEntry(data, key, this.#options.compression)).catch(() => {});
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

/** The document store the cache options describe: with a folder, unless `documents: false`. */
export function documentStore(options: CacheOptions): DocumentStore | undefined {
  const o = resolveCacheOptions(options);
  if (options.documents === false || o.disk === undefined) return undefined;
  return new DocumentStore({ ...o, disk: o.disk });
}
