import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache/index.js';
import { traceSync, tracing } from '../../src/telemetry/channels.js';
import { PerformanceMonitor } from '../../src/telemetry/monitor.js';
import { traceChart, traceReport } from '../../src/telemetry/trace.js';
import { knownReport } from './fixture.js';

describe('PerformanceMonitor', () => {
  it('matches a report whose outcome is known', async () => {
    const cache = createCache({ memory: { maxSize: 1 << 20, ttl: 0 } });
    await cache.put('k', Buffer.from('<svg/>'));
    const monitor = new PerformanceMonitor({ cacheStats: () => cache.stats() }).attach();
    await knownReport();
    const s = monitor.snapshot();
    monitor.detach();

    expect(s.reports).toEqual({ count: 1, failed: 0 });
    expect(s.charts).toEqual({ total: 10, rendered: 6, cached: 2, failed: 1, skipped: 1, timedOut: 0 });
    expect(s.phases.report.count).toBe(1);
    expect([s.phases.data.count, s.phases.charts.count, s.phases.document.count]).toEqual([1, 1, 1]);
    expect(s.phases.report.totalMs).toBeGreaterThanOrEqual(s.phases.charts.totalMs);

    expect(s.latency.render).toMatchObject({
      count: 6,
      totalMs: 210,
      minMs: 10,
      p95Ms: 60,
      p99Ms: 60,
      maxMs: 60,
    });
    expect(s.latency.render.p50Ms).toBeCloseTo(30, 1); // HDR: within 0.1%
    expect(s.latency.queueWait).toMatchObject({ count: 7, p50Ms: 5, p99Ms: 5 });
    expect(s.latency.data.count).toBe(2);
    expect(s.latency.compile.count).toBe(1);
    expect(s.slowest.map((c) => [c.id, c.ms])).toEqual([
      ['c6', 60],
      ['c5', 50],
      ['c4', 40],
      ['c3', 30],
      ['c2', 20],
    ]);

    expect(s.cache).toMatchObject({
      lookups: 9,
      hits: 2,
      misses: 7,
      joined: 0,
      hitRate: 0.222,
      puts: 6,
      evictions: 1,
      errors: 1,
    });
    expect(s.cache.tiers.memory).toMatchObject({ hits: 1, misses: 8, hitRate: 0.111 });
    expect(s.cache.tiers.disk).toEqual({ hits: 1, misses: 7, hitRate: 0.125 });
    expect(s.compression).toEqual({
      entries: 6,
      originalBytes: 60_000,
      storedBytes: 12_000,
      ratio: 0.2,
      savedBytes: 48_000,
    });

    expect(s.data).toMatchObject({ scans: 2, failed: 0 });
    expect(s.data.rows).toBe(1200);
    expect(s.data.rowsPerSecond).toBeGreaterThan(0);
    expect(s.errors).toEqual({ CP_ERR_CHART_RENDER: 1, ECONNREFUSED: 1 });
    expect(s.pool).toMatchObject({
      tasks: 7,
      onWorkers: 7,
      inProcess: 0,
      busyMs: 140,
      threads: 2,
      timeouts: 0,
      recycles: { tasks: 1 },
    });
    expect(s.pool.utilization).toBeGreaterThan(0);

    // Memory is read from the process and the cache, not summed from events.
    expect(s.memory.rssBytes).toBeGreaterThan(s.memory.heapUsedBytes);
    expect(s.memory.maxRssBytes).toBeGreaterThanOrEqual(s.memory.rssBytes);
    expect(s.memory.cacheBytes).toBe(cache.stats().tiers.memory?.bytes);
    expect(s.cache.tiers.memory?.entries).toBe(1);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    await cache.close();
  });

  it('counts timed-out charts apart from failed ones, and each error once', async () => {
    const monitor = new PerformanceMonitor().attach();
    await traceChart({ id: 'slow', type: 'line' }, async () => ({
      status: 'failed' as const,
      error: { code: 'CP_ERR_CHART_TIMEOUT' },
    }));
    // A compile failure that also fails its report is one error, not two.
    const error = Object.assign(new Error('typst'), { code: 'CP_ERR_DOCUMENT_COMPILE' });
    const compile = () =>
      traceSync(
        tracing.document,
        () => ({ format: 'pdf' as const, step: 'compile' as const }),
        () => {
          throw error;
        },
      );
    await expect(traceReport('pdf', async () => compile())).rejects.toBe(error);
    const s = monitor.snapshot();
    monitor.detach();
    expect(s.charts).toMatchObject({ total: 1, failed: 0, timedOut: 1 });
    expect(s.reports).toEqual({ count: 1, failed: 1 });
    expect(s.errors).toEqual({ CP_ERR_CHART_TIMEOUT: 1, CP_ERR_DOCUMENT_COMPILE: 1 });
  });

  it('attaches once, stops all cost when detached, and resets', async () => {
    const monitor = new PerformanceMonitor();
    expect(monitor.attached).toBe(false);
    monitor.attach().attach();
    expect(monitor.attached).toBe(true);
    await knownReport();
    expect(monitor.snapshot().charts.total).toBe(10); // not 20: subscribed once
    monitor.reset();
    const cleared = monitor.snapshot();
    expect(cleared.charts.total).toBe(0);
    expect(cleared.latency.render.count).toBe(0);
    expect(cleared.cache.lookups).toBe(0);
    expect(cleared.slowest).toEqual([]);
    expect(monitor.attached).toBe(true);
    monitor.detach();
    monitor.detach();
    expect(monitor.attached).toBe(false);
    for (const channel of Object.values(tracing)) expect(channel.hasSubscribers).toBe(false);
    await knownReport();
    expect(monitor.snapshot().charts.total).toBe(0);
  });
});
