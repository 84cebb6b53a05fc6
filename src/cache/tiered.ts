import { traceLookup } from '../telemetry/trace.js';
import { type CacheEntry, CorruptEntryError, decodeEntry, encodeEntry, entryOf } from './codec.js';
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
  /** Inflate a compressed entry now (and count a bad stream as corrupt). Defaults to false. */
  readonly inflate?: boolean;
  /** Told of each corrupt entry and failure met while serving this call. */
  readonly onEvent?: (event: CacheEvent) => void;
}

interface Tier {
  readonly store: CacheStore;
  readonly counters: TierCounters;
}

/**
 * Tiers in lookup order (memory, disk, Redis). Reads go through the tiers and copy a hit into
 * the tiers before it; a render is written to every tier. Concurrent fetches of one missing key
 * render once (single-flight). A failing tier is counted, reported as an event and skipped;
 * a failed render is shared with its waiters and never stored.
 */
export class TieredCache {
  readonly #tiers: readonly Tier[];
  readonly #compression: ResolvedCompression;
  readonly #maxEntryBytes: number;
  readonly #flights = new Map<string, Promise<Fetched>>();
  #hits = 0;
  #misses = 0;
  #joined = 0;

  constructor(stores: readonly CacheStore[], compression: ResolvedCompression, maxEntryBytes: number) {
    this.#tiers = stores.map((store) => ({ store, counters: tierCounters() }));
    this.#compression = compression;
    this.#maxEntryBytes = maxEntryBytes;
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
      let raw: Uint8Array | undefined;
      try {
        raw = await tier.store.get(key);
      } catch (error) {
        this.#failed(tier, { type: 'error', tier: tier.store.name, key, error }, options);
        continue;
      }
      if (!raw) {
        tier.counters.misses++;
        missed.push(tier.store.name);
        continue;
      }
      let entry: CacheEntry;
      try {
        entry = decodeEntry(raw, this.#maxEntryBytes, options.inflate);
      } catch (e) {
        if (!(e instanceof CorruptEntryError)) throw e;
        tier.counters.corrupt++;
        tier.counters.misses++;
        missed.push(tier.store.name);
        this.#emit({ type: 'corrupt', tier: tier.store.name, key, reason: e.message }, options);
        await tier.store
          .delete(key)
          .catch((error: unknown) =>
            this.#failed(tier, { type: 'error', tier: tier.store.name, key, error }, options),
          );
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

  /** Encodes `data` (compressed when it pays) and writes it to every tier. */
  async put(key: string, data: Uint8Array, options: LookupOptions = {}): Promise<CacheEntry> {
    const raw = encodeEntry(data, this.#compression);
    await this.#write(this.#tiers, key, raw, options);
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

  /** Waits for renders under way, then closes every tier (Redis connections, the folder scan). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#flights.values()]);
    await Promise.all(this.#tiers.map((t) => t.store.close()));
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
