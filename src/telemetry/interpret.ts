import type { TierName } from '../cache/store.js';
import { errorCode } from './channels.js';
import type {
  CacheChannelEvent,
  ChartStatus,
  DocumentContext,
  PhaseMs,
  PoolEvent,
  ReportPhase,
} from './events.js';
import type { Listeners } from './listen.js';

/** A chart of a report, done: its final status and its own time (0 when it shared a render). */
export interface ChartDone {
  readonly id: string;
  readonly chartType: string;
  readonly status: Exclude<ChartStatus, 'skipped'>;
  readonly ms: number;
  readonly reportId?: string | undefined;
}

/** A render handed to the pool, settled. */
export interface TaskDone {
  /** Where it ran, once it began. */
  readonly place?: 'process' | 'worker' | undefined;
  /** From submit to settle. */
  readonly ms: number;
  /** Worker threads alive when it settled. */
  readonly threads?: number | undefined;
  /** Time a worker spent on it: set for a render on a worker that ran. */
  readonly workerMs?: number | undefined;
}

/**
 * What chartpress's diagnostics events mean, told to a metrics sink (the monitor's tally, the
 * Prometheus metrics): a sink counts what it is told and never reads an event itself.
 */
export interface TelemetrySink {
  /**
   * A whole report finished (`failed`: it threw); `phaseMs`: the time each phase added, when it
   * rendered.
   */
  report(r: {
    readonly format: string;
    readonly failed: boolean;
    readonly ms: number;
    readonly phaseMs?: PhaseMs | undefined;
  }): void;
  /** One phase of a report finished. */
  phase(phase: Exclude<ReportPhase, 'report'>, ms: number): void;
  /** A dataset scan finished. */
  scan(s: { readonly failed: boolean; readonly rows: number; readonly ms: number }): void;
  chart(c: ChartDone): void;
  /** A chart rendered now, that took time of its own (not one that shared another's render). */
  rendered(chartType: string, ms: number): void;
  /** A chart the report does not reach. */
  skipped(): void;
  /** A cache lookup finished; `source`: where the entry came from, `error` when it failed. */
  lookup(source: TierName | 'render' | 'joined' | 'error', ms: number): void;
  /** A lookup's outcome: some tier had it, none had it (rendered), or it joined a render under way. */
  lookupResult(result: 'hit' | 'miss' | 'joined'): void;
  /** One tier asked in a lookup, and whether it had the entry. */
  tierResult(tier: TierName, result: 'hit' | 'miss'): void;
  /** An entry was stored: `bytes` compressed, `originalBytes` before. */
  stored(bytes: number, originalBytes: number): void;
  /** A tier dropped an entry: to stay within its bound (`size`) or past its TTL (`ttl`). */
  dropped(tier: TierName, reason: 'size' | 'ttl'): void;
  corrupt(tier: TierName): void;
  /** A tier's operation failed (its error is told to `error` too). */
  tierError(tier: TierName): void;
  /** A render waited this long before it began. */
  queueWait(ms: number): void;
  task(t: TaskDone): void;
  /** A document step (compile, or write) finished. */
  document(d: {
    readonly step: DocumentContext['step'];
    readonly format: DocumentContext['format'];
    readonly ms: number;
    readonly bytes?: number | undefined;
  }): void;
  poolStart(threads: number, ms: number): void;
  /** This thread imported a renderer module (`echarts`, or a renderer's URL): once per module. */
  rendererImport?(module: string, ms: number): void;
  timeout(): void;
  recycle(reason: Extract<PoolEvent, { type: 'recycle' }>['reason']): void;
  memoryGuard(action: 'lower' | 'raise', concurrency: number): void;
  /** A failure by its code: once per error object, however many events carry it. */
  error(code: string): void;
}

/** The listeners that tell a sink what the events mean; `forget()` clears the errors counted so far. */
export interface Interpreter {
  readonly listeners: Listeners;
  forget(): void;
}

/**
 * The one reading of the channel events. An error that passes up from a document step to its
 * report is one failure, not two; a chart's failure code always counts.
 */
export function interpret(sink: TelemetrySink): Interpreter {
  let seen = new WeakSet<object>();
  const error = (code: string | undefined, thrown: unknown) => {
    if (code !== undefined && firstSight(seen, thrown)) sink.error(code);
  };
  const listeners: Listeners = {
    report: {
      done: (c) => {
        if (c.phase !== 'report') return sink.phase(c.phase, c.ms);
        sink.report({
          format: c.format ?? 'unknown',
          failed: c.code !== undefined,
          ms: c.ms,
          phaseMs: c.phaseMs,
        });
        error(c.code, c.error);
      },
    },
    data: { done: (c) => sink.scan({ failed: c.code !== undefined, rows: c.rows, ms: c.ms }) },
    chart: {
      done: (c) => {
        const status = c.status ?? (c.code ? 'failed' : 'rendered');
        sink.chart({ id: c.id, chartType: c.chartType, status, ms: c.ms, reportId: c.reportId });
        if (status === 'rendered' && c.ms > 0) sink.rendered(c.chartType, c.ms);
        error(c.code, undefined);
      },
    },
    cache: { done: (c) => sink.lookup(c.from ?? 'error', c.ms) },
    pool: {
      done: (c) => {
        if (c.queueMs !== undefined) sink.queueWait(c.queueMs);
        const workerMs = c.place === 'worker' ? c.runMs : undefined;
        sink.task({ place: c.place, ms: c.ms, threads: c.threads, workerMs });
      },
    },
    document: {
      done: (c) => {
        sink.document({ step: c.step, format: c.format, ms: c.ms, bytes: c.bytes });
        error(c.code, c.error);
      },
    },
    chartEvent: (e) => {
      if (e.type === 'skipped') sink.skipped();
    },
    cacheEvent: (e) => cacheEvent(sink, e, error),
    poolEvent: (e) => poolEvent(sink, e),
  };
  return {
    listeners,
    forget: () => {
      seen = new WeakSet();
    },
  };
}

function cacheEvent(
  sink: TelemetrySink,
  e: CacheChannelEvent,
  error: (code: string | undefined, thrown: unknown) => void,
): void {
  if (e.type === 'hit') {
    sink.lookupResult('hit');
    sink.tierResult(e.tier, 'hit');
    for (const tier of e.missed) sink.tierResult(tier, 'miss');
  } else if (e.type === 'miss') {
    sink.lookupResult('miss');
    for (const tier of e.tiers) sink.tierResult(tier, 'miss');
  } else if (e.type === 'joined') sink.lookupResult('joined');
  else if (e.type === 'put') sink.stored(e.bytes, e.originalBytes);
  else if (e.type === 'evict' || e.type === 'expire')
    sink.dropped(e.tier, e.type === 'evict' ? 'size' : 'ttl');
  else if (e.type === 'corrupt') sink.corrupt(e.tier);
  else {
    sink.tierError(e.tier);
    error(errorCode(e.error), e.error);
  }
}

function poolEvent(sink: TelemetrySink, e: PoolEvent): void {
  if (e.type === 'start') sink.poolStart(e.threads, e.ms);
  else if (e.type === 'import') sink.rendererImport?.(e.module, e.ms);
  else if (e.type === 'timeout') sink.timeout();
  else if (e.type === 'recycle') sink.recycle(e.reason);
  else sink.memoryGuard(e.action, e.concurrency);
}

/**
 * Whether `error` is seen for the first time: an error that passes up from a document step to
 * its report is one failure, not two. Non-objects (a chart's failure code) always count.
 */
export function firstSight(seen: WeakSet<object>, error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  if (seen.has(error)) return false;
  seen.add(error);
  return true;
}
