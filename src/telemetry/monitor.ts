import type { CacheStats } from '../cache/stats.js';
import type { TierName } from '../cache/store.js';
import { round } from './histogram.js';
import { type Interpreter, interpret } from './interpret.js';
import { listen } from './listen.js';
import type { MonitorSnapshot, TierSnapshot } from './snapshot.js';
import { Tally } from './tally.js';

export interface MonitorOptions {
  /** Reads the cache's counters, for its bytes per tier: e.g. `() => engine.cacheStats()`. */
  readonly cacheStats?: () => CacheStats | undefined;
  /** How many of the slowest charts a snapshot lists. Defaults to 5. */
  readonly slowest?: number;
}

const rate = (a: number, b: number) => (b > 0 ? round(a / b) : 0);
const roundAll = <T extends Record<string, number>>(o: T): T =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)])) as T;
const summaries = <K extends string>(hs: Record<K, { summary(): unknown }>) =>
  Object.fromEntries(Object.entries<{ summary(): unknown }>(hs).map(([k, h]) => [k, h.summary()]));

/**
 * Aggregates chartpress's diagnostics events into metrics: charts by status, cache hit rates,
 * latency percentiles, compression, rows per second, memory, errors and pool use. It subscribes
 * from the outside; until `attach()` and after `detach()` it costs nothing.
 *
 *   const monitor = new PerformanceMonitor({ cacheStats: () => engine.cacheStats() }).attach();
 *   await engine.render('report.yaml');
 *   monitor.snapshot(); // plain JSON
 */
export class PerformanceMonitor {
  readonly #cacheStats: (() => CacheStats | undefined) | undefined;
  readonly #t: Tally;
  readonly #events: Interpreter;
  #detach: (() => void) | undefined;

  constructor(options: MonitorOptions = {}) {
    this.#cacheStats = options.cacheStats;
    this.#t = new Tally(options.slowest ?? 5);
    this.#events = interpret(this.#t);
  }

  /** Whether the monitor is listening. */
  get attached(): boolean {
    return this.#detach !== undefined;
  }

  /** Starts listening. Attaching an attached monitor does nothing. */
  attach(): this {
    this.#detach ??= listen(this.#events.listeners);
    return this;
  }

  /** Stops listening: the channels lose this subscriber and publish nothing for it. */
  detach(): void {
    this.#detach?.();
    this.#detach = undefined;
  }

  /** Clears every figure (it stays attached if it was). */
  reset(): void {
    this.#t.reset();
    this.#events.forget();
  }

  /** The figures now, as plain JSON. Memory and cache sizes are read now, from the process and the cache. */
  snapshot(): MonitorSnapshot {
    const { c, phases, latency } = this.#t;
    const stats = this.#cacheStats?.();
    const tiers: Partial<Record<TierName, TierSnapshot>> = {};
    for (const name of new Set([...c.tiers.keys(), ...(Object.keys(stats?.tiers ?? {}) as TierName[])])) {
      const { hits, misses } = c.tiers.get(name) ?? { hits: 0, misses: 0 };
      const store = stats?.tiers[name];
      tiers[name] = {
        hits,
        misses,
        hitRate: rate(hits, hits + misses),
        ...(store ? { bytes: store.bytes, entries: store.entries } : {}),
      };
    }
    const hits = c.cache.hits + c.cache.joined;
    const { pool, stored, data } = c;
    const window = pool.last - pool.first;
    const memory = process.memoryUsage();
    return {
      elapsedMs: round(performance.now() - c.since),
      reports: { count: c.reports, failed: c.failedReports },
      phases: summaries(phases) as MonitorSnapshot['phases'],
      phaseMs: roundAll(c.phaseMs),
      charts: { total: Object.values(c.charts).reduce((a, b) => a + b, 0), ...c.charts },
      slowest: [...c.slowest],
      cache: {
        lookups: hits + c.cache.misses,
        ...c.cache,
        hits,
        hitRate: rate(hits, hits + c.cache.misses),
        tiers,
      },
      compression: {
        entries: stored.entries,
        originalBytes: stored.original,
        storedBytes: stored.stored,
        ratio: stored.original > 0 ? round(stored.stored / stored.original) : 1,
        savedBytes: stored.original - stored.stored,
      },
      latency: summaries(latency) as MonitorSnapshot['latency'],
      data: {
        scans: data.scans,
        failed: data.failed,
        rows: data.rows,
        rowsPerSecond: Math.round(rate(data.rows, data.ms / 1000)),
      },
      memory: {
        rssBytes: memory.rss,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        heapUsedBytes: memory.heapUsed,
        cacheBytes: stats ? (stats.tiers.memory?.bytes ?? 0) : null,
      },
      errors: Object.fromEntries(c.errors),
      pool: {
        tasks: pool.tasks,
        inProcess: pool.inProcess,
        onWorkers: pool.onWorkers,
        busyMs: round(pool.busyMs),
        threads: pool.threads,
        utilization: pool.threads > 0 && window > 0 ? round(pool.busyMs / (pool.threads * window)) : null,
        startMs: pool.startMs,
        imports: roundAll(Object.fromEntries(pool.imports)),
        timeouts: c.timeouts,
        recycles: Object.fromEntries(c.recycles),
        memoryGuard: Object.fromEntries(c.guard),
      },
    };
  }
}
