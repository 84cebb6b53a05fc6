import type { TierName } from '../cache/store.js';
import { errorCode } from './channels.js';
import type {
  CacheChannelEvent,
  ChartContext,
  ChartStatus,
  DataContext,
  DocumentContext,
  Finished,
  PoolEvent,
  PoolTaskContext,
  ReportContext,
} from './events.js';
import { LatencyHistogram, round } from './histogram.js';
import type { SlowChart } from './snapshot.js';

type Done<C> = Finished<C> & { ms: number };

const PHASES = ['report', 'data', 'charts', 'document'] as const;
const LATENCIES = ['render', 'queueWait', 'data', 'compile', 'write', 'cacheLookup'] as const;
const histograms = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, new LatencyHistogram()])) as Record<K, LatencyHistogram>;
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

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

function counters() {
  return {
    since: performance.now(),
    reports: 0,
    failedReports: 0,
    charts: { rendered: 0, cached: 0, failed: 0, skipped: 0, timedOut: 0 } as Record<ChartStatus, number>,
    slowest: [] as SlowChart[],
    cache: { hits: 0, misses: 0, joined: 0, puts: 0, evictions: 0, expirations: 0, corrupt: 0, errors: 0 },
    tiers: new Map<TierName, { hits: number; misses: number }>(),
    stored: { entries: 0, original: 0, stored: 0 },
    data: { scans: 0, failed: 0, rows: 0, ms: 0 },
    errors: new Map<string, number>(),
    seen: new WeakSet<object>(),
    pool: {
      tasks: 0,
      inProcess: 0,
      onWorkers: 0,
      busyMs: 0,
      threads: 0,
      first: Infinity,
      last: 0,
      startMs: null as number | null,
    },
    timeouts: 0,
    recycles: new Map<string, number>(),
    guard: new Map<string, number>(),
  };
}

/** The figures a `PerformanceMonitor` keeps, and how each event moves them. */
export class Tally {
  readonly phases = histograms(PHASES);
  readonly latency = histograms(LATENCIES);
  c = counters();

  constructor(readonly slowestKept: number) {}

  reset(): void {
    this.c = counters();
    for (const h of [...Object.values(this.phases), ...Object.values(this.latency)]) h.reset();
  }

  report(r: Done<ReportContext>): void {
    this.phases[r.phase].record(r.ms);
    if (r.phase !== 'report') return;
    this.c.reports++;
    if (r.code === undefined) return;
    this.c.failedReports++;
    this.error(r.code, r.error);
  }

  scan(d: Done<DataContext>): void {
    const { data } = this.c;
    data.scans++;
    data.rows += d.rows;
    data.ms += d.ms;
    if (d.code !== undefined) data.failed++;
    // Not an error by code: a failed scan fails its charts and tables, which count it.
    this.latency.data.record(d.ms);
  }

  chart(ch: Done<ChartContext>): void {
    const status = ch.status ?? (ch.code ? 'failed' : 'rendered');
    this.c.charts[status]++;
    // A chart that shared another's render took no time of its own: counted, not timed.
    if (status === 'rendered' && ch.ms > 0) this.latency.render.record(ch.ms);
    this.error(ch.code, undefined);
    const n = this.slowestKept;
    const slowest = this.c.slowest;
    if (n <= 0 || (slowest.length >= n && (slowest[n - 1]?.ms ?? 0) >= ch.ms)) return;
    slowest.push({ id: ch.id, type: ch.chartType, status, ms: round(ch.ms), reportId: ch.reportId });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, n);
  }

  skipped(): void {
    this.c.charts.skipped++;
  }

  document(d: Done<DocumentContext>): void {
    this.latency[d.step].record(d.ms);
    this.error(d.code, d.error);
  }

  cache(e: CacheChannelEvent): void {
    const { cache } = this.c;
    if (e.type === 'hit') {
      cache.hits++;
      this.#tier(e.tier).hits++;
      for (const m of e.missed) this.#tier(m).misses++;
    } else if (e.type === 'miss') {
      cache.misses++;
      for (const m of e.tiers) this.#tier(m).misses++;
    } else if (e.type === 'joined') cache.joined++;
    else if (e.type === 'put') {
      cache.puts++;
      const { stored } = this.c;
      stored.entries++;
      stored.original += e.originalBytes;
      stored.stored += e.bytes;
    } else if (e.type === 'evict') cache.evictions++;
    else if (e.type === 'expire') cache.expirations++;
    else if (e.type === 'corrupt') cache.corrupt++;
    else {
      cache.errors++;
      this.error(errorCode(e.error), e.error);
    }
  }

  #tier(name: TierName): { hits: number; misses: number } {
    const found = this.c.tiers.get(name);
    if (found) return found;
    const fresh = { hits: 0, misses: 0 };
    this.c.tiers.set(name, fresh);
    return fresh;
  }

  task(t: Done<PoolTaskContext>): void {
    const { pool } = this.c;
    pool.tasks++;
    if (t.queueMs !== undefined) this.latency.queueWait.record(t.queueMs);
    if (t.place !== 'worker') {
      if (t.place === 'process') pool.inProcess++;
      return;
    }
    // Utilization is the workers': renders in this thread are not the pool's capacity.
    const now = performance.now();
    pool.onWorkers++;
    pool.busyMs += t.runMs ?? 0;
    pool.threads = Math.max(pool.threads, t.threads ?? 0);
    pool.first = Math.min(pool.first, now - t.ms);
    pool.last = now;
  }

  pool(e: PoolEvent): void {
    if (e.type === 'start') this.c.pool.startMs = round(e.ms);
    else if (e.type === 'timeout') this.c.timeouts++;
    else if (e.type === 'recycle') bump(this.c.recycles, e.reason);
    else bump(this.c.guard, e.action);
  }

  /** Counts a failure by its code, once per error object. */
  error(code: string | undefined, error: unknown): void {
    if (code !== undefined && firstSight(this.c.seen, error)) bump(this.c.errors, code);
  }
}
