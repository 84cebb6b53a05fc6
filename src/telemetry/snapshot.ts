import type { TierName } from '../cache/store.js';
import type { ChartStatus, PhaseMs, ReportPhase } from './events.js';
import type { LatencySummary } from './histogram.js';

/** One of the slowest charts seen. */
export interface SlowChart {
  readonly id: string;
  readonly type: string;
  readonly status: ChartStatus;
  readonly ms: number;
  readonly reportId?: string | undefined;
}

/** One tier's lookups; `bytes` and `entries` come from the cache itself when the monitor can read it. */
export interface TierSnapshot {
  readonly hits: number;
  readonly misses: number;
  readonly hitRate: number;
  readonly bytes?: number;
  readonly entries?: number;
}

/**
 * What a `PerformanceMonitor` has seen since it was attached or reset: plain JSON. Rates are 0
 * when there was nothing to divide; figures that need a source the monitor lacks are `null`.
 */
export interface MonitorSnapshot {
  /** Time since the monitor was attached or reset. */
  readonly elapsedMs: number;
  readonly reports: { readonly count: number; readonly failed: number };
  /** Duration of whole reports (`report`) and of each phase (phases overlap). */
  readonly phases: Readonly<Record<ReportPhase, LatencySummary>>;
  /**
   * The time each phase added to the reports rendered, summed: they do not overlap and add up to
   * `total`, as the `ms` of `--stats json` do (for one report, the same figures).
   */
  readonly phaseMs: PhaseMs;
  /** Charts by status. `failed` does not include `timedOut`. */
  readonly charts: Readonly<Record<ChartStatus, number>> & { readonly total: number };
  /** The slowest charts, slowest first. */
  readonly slowest: readonly SlowChart[];
  readonly cache: {
    /** Lookups: hits (a tier had it, or a render under way was joined) plus misses. */
    readonly lookups: number;
    readonly hits: number;
    readonly misses: number;
    readonly joined: number;
    readonly hitRate: number;
    readonly tiers: Readonly<Partial<Record<TierName, TierSnapshot>>>;
    readonly puts: number;
    readonly evictions: number;
    readonly expirations: number;
    readonly corrupt: number;
    readonly errors: number;
  };
  /** Entries stored by this process: stored / original size, and what compression saved. */
  readonly compression: {
    readonly entries: number;
    readonly originalBytes: number;
    readonly storedBytes: number;
    readonly ratio: number;
    readonly savedBytes: number;
  };
  /**
   * `render`: charts rendered (not served by the cache); `queueWait`: pool tasks before a worker
   * took them; `data`: dataset scans; `compile`: Typst to PDF; `write`: HTML or Typst source
   * written; `cacheLookup`: traced cache lookups.
   */
  readonly latency: Readonly<
    Record<'render' | 'queueWait' | 'data' | 'compile' | 'write' | 'cacheLookup', LatencySummary>
  >;
  /** Dataset scans (`failed`: those that threw; a query that fails is scanned again without it). */
  readonly data: {
    readonly scans: number;
    readonly failed: number;
    readonly rows: number;
    readonly rowsPerSecond: number;
  };
  /** Read when the snapshot is taken. `cacheBytes`: the memory tier's stored bytes. */
  readonly memory: {
    readonly rssBytes: number;
    readonly maxRssBytes: number;
    readonly heapUsedBytes: number;
    readonly cacheBytes: number | null;
  };
  /**
   * Failures by code: each failed chart (a dataset that cannot be read fails each of its charts),
   * document step, report and cache operation; an error passing up from a step to its report
   * counts once.
   */
  readonly errors: Readonly<Record<string, number>>;
  readonly pool: {
    /** Renders handed to the pool; `inProcess` ran in this thread, `onWorkers` on worker threads. */
    readonly tasks: number;
    readonly inProcess: number;
    readonly onWorkers: number;
    /** Time workers spent rendering. */
    readonly busyMs: number;
    /** Most worker threads seen. */
    readonly threads: number;
    /** Workers' busy time / (threads x time from the first submit to the last settle); null without worker renders. */
    readonly utilization: number | null;
    /** Time the pool took to start its workers, when it started while watched. */
    readonly startMs: number | null;
    /**
     * Renderer modules imported in this thread while watched, once each (`echarts` for the
     * built-in renderer), and the ms each took. Charts that waited for an import do not count it.
     */
    readonly imports: Readonly<Record<string, number>>;
    readonly timeouts: number;
    readonly recycles: Readonly<Record<string, number>>;
    readonly memoryGuard: Readonly<Record<string, number>>;
  };
}
