import type { TierName } from '../cache/store.js';

/**
 * The payloads published on chartpress's diagnostics channels. Durations are milliseconds at
 * `performance.now()` resolution; sizes are bytes.
 *
 * A traced operation publishes one context object on `start`, `end` (and, when asynchronous,
 * `asyncStart`/`asyncEnd`), and `error` when it throws. Its `ms` is set once the operation has
 * finished: an `end` without `ms` is the synchronous return of an operation still running.
 */
export interface Traced {
  /** The report this belongs to, when published while a report was traced. */
  reportId?: string | undefined;
  /** How long the operation took. Set when it has finished. */
  ms?: number;
  /** Error code (`CP_ERR_*`, or a system code such as `ECONNREFUSED`) when it failed. */
  code?: string | undefined;
}

/** What a traced context carries once Node has published it (the result or the thrown error). */
export type Finished<C> = C & { readonly error?: unknown; readonly result?: unknown };

/** The phases of a report, and `report` for the whole of it. */
export const ReportPhase = {
  report: 'report',
  data: 'data',
  charts: 'charts',
  document: 'document',
} as const;
export type ReportPhase = keyof typeof ReportPhase;

/** `chartpress:report`: one render of a report (`phase: 'report'`) and each of its phases. */
export interface ReportContext extends Traced {
  reportId: string;
  phase: ReportPhase;
  /** Output format, on the whole report. */
  format?: string | undefined;
  /** Report title, once known. */
  title?: string | undefined;
  /** Charts the report reached, once planned. */
  charts?: number | undefined;
  /** Size of the output, once written. */
  bytes?: number | undefined;
  /**
   * On a whole report, once done: the time each phase added (they do not overlap, and add up to
   * the report's time), the `ms` of its stats (`--stats json`).
   */
  phaseMs?: PhaseMs | undefined;
}

/** The time each phase of a report added: `data` until every dataset was read, and so on. */
export interface PhaseMs {
  readonly total: number;
  readonly data: number;
  readonly charts: number;
  readonly document: number;
}

/** `chartpress:data`: one streaming scan of a dataset, feeding all of its queries. */
export interface DataContext extends Traced {
  /** Dataset name, e.g. `sales`. */
  dataset: string;
  /** Queries fed by the scan. */
  queries: number;
  /** Rows read from the source (so far, until `ms` is set). */
  rows: number;
}

/** What became of a chart. `timedOut`: its render was stopped by the per-chart timeout. */
export const ChartStatus = {
  rendered: 'rendered',
  cached: 'cached',
  failed: 'failed',
  skipped: 'skipped',
  timedOut: 'timedOut',
} as const;
export type ChartStatus = keyof typeof ChartStatus;

/** `chartpress:chart` (traced): one chart from key to SVG, through the cache or a render. */
export interface ChartContext extends Traced {
  /** Chart id, e.g. `revenue`. */
  id: string;
  /** Chart type, e.g. `line`. */
  chartType: string;
  /** Set when finished. */
  status?: Exclude<ChartStatus, 'skipped'> | undefined;
  /** Content key, once computed. */
  key?: string | undefined;
  /** Size of the SVG. */
  bytes?: number | undefined;
  /** The tier that served a cached chart (or `joined`: it waited for a render under way). */
  tier?: TierName | 'joined' | undefined;
}

/** `chartpress:chart` (event): a chart the report does not reach (its `when` is false). */
export interface ChartSkipped {
  readonly type: 'skipped';
  readonly reportId?: string | undefined;
  readonly id: string;
  readonly chartType: string;
}
export type ChartEvent = ChartSkipped;

/** `chartpress:cache` (traced): one lookup (`fetch`) of the tiered cache. */
export interface CacheLookupContext extends Traced {
  key: string;
  /** Where the entry came from, once found: a tier, a render now, or a render under way. */
  from?: TierName | 'render' | 'joined' | undefined;
}

/** A tier met a damaged entry (dropped, then treated as a miss) or failed an operation. */
export type CacheProblemEvent =
  | { readonly type: 'corrupt'; readonly tier: TierName; readonly key: string; readonly reason: string }
  | { readonly type: 'error'; readonly tier: TierName; readonly key: string; readonly error: unknown };

