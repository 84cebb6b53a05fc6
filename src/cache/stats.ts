import type { StoreCounters, TierName } from './store.js';

/** One tier's numbers since it was opened or last cleared. */
export interface TierStats extends StoreCounters {
  readonly hits: number;
  readonly misses: number;
  /** `bytes / originalBytes`: below 1 when compression pays; 1 when empty. */
  readonly ratio: number;
  /**
   * Entries that failed a check (frame, length, stream, SHA-256, key, SVG; for the folder, a file
   * that is not a regular one or is too large): treated as misses and deleted.
   */
  readonly corrupt: number;
  /** Failed operations (Redis down or slow, an unwritable folder). */
  readonly errors: number;
}

/** The cache's numbers, kept as counters: reading them costs nothing. */
export interface CacheStats {
  /** Lookups answered by some tier (or by a render another request was already doing). */
  readonly hits: number;
  /** Lookups no tier could answer: each led to one render. */
  readonly misses: number;
  /** Lookups that waited for a render of the same key already under way (counted in hits). */
  readonly joined: number;
  readonly tiers: Readonly<Partial<Record<TierName, TierStats>>>;
}

/** The counters the tiered cache keeps per tier (the rest come from the store). */
export interface TierCounters {
  hits: number;
  misses: number;
  corrupt: number;
  errors: number;
}

export const tierCounters = (): TierCounters => ({ hits: 0, misses: 0, corrupt: 0, errors: 0 });

export function tierStats(own: TierCounters, store: StoreCounters): TierStats {
  return { ...own, ...store, ratio: store.originalBytes > 0 ? store.bytes / store.originalBytes : 1 };
}
