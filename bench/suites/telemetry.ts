import { join } from 'node:path';
import { publishWith } from '../../src/cache/events.js';
import { createMemoryStore } from '../../src/cache/memory.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { renderChartSvg } from '../../src/chart/render.js';
import { frameFromRows } from '../../src/data/frame.js';
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

/** Nanoseconds per call of `fn`, median of `ROUNDS` rounds of `n` calls. */
function nsSync(n: number, fn: () => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - t) / n);
  }
  return median(rounds);
}

async function nsAsync(n: number, fn: () => Promise<unknown>): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    rounds.push(Number(process.hrtime.bigint() - t) / n);
  }
  return median(rounds);
}

const ns = (x: number) => (x < 1 ? '< 1 ns' : `${x.toFixed(0)} ns`);
const share = (x: number) => `${(100 * x).toFixed(x < 0.001 ? 4 : 2)}%`;

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
  const empty = nsSync(1e6, () => {});
  const bare = nsSync(1e6, work);
  const bareAsync = await nsAsync(2e5, draw);
  return {
    publish: Math.max(0, nsSync(1e6, hit) - empty),
    traceSync: Math.max(0, nsSync(5e5, compile) - bare),
    traceAsync: Math.max(0, (await nsAsync(2e5, chart)) - bareAsync),
    poolTask: Math.max(0, (await nsAsync(2e5, task)) - bareAsync),
  };
}

/**
 * What telemetry costs: per event with nobody listening, with the monitor attached and with the
 * Prometheus exporter attached; and per chart, as a share of a memory-cache hit and of a render.
 */
export async function telemetry(): Promise<void> {
  const { hitMs, renderMs, svgBytes } = await baselines();
  console.log(
    `telemetry: cost per event (median of ${ROUNDS} rounds, minus the same work untraced); ` +
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
    row(
      'a cached chart (chart + hit): share of a memory-cache hit',
      `${ns(cached)}: ${share(cached / (hitMs * 1e6))}`,
    );
    row(
      'a rendered chart (chart + miss + put + pool task): share of a render',
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
  const hit = () => cache.fetch('k', fail, { inflate: true }).then((f) => f.entry.text());
  await times(500, hit);
  const hitMs = (await nsAsync(2000, hit)) / 1e6;
  await cache.close();
  return { hitMs, renderMs, svgBytes: Buffer.byteLength(svg) };
}
