import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PrometheusExporter } from '../../src/telemetry/prometheus.js';
import { knownReport } from './fixture.js';

/**
 * `name{labels} value`: a sample line of the text exposition format. Prometheus reads values with
 * Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes `Nan` for a lag not yet
 * measured).
 */
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|(?:nan|[+-]inf))$/i;

/** Parses the exposition text: every line a `# HELP`/`# TYPE` comment or a sample. */
function parse(text: string): { name: string; labels: string; value: number }[] {
  const samples: { name: string; labels: string; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    samples.push({ name: m[1] ?? '', labels: m[2] ?? '', value: Number(m[4]) });
  }
  return samples;
}

const DOCUMENTED = [
  'chartpress_reports_total',
  'chartpress_report_duration_seconds',
  'chartpress_report_phase_duration_seconds',
  'chartpress_charts_total',
  'chartpress_chart_render_duration_seconds',
  'chartpress_cache_requests_total',
  'chartpress_cache_lookups_total',
  'chartpress_cache_lookup_duration_seconds',
  'chartpress_cache_evictions_total',
  'chartpress_cache_corrupt_entries_total',
  'chartpress_cache_errors_total',
  'chartpress_cache_stored_bytes_total',
  'chartpress_cache_original_bytes_total',
  'chartpress_cache_bytes',
  'chartpress_cache_entries',
  'chartpress_dataset_scans_total',
  'chartpress_dataset_rows_total',
  'chartpress_dataset_scan_duration_seconds',
  'chartpress_document_compile_duration_seconds',
  'chartpress_document_write_duration_seconds',
  'chartpress_document_bytes_total',
  'chartpress_errors_total',
  'chartpress_pool_queue_wait_seconds',
  'chartpress_pool_busy_seconds_total',
  'chartpress_pool_threads',
  'chartpress_pool_concurrency',
  'chartpress_pool_timeouts_total',
  'chartpress_pool_recycles_total',
  'chartpress_pool_memory_guard_steps_total',
];

describe('PrometheusExporter', () => {
  it('exposes the documented metrics, in text that parses, on its own registry', async () => {
    const prometheus = new PrometheusExporter({
      cacheStats: () => ({
        hits: 0,
        misses: 0,
        joined: 0,
        tiers: {
          memory: {
            hits: 0,
            misses: 0,
            entries: 3,
            bytes: 4096,
            originalBytes: 9000,
            evictions: 0,
            expirations: 0,
            ratio: 0.46,
            corrupt: 0,
            errors: 0,
          },
        },
      }),
    }).attach();
    await knownReport();
    const text = await prometheus.metrics();
    prometheus.detach();
    const samples = parse(text);
    const names = new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith('# TYPE '))
        .map((l) => l.split(' ')[2]),
    );
    expect([...names].sort()).toEqual([...DOCUMENTED].sort());
    expect(prometheus.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await globalRegistry.metrics()).not.toContain('chartpress_');

    const value = (name: string, labels = '') =>
      samples.find((s) => s.name === name && s.labels === labels)?.value;
    expect(value('chartpress_charts_total', '{status="rendered"}')).toBe(6);
    expect(value('chartpress_charts_total', '{status="cached"}')).toBe(2);
    expect(value('chartpress_charts_total', '{status="failed"}')).toBe(1);
    expect(value('chartpress_charts_total', '{status="skipped"}')).toBe(1);
    expect(value('chartpress_cache_requests_total', '{tier="memory",result="hit"}')).toBe(1);
    expect(value('chartpress_cache_requests_total', '{tier="memory",result="miss"}')).toBe(8);
    expect(value('chartpress_cache_requests_total', '{tier="disk",result="hit"}')).toBe(1);
    expect(value('chartpress_cache_lookups_total', '{result="miss"}')).toBe(7);
    expect(value('chartpress_cache_stored_bytes_total')).toBe(12_000);
    expect(value('chartpress_cache_bytes', '{tier="memory"}')).toBe(4096);
    expect(value('chartpress_dataset_rows_total')).toBe(1200);
    expect(value('chartpress_chart_render_duration_seconds_count', '{type="line"}')).toBe(6);
    expect(value('chartpress_chart_render_duration_seconds_sum', '{type="line"}')).toBeCloseTo(0.21);
    expect(value('chartpress_document_compile_duration_seconds_count')).toBe(1);
    expect(value('chartpress_reports_total', '{format="pdf",result="ok"}')).toBe(1);
    expect(value('chartpress_errors_total', '{code="CP_ERR_CHART_RENDER"}')).toBe(1);
    expect(value('chartpress_pool_queue_wait_seconds_count')).toBe(7);
    expect(value('chartpress_pool_busy_seconds_total')).toBeCloseTo(0.14);
  });

  it('attaches once, stops counting when detached, and resets', async () => {
    const prometheus = new PrometheusExporter().attach().attach();
    await knownReport();
    const rendered = async () =>
      parse(await prometheus.metrics()).find(
        (s) => s.name === 'chartpress_charts_total' && s.labels === '{status="rendered"}',
      )?.value;
    expect(await rendered()).toBe(6);
    prometheus.detach();
    expect(prometheus.attached).toBe(false);
    await knownReport();
    expect(await rendered()).toBe(6);
    prometheus.reset();
    expect(await rendered()).toBeUndefined();
  });

  it('adds the process metrics on request', async () => {
    const prometheus = new PrometheusExporter({ processMetrics: true });
    const text = await prometheus.metrics();
    expect(text).toContain('process_resident_memory_bytes');
    parse(text);
  });
});
