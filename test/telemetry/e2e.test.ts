import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache, createEngine } from '../../src/index.js';
import { PerformanceMonitor } from '../../src/telemetry/monitor.js';
import { OpenTelemetryTracing } from '../../src/telemetry/otel.js';
import { PrometheusExporter } from '../../src/telemetry/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const rows = ['region,product,amount'];
for (let i = 0; i < 300; i++) rows.push(`${['EU', 'US', 'APAC'][i % 3]},${['a', 'b'][i % 2]},${i}`);
tmp.write('data/sales.csv', rows.join('\n'));
const chart = (i: number, type: string) => `
  c${i}:
    type: ${type}
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
    options: { width: ${400 + i * 10} }`;
const header = 'datasets:\n  sales: { source: csv, path: data/sales.csv }\ncharts:';
const eight = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => chart(i, i % 2 ? 'bar' : 'line')).join('');
/** c1..c8 drawable, c9 on a column that does not exist, c10 behind a `when` that is false. */
const full = tmp.write(
  'full.yaml',
  `title: Known\nparams:\n  detail: { type: boolean, default: false }\n${header}${eight}
  c9:
    type: bar
    data: { from: sales, groupBy: [nope], aggregate: { n: { op: count } } }
    encode: { x: nope, y: n }
  c10:
    type: pie
    data: { from: sales, groupBy: [region], aggregate: { n: { op: count } } }
    encode: { x: region, y: n }
body:
${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `  - chart: c${i}`).join('\n')}
  - when: detail
    then: [{ chart: c10 }]
`,
);
/** c7 and c8 as in the full report: rendered first, they are cached for it. */
const warm = tmp.write(
  'warm.yaml',
  `title: Warm\n${header}${chart(7, 'bar')}${chart(8, 'line')}\nbody:\n  - chart: c7\n  - chart: c8\n`,
);

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
});

describe('telemetry of a real report', () => {
  it('6 rendered, 2 cached, 1 failed, 1 skipped: the monitor, Prometheus and the spans agree', async () => {
    const cache = createCache({ memory: { maxSize: 1 << 24, ttl: 0 } });
    const engine = createEngine({ cache, pool: { threads: 2, enforceTimeouts: true } });
    await engine.render(warm);
    trace.setGlobalTracerProvider(provider);
    const monitor = new PerformanceMonitor({ cacheStats: () => engine.cacheStats() }).attach();
    const prometheus = new PrometheusExporter().attach();
    const otel = new OpenTelemetryTracing().attach();
    try {
      const result = await engine.render(full);
      const s = monitor.snapshot();
      expect(result.stats.charts).toEqual({ total: 10, rendered: 6, cached: 2, failed: 1, skipped: 1 });
      expect(s.charts).toEqual({ total: 10, rendered: 6, cached: 2, failed: 1, skipped: 1, timedOut: 0 });
      expect(s.reports).toEqual({ count: 1, failed: 0 });
      expect(s.cache).toMatchObject({ lookups: 8, hits: 2, misses: 6, puts: 6 });
      expect(s.cache.tiers.memory).toMatchObject({ hits: 2, misses: 6, entries: 8 });
      // The query on a missing column fails its scan; the dataset is read again for the others.
      expect(s.data).toMatchObject({ scans: 2, failed: 1, rows: 300 });
      expect(s.errors).toEqual({ CP_ERR_UNKNOWN_COLUMN: 1 });
      expect(s.latency.render.count).toBe(6);
      expect(s.latency.compile.count).toBe(1);
      expect(s.pool).toMatchObject({ tasks: 6, onWorkers: 6, threads: 2 });
      expect(s.memory.cacheBytes).toBe(engine.cacheStats()?.tiers.memory?.bytes);

      const text = await prometheus.metrics();
      expect(text).toContain('chartpress_charts_total{status="rendered"} 6');
      expect(text).toContain('chartpress_cache_requests_total{tier="memory",result="hit"} 2');
      expect(text).toContain('chartpress_document_compile_duration_seconds_count 1');

      const spans = exporter.getFinishedSpans();
      const count = (name: string) => spans.filter((x) => x.name === name).length;
      expect(count('chartpress.report')).toBe(1);
      expect(count('chartpress.dataset')).toBe(2);
      expect(count('chartpress.chart')).toBe(9);
      expect(count('chartpress.pool.render')).toBe(6);
      expect(count('chartpress.document.compile')).toBe(1);
    } finally {
      monitor.detach();
      prometheus.detach();
      otel.detach();
      await engine.close();
      await cache.close();
    }
  });
});
