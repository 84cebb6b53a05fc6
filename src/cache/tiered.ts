import { traceLookup } from '../telemetry/trace.js';
import {
  type CacheEntry,
  type ContentCheck,
  CorruptEntryError,
  encodeEntry,
  entryOf,
  frameEntry,
  OutdatedEntryError,
  verifyEntry,
} from './codec.js';
import { type CacheEvent, publish, publishWith } from './events.js';
import type { ResolvedCompression } from './options.js';
import { type CacheStats, type TierCounters, tierCounters, tierStats } from './stats.js';
import type { CacheStore, TierName } from './store.js';

/** Where a fetched entry came from: a tier, a render now, or a render another request was doing. */
export type EntrySource = TierName | 'render' | 'joined';

export interface Fetched {
  readonly entry: CacheEntry;
  readonly from: EntrySource;
}

export interface LookupOptions {
  /** Told of each corrupt entry and failure met while serving this call. */
  readonly onEvent?: (event: CacheEvent) => void;
}

/** How entries read from the folder and Redis tiers are checked. */
export interface VerifyOptions {
  /** What an entry's content must pass. Defaults to none (the engine's caches check SVG). */
  readonly check?: ContentCheck | undefined;
  /**
   * Read shared tiers checking only the frame (magic, version, codec, lengths, bounded inflate),
   * not the hash, key binding or content. For benchmarks that measure what verifying costs;
   * never for serving documents. Defaults to false.
   */
  readonly unverified?: boolean;
}

interface Tier {
  readonly store: CacheStore;
  readonly counters: TierCounters;
}

/**
 * Tiers in lookup order (memory, disk, Redis). Reads go through the tiers and copy a hit into
 * the tiers before it; a render is written to every tier. An entry read from a tier that is not
 * `trusted` is verified first (frame, key binding, bounded inflate, SHA-256, content check); one
 * that fails is counted as corrupt, deleted from that tier and never copied into another, so the
 * memory tier holds only verified entries and its hits need no hashing. Concurrent fetches of one missing key
 * render once (single-flight). A failing tier is counted, reported as an event and skipped;
 * a failed render is shared with its waiters and never stored.
 */
export class TieredCache {
  readonly #tiers: readonly Tier[];
  readonly #compression: ResolvedCompression;
  readonly #maxEntryBytes: number;
  readonly #verify: VerifyOptions;
  readonly #flights = new Map<string, Promise<Fetched>>();
  #hits = 0;
  #misses = 0;
  #joined = 0;

  constructor(
    stores: readonly CacheStore[],
    compression: ResolvedCompression,
    maxEntryBytes: number,
    verify: VerifyOptions = {},
  ) {
    this.#tiers = stores.map((store) => ({ store, counters: tierCounters() }));
    this.#compression = compression;
    this.#maxEntryBytes = maxEntryBytes;
    this.#verify = verify;
  }

  /** The tiers' names, in lookup order. */
  get tiers(): TierName[] {
    return this.#tiers.map((t) => t.store.name);
  }

  /** The entry for `key`, or what `render` makes of it, rendered once however many ask at once. */
  fetch(
    key: string,
    render: () => Uint8Array | Promise<Uint8Array>,
    options: LookupOptions = {},
  ): Promise<Fetched> {
    const flying = this.#flights.get(key);
    if (flying) {
      this.#joined++;
      this.#hits++;
      publishWith(() => ({ type: 'joined', key }));
      return flying.then((f) => (f.from === 'render' ? { ...f, from: 'joined' } : f));
    }
    const flight = traceLookup(key, () => this.#fetch(key, render, options)).finally(() =>
      this.#flights.delete(key),
    );
    this.#flights.set(key, flight);
    return flight;
  }

