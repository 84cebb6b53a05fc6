import type { TierName } from '../cache/store.js';
import type { ChartStatus, PhaseMs, ReportPhase } from './events.js';
import { LatencyHistogram, round } from './histogram.js';
import type { ChartDone, TaskDone, TelemetrySink } from './interpret.js';
import type { SlowChart } from './snapshot.js';

const PHASES = ['report', 'data', 'charts', 'document'] as const;
const LATENCIES = ['render', 'queueWait', 'data', 'compile', 'write', 'cacheLookup'] as const;
const histograms = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, new LatencyHistogram()])) as Record<K, LatencyHistogram>;
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

function counters() {
  return {
    since: performance.now(),
    reports: 0,
    failedReports: 0,
    /** The time each phase added, summed over the reports that told it. */
    phaseMs: { total: 0, data: 0, charts: 0, document: 0 },
    charts: { rendered: 0, cached: 0, failed: 0, skipped: 0, timedOut: 0 } as Record<ChartStatus, number>,
    slowest: [] as SlowChart[],
    cache: { hits: 0, misses: 0, joined: 0, puts: 0, evictions: 0, expirations: 0, corrupt: 0, errors: 0 },
    tiers: new Map<TierName, { hits: number; misses: number }>(),
    stored: { entries: 0, original: 0, stored: 0 },
    data: { scans: 0, failed: 0, rows: 0, ms: 0 },
    errors: new Map<string, number>(),
    pool: {
      tasks: 0,
      inProcess: 0,
      onWorkers: 0,
      busyMs: 0,
      threads: 0,
      first: Infinity,
      last: 0,
      startMs: null as number | null,
      /** Renderer modules this thread imported, and the time each took. */
      imports: new Map<string, number>(),
    },
    timeouts: 0,
    recycles: new Map<string, number>(),
    guard: new Map<string, number>(),
  };
}

/** The figures a `PerformanceMonitor` keeps, and how each reading moves them. */
export class Tally implements TelemetrySink {
  readonly phases = histograms(PHASES);
  readonly latency = histograms(LATENCIES);
  c = counters();

  constructor(readonly slowestKept: number) {}

  reset(): void {
    this.c = counters();
    for (const h of [...Object.values(this.phases), ...Object.values(this.latency)]) h.reset();
  }

  report(r: { failed: boolean; ms: number; phaseMs?: PhaseMs | undefined }): void {
    this.phases.report.record(r.ms);
    this.c.reports++;
    if (r.failed) this.c.failedReports++;
    if (r.phaseMs) {
      const sum = this.c.phaseMs;
      sum.total += r.phaseMs.total;
      sum.data += r.phaseMs.data;
      sum.charts += r.phaseMs.charts;
      sum.document += r.phaseMs.document;
    }
  }

  phase(phase: Exclude<ReportPhase, 'report'>, ms: number): void {
    this.phases[phase].record(ms);
  }

  scan(s: { failed: boolean; rows: number; ms: number }): void {
    const { data } = this.c;
    data.scans++;
    data.rows += s.rows;
    data.ms += s.ms;
    if (s.failed) data.failed++;
    // Not an error by code: a failed scan fails its charts and tables, which count it.
    this.latency.data.record(s.ms);
  }

  chart(ch: ChartDone): void {
    this.c.charts[ch.status]++;
    const n = this.slowestKept;
    const slowest = this.c.slowest;
    if (n <= 0 || (slowest.length >= n && (slowest[n - 1]?.ms ?? 0) >= ch.ms)) return;
    slowest.push({
      id: ch.id,
      type: ch.chartType,
      status: ch.status,
      ms: round(ch.ms),
      reportId: ch.reportId,
    });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, n);
  }

  rendered(_type: string, ms: number): void {
    this.latency.render.record(ms);
  }

  skipped(): void {
    this.c.charts.skipped++;
  }

  document(d: { step: 'compile' | 'write'; ms: number }): void {
    this.latency[d.step].record(d.ms);
  }

  lookup(_source: string, ms: number): void {
    this.latency.cacheLookup.record(ms);
  }

  lookupResult(result: 'hit' | 'miss' | 'joined'): void {
    const { cache } = this.c;
    if (result === 'hit') cache.hits++;
    else if (result === 'miss') cache.misses++;
    else cache.joined++;
  }

  tierResult(tier: TierName, result: 'hit' | 'miss'): void {
    const counts = this.#tier(tier);
    if (result === 'hit') counts.hits++;
    else counts.misses++;
  }

  stored(bytes: number, originalBytes: number): void {
    this.c.cache.puts++;
    const { stored } = this.c;
    stored.entries++;
    stored.original += originalBytes;
    stored.stored += bytes;
  }

  dropped(_tier: TierName, reason: 'size' | 'ttl'): void {
    if (reason === 'size') this.c.cache.evictions++;
    else this.c.cache.expirations++;
  }

  corrupt(): void {
    this.c.cache.corrupt++;
  }

  tierError(): void {
    this.c.cache.errors++;
  }

  #tier(name: TierName): { hits: number; misses: number } {
    const found = this.c.tiers.get(name);
    if (found) return found;
    const fresh = { hits: 0, misses: 0 };
    this.c.tiers.set(name, fresh);
    return fresh;
  }

  queueWait(ms: number): void {
    this.latency.queueWait.record(ms);
  }

  task(t: TaskDone): void {
    const { pool } = this.c;
    pool.tasks++;
    if (t.place !== 'worker') {
      if (t.place === 'process') pool.inProcess++;
      return;
    }
    // Utilization is the workers': renders in this thread are not the pool's capacity.
    const now = performance.now();
    pool.onWorkers++;
    pool.busyMs += t.workerMs ?? 0;
    pool.threads = Math.max(pool.threads, t.threads ?? 0);
    pool.first = Math.min(pool.first, now - t.ms);
    pool.last = now;
  }

  poolStart(_threads: number, ms: number): void {
    this.c.pool.startMs = round(ms);
  }

  rendererImport(module: string, ms: number): void {
    const { imports } = this.c.pool;
    imports.set(module, (imports.get(module) ?? 0) + ms);
  }

  timeout(): void {
    this.c.timeouts++;
  }

  recycle(reason: string): void {
    bump(this.c.recycles, reason);
  }

  memoryGuard(action: string): void {
    bump(this.c.guard, action);
  }

  error(code: string): void {
    bump(this.c.errors, code);
  }
}
