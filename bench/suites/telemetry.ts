import { join } from 'node:path';
import { publishWith } from '../../src/cache/events.js';
import { createMemoryStore } from '../../src/cache/memory.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { renderChartSvg } from '../../src/chart/render.js';
import { frameFromRows } from '../../src/frame.js';
import { createEngine } from '../../src/index.js';
import { downsampleFrame } from '../../src/pipeline/downsample.js';
import { planReport } from '../../src/pipeline/plan.js';
import { resolveParams } from '../../src/spec/params.js';
import { DEFAULT_MAX_REPORT_BYTES, loadReportFile, validateReport } from '../../src/spec/parse.js';
import { traceAsync, traceSync, tracing } from '../../src/telemetry/channels.js';
import { PerformanceMonitor } from '../../src/telemetry/monitor.js';
import { PrometheusExporter } from '../../src/telemetry/prometheus.js';
import { traceChart } from '../../src/telemetry/trace.js';
import { median, ms, row, times } from '../stats.js';

const example = join(import.meta.dirname, '../../examples/sales/report.yaml');
const ROUNDS = 7;

/** Nanoseconds per call of `fn`: `n` calls, awaited one after another when they return promises. */
async function perCall(n: number, fn: () => unknown): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
  }
  return Number(process.hrtime.bigint() - t) / n;
}

/**
 * What `traced` costs over `bare`, in ns per call: rounds of each, interleaved so that drift in
 * the machine's speed hits both alike; the median of the per-round differences.
 */
async function overhead(n: number, traced: () => unknown, bare: () => unknown): Promise<number> {
  const diffs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) diffs.push((await perCall(n, traced)) - (await perCall(n, bare)));
  return Math.max(0, median(diffs));
}

const ns = (x: number) => (x < 1 ? '< 1 ns' : `${x.toFixed(0)} ns`);
const share = (x: number) => `${(100 * x).toPrecision(2)}%`;

/** The events a chart costs, measured against doing the same work without them. */
async function eventCosts() {
  const hit = () => publishWith(() => ({ type: 'hit', tier: 'memory', key: 'k', bytes: 2000, missed: [] }));
  const work = () => 1;
  const compile = () =>
    traceSync(tracing.document, () => ({ format: 'pdf' as const, step: 'compile' as const }), work);
  const outcome = { status: 'cached' as const, key: 'k', bytes: 2000, tier: 'memory' as const };
  const draw = async () => outcome;
  const chart = () => traceChart({ id: 'revenue', type: 'line' }, draw);
  const task = () => traceAsync(tracing.pool, () => ({ chartId: 'revenue', chartType: 'line' }), draw);
  return {
    publish: await overhead(5e5, hit, () => {}),
    traceSync: await overhead(5e5, compile, work),
    traceAsync: await overhead(1e5, chart, draw),
    poolTask: await overhead(1e5, task, draw),
  };
}

/**
 * What telemetry costs: per event with nobody listening, with the monitor attached and with the
 * Prometheus exporter attached; and per chart, as a share of a memory-cache hit and of a render.
 */
export async function telemetry(): Promise<void> {
  const { hitMs, renderMs, svgBytes } = await baselines();
  console.log(
    `telemetry: cost per event, over the same work untraced (median of ${ROUNDS} interleaved rounds); ` +
      `memory-cache hit ${(hitMs * 1000).toFixed(1)} µs, render ${ms(renderMs)} ` +
      `(the example's line chart, ${svgBytes} bytes of SVG)`,
  );
  const states: [string, () => () => void][] = [
    ['nobody listening', () => () => {}],
    ['PerformanceMonitor attached', () => monitorOn()],
    ['PrometheusExporter attached', () => prometheusOn()],
  ];
  for (const [name, attach] of states) {
    const detach = attach();
    const c = await eventCosts();
    detach();
    console.log(`\n${name}`);
    row('cache event (publish: hit, miss, put, ...)', ns(c.publish));
    row('traced synchronous operation (Typst compile)', ns(c.traceSync));
    row('traced asynchronous operation (a chart)', ns(c.traceAsync));
    const cached = c.traceAsync + c.publish;
    const rendered = c.traceAsync + 2 * c.publish + c.poolTask;
    row('cached chart (chart, hit) / memory-cache hit', `${ns(cached)}: ${share(cached / (hitMs * 1e6))}`);
    row(
      'rendered chart (chart, miss, put, pool task) / render',
      `${ns(rendered)}: ${share(rendered / (renderMs * 1e6))}`,
    );
  }
}

function monitorOn(): () => void {
  const monitor = new PerformanceMonitor().attach();
  return () => monitor.detach();
}

function prometheusOn(): () => void {
  const prometheus = new PrometheusExporter().attach();
  return () => prometheus.detach();
}

/** A memory-cache hit (SVG text out) and a render of the example's line chart, in ms. */
async function baselines(): Promise<{ hitMs: number; renderMs: number; svgBytes: number }> {
  const { input, file } = await loadReportFile(example, DEFAULT_MAX_REPORT_BYTES);
  const report = validateReport(input, file);
  const plan = planReport(report, resolveParams(report, {}, file));
  const engine = createEngine({ cache: false });
  const rows = await engine.data(example);
  await engine.close();
  const use = [...plan.charts.values()].find((u) => u.chart.type === 'line')!;
  const frame = downsampleFrame(use.chart, frameFromRows(rows[use.id] ?? []));
  const svg = renderChartSvg(use.chart, frame);
  const renderMs = median(await times(15, () => renderChartSvg(use.chart, frame)));
  const o = resolveCacheOptions();
  const cache = new TieredCache([createMemoryStore(o.memory!, o.clock)], o.compression, o.maxEntryBytes);
  await cache.put('k', Buffer.from(svg));
  const fail = () => {
    throw new Error('not a hit');
  };
  const hit = () => cache.fetch('k', fail).then((f) => f.entry.text());
  await times(500, hit);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await perCall(500, hit));
  const hitMs = median(rounds) / 1e6;
  await cache.close();
  return { hitMs, renderMs, svgBytes: Buffer.byteLength(svg) };
}
