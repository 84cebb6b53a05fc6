import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { PerformanceMonitor } from '../../src/telemetry/monitor.js';
import { formatTimings } from '../../src/telemetry/timings.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
tmp.write('sales.csv', 'month,region,amount\n2024-01,EU,10\n2024-01,US,20\n2024-02,EU,15\n2024-02,US,25\n');
const report = tmp.write(
  'report.yaml',
  `title: T
datasets:
  sales: { source: csv, path: sales.csv }
charts:
  by_region: { type: bar, data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }, encode: { x: region, y: total } }
  by_month: { type: line, data: { from: sales, groupBy: [month, region], aggregate: { total: { op: sum, field: amount } } }, encode: { x: month, y: total, series: region } }
  share: { type: pie, data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }, encode: { x: region, y: total } }
body:
  - chart: by_region
  - chart: by_month
  - chart: share
`,
);
const slowImport = new URL('./fixtures/slow-import-renderer.mjs', import.meta.url);

/** The cells of the `--timings` row that starts with `label`. */
const row = (lines: readonly string[], label: string) =>
  lines
    .find((l) => l.startsWith(`${label} `))
    ?.slice(label.length)
    .trim()
    .split(/\s{2,}/) ?? [];

describe('--timings', () => {
  // First in this file: this render is the one that imports ECharts.
  it('agrees with --stats json, its shares add up to 100%, and the ECharts import has its own line', async () => {
    const run = await cli(
      'render',
      report,
      '-o',
      `${tmp.dir}/out.typ`,
      '--no-cache',
      '--concurrency',
      '1',
      '--timings',
      '--stats',
      'json',
    );
    expect(run.code).toBe(0);
    const stats = JSON.parse(run.stdout.at(-1) ?? '{}');
    const lines = run.stdout.slice(0, -1);
    const phases = ['data', 'charts', 'document'] as const;
    for (const phase of phases) expect(row(lines, phase)[0]).toBe(stats.ms[phase].toFixed(1));
    expect(row(lines, 'total')).toEqual([stats.ms.total.toFixed(1), '100%']);
    const shares = phases.map((p) => Number.parseInt(row(lines, p)[1] ?? '', 10));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(100);
    // The import, once, on a line of its own, as the monitor has it.
    const importMs = stats.metrics.pool.imports.echarts;
    expect(importMs).toBeGreaterThan(0);
    expect(row(lines, 'ECharts import')[0]).toBe(importMs.toFixed(1));
    expect(stats.metrics.phaseMs).toEqual(stats.ms);
  });

  it("keeps a renderer's import out of every chart's time", async () => {
    const engine = createEngine({
      cache: false,
      pool: { threads: 1, renderers: { bar: slowImport, line: slowImport, pie: slowImport } },
    });
    const monitor = new PerformanceMonitor().attach();
    try {
      const t0 = performance.now();
      const result = await engine.render(report, { format: 'typ' });
      const wall = performance.now() - t0;
      const importMs = monitor.snapshot().pool.imports[slowImport.href] ?? 0;
      expect(importMs).toBeGreaterThanOrEqual(250);
      // A chart's time plus the import fits in the render only if the import is not in the
      // chart's time: the first chart waited for all of it.
      for (const chart of result.charts) expect(chart.ms + importMs).toBeLessThanOrEqual(wall + 1);
      const table = formatTimings(monitor.snapshot());
      expect(table).toContain(`import ${slowImport.href}`);
      for (const slow of monitor.snapshot().slowest) expect(slow.ms + importMs).toBeLessThanOrEqual(wall + 1);
    } finally {
      monitor.detach();
      await engine.close();
    }
  });
});
