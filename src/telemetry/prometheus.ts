import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CacheStats } from '../cache/stats.js';
import { errorCode } from './channels.js';
import type { CacheChannelEvent, ChartStatus, PoolEvent } from './events.js';
import { listen } from './listen.js';
import { createMetrics, type Metrics } from './prometheus-metrics.js';
import { firstSight } from './tally.js';

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
  readonly #m: Metrics;
  readonly #counted = new WeakSet<object>();
  #detach: (() => void) | undefined;

  constructor(options: PrometheusOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.#m = createMetrics(this.registry, options.cacheStats);
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
    const m = this.#m;
    this.#detach ??= listen({
      report: {
        done: (c) => {
          if (c.phase !== 'report') return m.phaseDuration.observe({ phase: c.phase }, seconds(c.ms));
          const format = c.format ?? 'unknown';
          m.reports.inc({ format, result: c.code === undefined ? 'ok' : 'error' });
          m.reportDuration.observe({ format }, seconds(c.ms));
          this.#error(c.code, c.error);
        },
      },
      data: {
        done: (c) => {
          m.scans.inc({ result: c.code === undefined ? 'ok' : 'error' });
          m.rows.inc(c.rows);
          m.scanDuration.observe(seconds(c.ms));
        },
      },
      chart: {
        done: (c) => {
          const status = c.status ?? (c.code ? 'failed' : 'rendered');
          m.charts.inc({ status: STATUS_LABEL[status] });
          if (status === 'rendered' && c.ms > 0)
            m.renderDuration.observe({ type: c.chartType }, seconds(c.ms));
          this.#error(c.code, undefined);
        },
      },
      cache: {
        done: (c) => m.cacheLookupDuration.observe({ source: c.from ?? 'error' }, seconds(c.ms)),
      },
      pool: {
        done: (c) => {
          if (c.queueMs !== undefined) m.queueWait.observe(seconds(c.queueMs));
          if (c.runMs !== undefined && c.place === 'worker') m.poolBusy.inc(seconds(c.runMs));
          if (c.threads !== undefined) m.poolThreads.set(c.threads);
        },
      },
      document: {
        done: (c) => {
          if (c.step === 'compile') m.compileDuration.observe(seconds(c.ms));
          else m.writeDuration.observe({ format: c.format }, seconds(c.ms));
          if (c.bytes !== undefined) m.documentBytes.inc({ format: c.format }, c.bytes);
          this.#error(c.code, c.error);
        },
      },
      chartEvent: (e) => {
        if (e.type === 'skipped') m.charts.inc({ status: 'skipped' });
      },
      cacheEvent: (e) => this.#cache(e),
      poolEvent: (e) => this.#pool(e),
    });
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

  #cache(e: CacheChannelEvent) {
    const m = this.#m;
    switch (e.type) {
      case 'hit':
        m.cacheLookups.inc({ result: 'hit' });
        m.cacheRequests.inc({ tier: e.tier, result: 'hit' });
        for (const tier of e.missed) m.cacheRequests.inc({ tier, result: 'miss' });
        break;
      case 'miss':
        m.cacheLookups.inc({ result: 'miss' });
        for (const tier of e.tiers) m.cacheRequests.inc({ tier, result: 'miss' });
        break;
      case 'joined':
        m.cacheLookups.inc({ result: 'joined' });
        break;
      case 'put':
        m.cacheStored.inc(e.bytes);
        m.cacheOriginal.inc(e.originalBytes);
        break;
      case 'evict':
      case 'expire':
        m.cacheEvictions.inc({ tier: e.tier, reason: e.type === 'evict' ? 'size' : 'ttl' });
        break;
      case 'corrupt':
        m.cacheCorrupt.inc({ tier: e.tier });
        break;
      case 'error':
        m.cacheErrors.inc({ tier: e.tier });
        this.#error(errorCode(e.error), e.error);
    }
  }

  #pool(e: PoolEvent) {
    const m = this.#m;
    if (e.type === 'start') m.poolThreads.set(e.threads);
    else if (e.type === 'timeout') m.poolTimeouts.inc();
    else if (e.type === 'recycle') m.poolRecycles.inc({ reason: e.reason });
    else {
      m.poolGuard.inc({ action: e.action });
      m.poolConcurrency.set(e.concurrency);
    }
  }

  /** Counts a failure by code, once per error object. */
  #error(code: string | undefined, error: unknown) {
    if (code !== undefined && firstSight(this.#counted, error)) this.#m.errors.inc({ code });
  }
}
