import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CacheStats } from '../cache/stats.js';

/** Buckets for renders, scans and compiles: 1 ms to 30 s. */
export const DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

/** chartpress's Prometheus metrics on `registry`; names follow the Prometheus conventions. */
export function createMetrics(registry: Registry, cacheStats?: () => CacheStats | undefined) {
  const registers = [registry];
  const buckets = [...DURATION_BUCKETS];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });
  const tierGauge = (name: string, help: string, field: 'bytes' | 'entries') =>
    new Gauge<'tier'>({
      name,
      help,
      labelNames: ['tier'],
      registers,
      collect() {
        const stats = cacheStats?.();
        if (!stats) return;
        for (const [tier, t] of Object.entries(stats.tiers)) if (t) this.set({ tier }, t[field]);
      },
    });
  return {
    reports: counter('chartpress_reports_total', 'Reports rendered, by format and result.', [
      'format',
      'result',
    ]),
    reportDuration: histogram('chartpress_report_duration_seconds', 'Time to render a report.', ['format']),
    phaseDuration: histogram('chartpress_report_phase_duration_seconds', 'Time per report phase.', ['phase']),
    charts: counter(
      'chartpress_charts_total',
      'Charts by status: rendered, cached, failed, skipped, timed_out.',
      ['status'],
    ),
    renderDuration: histogram(
      'chartpress_chart_render_duration_seconds',
      'Time to render a chart that was not in the cache.',
      ['type'],
    ),
    cacheRequests: counter(
      'chartpress_cache_requests_total',
      'Cache lookups per tier: hit (the tier had the chart) or miss (it did not).',
      ['tier', 'result'],
    ),
    cacheLookups: counter(
      'chartpress_cache_lookups_total',
      'Cache lookups: hit (some tier had it), miss (rendered), joined (a render under way).',
      ['result'],
    ),
    cacheLookupDuration: histogram(
      'chartpress_cache_lookup_duration_seconds',
      'Time of a cache lookup, by where the chart came from.',
      ['source'],
    ),
    cacheEvictions: counter(
      'chartpress_cache_evictions_total',
      'Entries dropped by a tier: size (byte bound) or ttl (expired).',
      ['tier', 'reason'],
    ),
    cacheCorrupt: counter('chartpress_cache_corrupt_entries_total', 'Damaged entries dropped.', ['tier']),
    cacheErrors: counter('chartpress_cache_errors_total', 'Failed cache operations.', ['tier']),
    cacheStored: counter('chartpress_cache_stored_bytes_total', 'Bytes of entries stored (compressed).'),
    cacheOriginal: counter(
      'chartpress_cache_original_bytes_total',
      'Bytes the stored entries had before compression.',
    ),
    cacheBytes: tierGauge('chartpress_cache_bytes', 'Bytes held by each cache tier.', 'bytes'),
    cacheEntries: tierGauge('chartpress_cache_entries', 'Entries held by each cache tier.', 'entries'),
    scans: counter('chartpress_dataset_scans_total', 'Dataset scans, by result.', ['result']),
    rows: counter('chartpress_dataset_rows_total', 'Rows read from datasets.'),
    scanDuration: histogram('chartpress_dataset_scan_duration_seconds', 'Time of a dataset scan.'),
    compileDuration: histogram(
      'chartpress_document_compile_duration_seconds',
      'Time to compile Typst source to PDF.',
    ),
    writeDuration: histogram(
      'chartpress_document_write_duration_seconds',
      'Time to write a document (HTML, Typst source).',
      ['format'],
    ),
    documentBytes: counter(
      'chartpress_document_bytes_total',
      'Bytes produced by document steps, by format.',
      ['format'],
    ),
    errors: counter('chartpress_errors_total', 'Failures by error code.', ['code']),
    queueWait: histogram('chartpress_pool_queue_wait_seconds', 'Time a render waited before it began.'),
    poolBusy: counter(
      'chartpress_pool_busy_seconds_total',
      'Time workers spent rendering; its rate over chartpress_pool_threads is the utilization.',
    ),
    poolThreads: new Gauge({ name: 'chartpress_pool_threads', help: 'Worker threads alive.', registers }),
    poolConcurrency: new Gauge({
      name: 'chartpress_pool_concurrency',
      help: 'Renders allowed at once, as last set by the memory guard.',
      registers,
    }),
    poolTimeouts: counter('chartpress_pool_timeouts_total', 'Renders stopped at their timeout.'),
    poolRecycles: counter('chartpress_pool_recycles_total', 'Workers replaced, by reason.', ['reason']),
    poolGuard: counter('chartpress_pool_memory_guard_steps_total', 'Memory guard steps, by action.', [
      'action',
    ]),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
