/** The tiers chartpress has, in lookup order. */
export const TierName = { memory: 'memory', disk: 'disk', redis: 'redis' } as const;
export type TierName = keyof typeof TierName;

/** What a store knows of itself, kept as counters (never by scanning). */
export interface StoreCounters {
  /** Entries held. */
  readonly entries: number;
  /** Bytes held, as stored (compressed, with headers). */
  readonly bytes: number;
  /** Bytes the entries held would take uncompressed. */
  readonly originalBytes: number;
  /** Entries dropped to stay within the byte bound. */
  readonly evictions: number;
  /** Entries dropped because their TTL had passed. */
  readonly expirations: number;
}

/**
 * One tier: encoded entries by key. A store does not look inside an entry except to read the
 * original length its header declares, for `originalBytes`. A failing operation rejects; the
 * tiered cache counts it and goes on without the store. A `get` that finds something it refuses
 * to read (not a regular file, too large) rejects with `CorruptEntryError`.
 */
export interface CacheStore {
  readonly name: TierName;
  /**
   * Whether the store holds only entries this process wrote or verified (the memory tier), so a
   * hit needs no verification. Other stores' entries are verified on every read.
   */
  readonly trusted?: boolean;
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, entry: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Drops every entry and zeroes the counters. */
  clear(): Promise<void>;
  counters(): StoreCounters;
  close(): Promise<void>;
}

/** Mutable counters for a store's own use. */
export function storeCounters(): { -readonly [K in keyof StoreCounters]: number } {
  return { entries: 0, bytes: 0, originalBytes: 0, evictions: 0, expirations: 0 };
}
