import { describe, expect, it } from 'vitest';
import { PerformanceMonitor } from '../../src/telemetry/monitor.js';
import type { MonitorSnapshot } from '../../src/telemetry/snapshot.js';
import { formatTimings, percentShares } from '../../src/telemetry/timings.js';
import { knownReport } from './fixture.js';

const latency = (totalMs: number, count = 1) => ({
  count,
  totalMs,
  minMs: totalMs,
  meanMs: totalMs,
  p50Ms: totalMs,
  p95Ms: totalMs,
  p99Ms: totalMs,
  maxMs: totalMs,
});

describe('formatTimings', () => {
  it('prints a table per phase and the slowest charts', async () => {
    const monitor = new PerformanceMonitor().attach();
    await knownReport();
    const s = monitor.snapshot();
    monitor.detach();
    const snapshot: MonitorSnapshot = {
      ...s,
      phases: { report: latency(200), data: latency(40), charts: latency(150), document: latency(10) },
      data: { scans: 2, failed: 0, rows: 1200, rowsPerSecond: 30_000 },
      latency: { ...s.latency, compile: latency(9.5) },
    };
    expect(formatTimings(snapshot).split('\n')).toEqual([
      'phase        ms  share',
      'data       40.0    20%  2 scans, 1,200 rows (30,000 rows/s)',
      'charts    150.0    75%  10 charts: 6 rendered, 2 cached, 1 failed, 0 timed out, 1 skipped; render p50 30.0 ms, p95 60.0 ms; queue wait p50 5.0 ms',
      'document   10.0     5%  Typst compile 9.5 ms',
      'total     200.0',
      '',
      'slowest charts  type    ms  status',
      'c6              line  60.0  rendered',
      'c5              line  50.0  rendered',
      'c4              line  40.0  rendered',
      'c3              line  30.0  rendered',
      'c2              line  20.0  rendered',
    ]);
  });

  it('says so when the phases overlap', async () => {
    const s = new PerformanceMonitor().snapshot();
    const overlapping: MonitorSnapshot = {
      ...s,
      phases: { report: latency(100), data: latency(60), charts: latency(70), document: latency(10) },
    };
    expect(formatTimings(overlapping)).toContain(
      '(phases overlap: charts render while later datasets are read)',
    );
  });

  it('falls back on scan and document times when no report was traced', () => {
    const monitor = new PerformanceMonitor();
    const table = formatTimings(monitor.snapshot());
    expect(table.split('\n')[2]).toMatch(/^charts\s+-\s+0 charts/);
    expect(table).not.toContain('total');
    expect(table).not.toContain('slowest');
  });

  it('prints the time each phase added, whose shares add up to 100%, and imports on their own line', () => {
    const s = new PerformanceMonitor().snapshot();
    const snapshot: MonitorSnapshot = {
      ...s,
      // Overlapping as traced; the time each added is what the table shows.
      phases: { report: latency(300), data: latency(200), charts: latency(250), document: latency(20) },
      phaseMs: { total: 300, data: 200 / 3, charts: 200 / 3 + 100, document: 300 - 400 / 3 - 100 },
      pool: { ...s.pool, imports: { echarts: 512.25 } },
    };
    const lines = formatTimings(snapshot).split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'phase              ms  share',
      'data             66.7    22%  0 scans, 0 rows (0 rows/s)',
      'charts          166.7    56%  0 charts: 0 rendered, 0 cached, 0 failed, 0 timed out, 0 skipped',
      'document         66.7    22%',
      'total           300.0   100%',
      "ECharts import  512.3         once per process, within the phases above; in no chart's time",
    ]);
    expect(formatTimings(snapshot)).not.toContain('overlap');
  });
});

describe('percentShares', () => {
  it('gives whole percentages that add up to 100', () => {
    expect(percentShares([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentShares([0.5, 0.5, 99])).toEqual([1, 0, 99]);
    expect(percentShares([10.2, 72.7, 17.1])).toEqual([10, 73, 17]);
    expect(percentShares([0, 5, 0])).toEqual([0, 100, 0]);
    expect(percentShares([0, 0, 0])).toBeUndefined();
  });
});
