import type { StoreCounters } from './store.js';

/** What the index needs to know of an entry: its stored size and the size it declares. */
export interface Sized {
  /** Stored size in bytes. */
  readonly size: number;
  /** Bytes the entry takes uncompressed. */
  readonly original: number;
}

/**
 * Entries by name in least-recently-used order, with their byte totals kept as counters. It
 * holds no data and touches no file: the store decides what to do with the names it evicts.
 */
export class LruIndex<T extends Sized> {
  readonly #maxBytes: number;
  /** Insertion order is use order: the first entry is the least recently used. */
  #entries = new Map<string, T>();
  #bytes = 0;
  #originalBytes = 0;
  #evictions = 0;
  #expirations = 0;

  /** `maxBytes`: the bound `evict()` brings the stored bytes within. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(name: string): T | undefined {
    return this.#entries.get(name);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Stored bytes of every entry held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether an entry of `size` bytes could be held at all. */
  fits(size: number): boolean {
    return size <= this.#maxBytes;
  }

  /** Whether the entries held take more than the bound. */
  get over(): boolean {
    return this.#bytes > this.#maxBytes;
  }

  /** Adds or replaces an entry, as the most recently used. */
  add(name: string, info: T): void {
    this.forget(name);
    this.#entries.set(name, info);
    this.#bytes += info.size;
    this.#originalBytes += info.original;
  }

  /** Adds entries found elsewhere as less recently used than every entry held, oldest first. */
  addOldest(found: Iterable<readonly [string, T]>): void {
    const held = this.#entries;
    this.#entries = new Map();
    for (const [name, info] of found) if (!held.has(name)) this.add(name, info);
    for (const [name, info] of held) this.#entries.set(name, info);
  }

  /** Drops an entry from the totals; returns what was known of it. */
  forget(name: string): T | undefined {
    const info = this.#entries.get(name);
    if (!info) return undefined;
    this.#entries.delete(name);
    this.#bytes -= info.size;
    this.#originalBytes -= info.original;
    return info;
  }

  /** Counts entries dropped because their time had passed (forgotten by the caller). */
  expired(count = 1): void {
    this.#expirations += count;
  }

  /**
   * Forgets the least recently used entries until the bytes held are within the bound, counting
   * each as an eviction, and returns their names.
   */
  evict(): string[] {
    const victims: string[] = [];
    for (const name of this.#entries.keys()) {
      if (!this.over) break;
      this.forget(name);
      this.#evictions++;
      victims.push(name);
    }
    return victims;
  }

  /** Forgets every entry and zeroes every counter. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
    this.#originalBytes = 0;
    this.#evictions = 0;
    this.#expirations = 0;
  }

  counters(): StoreCounters {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      originalBytes: this.#originalBytes,
      evictions: this.#evictions,
      expirations: this.#expirations,
    };
  }
}
