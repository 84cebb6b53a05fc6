import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CacheStats } from '../cache/stats.js';
import type { ChartStatus } from './events.js';
import { type Interpreter, interpret, type TelemetrySink } from './interpret.js';
import { listen } from './listen.js';
import { createMetrics, type Metrics } from './prometheus-metrics.js';

export interface PrometheusOptions {
  /** Registry to register on. Defaults to a registry of its own (never prom-client's global one). */
  readonly registry?: Registry;
  /** Reads the cache's counters, for `chartpress_cache_bytes` and `_entries`: `() => engine.cacheStats()`. */
  readonly cacheStats?: () => CacheStats | undefined;
  /** Also collect prom-client's process metrics (memory, CPU, event loop lag). Defaults to false. */
  readonly processMetrics?: boolean;
}

const STATUS_LABEL: Readonly<Record<ChartStatus, string>> = {
  rendered: 'rendered',
  cached: 'cached',
  failed: 'failed',
  skipped: 'skipped',
  timedOut: 'timed_out',
};
const seconds = (ms: number) => ms / 1000;

/**
 * Prometheus metrics from chartpress's diagnostics events, in the text exposition format:
 *
 *   const prometheus = new PrometheusExporter({ cacheStats: () => engine.cacheStats() }).attach();
 *   // GET /metrics:
 *   res.setHeader('content-type', prometheus.contentType);
 *   res.end(await prometheus.metrics());
 */
export class PrometheusExporter {
  readonly registry: Registry;
  readonly #events: Interpreter;
  #detach: (() => void) | undefined;

  constructor(options: PrometheusOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.#events = interpret(metricsSink(createMetrics(this.registry, options.cacheStats)));
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The `Content-Type` to serve `metrics()` with. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The metrics in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get attached(): boolean {
    return this.#detach !== undefined;
  }

  /** Starts counting. Attaching twice does nothing. */
  attach(): this {
    this.#detach ??= listen(this.#events.listeners);
    return this;
  }

  /** Stops counting; the metrics keep their values. */
  detach(): void {
    this.#detach?.();
    this.#detach = undefined;
  }

  /** Zeroes every metric. */
  reset(): void {
    this.registry.resetMetrics();
  }
}

/** The metrics each reading moves. */
function metricsSink(m: Metrics): TelemetrySink {
  return {
    report: ({ format, failed, ms }) => {
      m.reports.inc({ format, result: failed ? 'error' : 'ok' });
      m.reportDuration.observe({ format }, seconds(ms));
    },
    phase: (phase, ms) => m.phaseDuration.observe({ phase }, seconds(ms)),
    scan: ({ failed, rows, ms }) => {
      m.scans.inc({ result: failed ? 'error' : 'ok' });
      m.rows.inc(rows);
      m.scanDuration.observe(seconds(ms));
    },
    chart: (c) => m.charts.inc({ status: STATUS_LABEL[c.status] }),
    rendered: (type, ms) => m.renderDuration.observe({ type }, seconds(ms)),
    skipped: () => m.charts.inc({ status: STATUS_LABEL.skipped }),
    lookup: (source, ms) => m.cacheLookupDuration.observe({ source }, seconds(ms)),
    lookupResult: (result) => m.cacheLookups.inc({ result }),
    tierResult: (tier, result) => m.cacheRequests.inc({ tier, result }),
    stored: (bytes, originalBytes) => {
      m.cacheStored.inc(bytes);
      m.cacheOriginal.inc(originalBytes);
    },
    dropped: (tier, reason) => m.cacheEvictions.inc({ tier, reason }),
    corrupt: (tier) => m.cacheCorrupt.inc({ tier }),
    tierError: (tier) => m.cacheErrors.inc({ tier }),
    queueWait: (ms) => m.queueWait.observe(seconds(ms)),
    task: (t) => {
      if (t.workerMs !== undefined) m.poolBusy.inc(seconds(t.workerMs));
      if (t.threads !== undefined) m.poolThreads.set(t.threads);
    },
    document: (d) => {
      if (d.step === 'compile') m.compileDuration.observe(seconds(d.ms));
      else m.writeDuration.observe({ format: d.format }, seconds(d.ms));
      if (d.bytes !== undefined) m.documentBytes.inc({ format: d.format }, d.bytes);
    },
    poolStart: (threads) => m.poolThreads.set(threads),
    timeout: () => m.poolTimeouts.inc(),
    recycle: (reason) => m.poolRecycles.inc({ reason }),
    memoryGuard: (action, concurrency) => {
      m.poolGuard.inc({ action });
      m.poolConcurrency.set(concurrency);
    },
    error: (code) => m.errors.inc({ code }),
  };
}