  async #fetch(key: string, render: () => Uint8Array | Promise<Uint8Array>, options: LookupOptions) {
    const found = await this.get(key, options);
    if (found) return found;
    const entry = await this.put(key, await render(), options);
    return { entry, from: 'render' as const };
  }

  /** Looks `key` up through the tiers; a hit is copied into the tiers before the one that had it. */
  async get(key: string, options: LookupOptions = {}): Promise<Fetched | undefined> {
    const missed: TierName[] = [];
    for (const [i, tier] of this.#tiers.entries()) {
      let entry: CacheEntry | undefined;
      try {
        const raw = await tier.store.get(key);
        entry = raw && this.#read(tier, key, raw);
      } catch (error) {
        // A tier that fails is skipped; one whose entry fails a check loses that entry.
        if (error instanceof CorruptEntryError) await this.#corrupt(tier, key, error, options);
        else if (!(error instanceof OutdatedEntryError)) {
          this.#failed(tier, { type: 'error', tier: tier.store.name, key, error }, options);
          continue;
        }
      }
      if (!entry) {
        tier.counters.misses++;
        missed.push(tier.store.name);
        continue;
      }
      tier.counters.hits++;
      this.#hits++;
      const name = tier.store.name;
      publishWith(() => ({ type: 'hit', tier: name, key, bytes: entry.raw.byteLength, missed }));
      await this.#write(this.#tiers.slice(0, i), key, entry.raw, options);
      return { entry, from: tier.store.name };
    }
    this.#misses++;
    publishWith(() => ({ type: 'miss', key, tiers: missed }));
    return undefined;
  }

  /**
   * Encodes `data` (compressed when it pays) and writes it to every tier; data above
   * `maxEntryBytes` is not stored (no tier would serve it).
   */
  async put(key: string, data: Uint8Array, options: LookupOptions = {}): Promise<CacheEntry> {
    const raw = encodeEntry(data, key, this.#compression);
    if (data.byteLength <= this.#maxEntryBytes) await this.#write(this.#tiers, key, raw, options);
    const entry = entryOf(raw, data);
    publishWith(() => ({
      type: 'put',
      key,
      tiers: this.tiers,
      bytes: raw.byteLength,
      originalBytes: data.byteLength,
      codec: entry.codec,
    }));
    return entry;
  }

  stats(): CacheStats {
    const tiers: CacheStats['tiers'] = Object.fromEntries(
      this.#tiers.map((t) => [t.store.name, tierStats(t.counters, t.store.counters())]),
    );
    return { hits: this.#hits, misses: this.#misses, joined: this.#joined, tiers };
  }

  /** Drops every entry of every tier and zeroes the counters. */
  async clear(): Promise<void> {
    await Promise.all(this.#tiers.map((t) => t.store.clear()));
    for (const t of this.#tiers) Object.assign(t.counters, tierCounters());
    this.#hits = this.#misses = this.#joined = 0;
  }

  /** Removes `key` from every tier (an entry found unusable after it was stored); a tier that fails is skipped. */
  async delete(key: string): Promise<void> {
    await Promise.all(this.#tiers.map((t) => t.store.delete(key).catch(() => {})));
  }

  /** Waits for renders under way, then closes every tier (Redis connections, the folder scan). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#flights.values()]);
    await Promise.all(this.#tiers.map((t) => t.store.close()));
  }

  /** The entry in `raw`, verified unless the tier holds only what this process vouched for. */
  #read(tier: Tier, key: string, raw: Uint8Array): CacheEntry {
    if (tier.store.trusted) return frameEntry(raw, this.#maxEntryBytes);
    if (!this.#verify.unverified) return verifyEntry(raw, key, this.#maxEntryBytes, this.#verify.check);
    const entry = frameEntry(raw, this.#maxEntryBytes);
    entry.data();
    return entry;
  }

  /** Counts a corrupt entry, tells of it and deletes it from its tier. */
  async #corrupt(tier: Tier, key: string, e: CorruptEntryError, options: LookupOptions) {
    tier.counters.corrupt++;
    this.#emit({ type: 'corrupt', tier: tier.store.name, key, reason: e.message }, options);
    await tier.store
      .delete(key)
      .catch((error: unknown) =>
        this.#failed(tier, { type: 'error', tier: tier.store.name, key, error }, options),
      );
  }

  async #write(tiers: readonly Tier[], key: string, raw: Uint8Array, options: LookupOptions) {
    await Promise.all(
      tiers.map((t) =>
        t.store
          .set(key, raw)
          .catch((error: unknown) =>
            this.#failed(t, { type: 'error', tier: t.store.name, key, error }, options),
          ),
      ),
    );
  }

  #failed(tier: Tier, event: CacheEvent, options: LookupOptions) {
    tier.counters.errors++;
    this.#emit(event, options);
  }

  #emit(event: CacheEvent, options: LookupOptions) {
    publish(event);
    options.onEvent?.(event);
  }
}