/**
 * `chartpress:cache` (event). One `hit`, `miss` or `joined` per lookup; `put` once per stored
 * entry; `evict`/`expire` per entry a tier drops; `corrupt`/`error` as a tier meets them.
 * `key` is the content key (hex SHA-256; its first 12 characters are a fine short form).
 */
export type CacheChannelEvent =
  /** A tier had the entry; `missed` are the tiers before it that did not. */
  | {
      readonly type: 'hit';
      readonly tier: TierName;
      readonly key: string;
      readonly bytes: number;
      readonly missed: readonly TierName[];
      readonly ms?: number;
    }
  /** No tier had the entry; `tiers` are the tiers asked (a failing tier is not among them). */
  | { readonly type: 'miss'; readonly key: string; readonly tiers: readonly TierName[]; readonly ms?: number }
  /** The lookup waited for a render of the same key already under way. */
  | { readonly type: 'joined'; readonly key: string }
  /** An entry was encoded and written to `tiers`: `bytes` stored, `originalBytes` before compression. */
  | {
      readonly type: 'put';
      readonly key: string;
      readonly tiers: readonly TierName[];
      readonly bytes: number;
      readonly originalBytes: number;
      readonly codec: string;
    }
  /** A tier dropped an entry to stay within its byte bound. */
  | { readonly type: 'evict'; readonly tier: TierName; readonly key: string; readonly bytes: number }
  /** A tier dropped an entry whose TTL had passed. */
  | { readonly type: 'expire'; readonly tier: TierName; readonly key: string; readonly bytes: number }
  | CacheProblemEvent;

/** `chartpress:pool` (traced): one chart render handed to the pool, from submit to settle. */
export interface PoolTaskContext extends Traced {
  /** The chart rendered. */
  chartId: string;
  chartType: string;
  /** Where it ran: in this thread (small batches) or on a worker. Set when it began. */
  place?: 'process' | 'worker' | undefined;
  /** The worker's thread id, for a render on a worker. */
  threadId?: number | undefined;
  /** Time it waited (queue, worker start) before it began. */
  queueMs?: number | undefined;
  /** Time from when it began to when it settled. */
  runMs?: number | undefined;
  /** Worker threads alive when it settled. */
  threads?: number | undefined;
  /** Renders waiting for a worker when it settled. */
  queued?: number | undefined;
  status?: 'ok' | 'failed' | 'timedOut' | undefined;
}

/** `chartpress:pool` (event): what the pool did apart from running renders. */
export type PoolEvent =
  /** The workers started and loaded the renderer (`ms` from asking to all ready). */
  | { readonly type: 'start'; readonly threads: number; readonly ms: number }
  /**
   * This thread imported a renderer module, once: `echarts` (the built-in renderer) or the URL
   * of a renderer given in the pool options. Charts that waited for it do not count its time.
   */
  | { readonly type: 'import'; readonly module: string; readonly ms: number }
  /** A render passed its timeout and was stopped (`limitMs`: the timeout). */
  | {
      readonly type: 'timeout';
      readonly reportId?: string | undefined;
      readonly chartId: string;
      readonly limitMs: number;
    }
  /** A worker was replaced: after a timeout, a crash, a heap too full, or enough renders. */
  | {
      readonly type: 'recycle';
      readonly reason: 'timeout' | 'error' | 'memory' | 'tasks';
      readonly threadId?: number | undefined;
    }
  /**
   * The memory guard moved the number of renders allowed at once (`concurrency`) one step down
   * (`lower`: `heapShare`, the share of the heap limit in use, is above `limitShare`) or back up.
   */
  | {
      readonly type: 'memoryGuard';
      readonly action: 'lower' | 'raise';
      readonly concurrency: number;
      readonly heapShare: number;
      readonly limitShare: number;
    };

/** `chartpress:document`: one document step, the Typst compile or the writing of HTML / Typst. */
export interface DocumentContext extends Traced {
  format: 'pdf' | 'html' | 'typ';
  /** `compile`: Typst source to PDF; `write`: the model to HTML or Typst source. */
  step: 'compile' | 'write';
  /** Chart files embedded. */
  charts?: number | undefined;
  /** Size of what went in: Typst source and chart files. */
  inputBytes?: number | undefined;
  /** Size of the output. */
  bytes?: number | undefined;
}
