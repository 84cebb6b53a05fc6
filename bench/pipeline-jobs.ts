/** The example report's charts with their data, for the pipeline benchmark and its child processes. */
import { join } from 'node:path';
import { frameFromRows } from '../src/frame.js';
import { createEngine, type ReportInput } from '../src/index.js';
import { downsampleFrame } from '../src/pipeline/downsample.js';
import { planReport } from '../src/pipeline/plan.js';
import type { RenderJob } from '../src/pool/pool.js';
import { resolveParams } from '../src/spec/params.js';
import { DEFAULT_MAX_REPORT_BYTES, loadReportFile, validateReport } from '../src/spec/parse.js';

export const exampleDir = join(import.meta.dirname, '../examples/sales');
const example = join(exampleDir, 'report.yaml');

/** The example report's charts, each with its aggregated (and downsampled) frame, in body order. */
export async function exampleCharts(): Promise<RenderJob[]> {
  const { input, file } = await loadReportFile(example, DEFAULT_MAX_REPORT_BYTES);
  const report = validateReport(input, file);
  const plan = planReport(report, resolveParams(report, {}, file));
  const engine = createEngine({ cache: false });
  const rows = await engine.data(example);
  await engine.close();
  return [...plan.charts.values()].map((use) => ({
    chart: use.chart,
    frame: downsampleFrame(use.chart, frameFromRows(rows[use.id] ?? [])),
  }));
}

/** `n` render jobs cycling through the example's eight charts, each its own picture. */
export async function exampleJobs(n: number): Promise<RenderJob[]> {
  const base = await exampleCharts();
  return Array.from({ length: n }, (_, i) => {
    const b = base[i % base.length]!;
    return { chart: { ...b.chart, id: `c${i}`, title: `${b.chart.title ?? ''} #${i}` }, frame: b.frame };
  });
}

/** A report of `n` charts cycling through the example's, titled with `tag` from chart `changedFrom` on. */
export async function exampleReport(n: number, tag = '', changedFrom = n): Promise<ReportInput> {
  const { input } = await loadReportFile(example, DEFAULT_MAX_REPORT_BYTES);
  const source = input as { charts: Record<string, { title?: string }>; datasets: unknown };
  const base = Object.entries(source.charts).filter(([id]) => id !== 'unused_chart');
  const charts: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const [, spec] = base[i % base.length]!;
    charts[`c${i}`] = { ...spec, title: `${spec.title ?? 'Chart'} #${i}${i >= changedFrom ? tag : ''}` };
  }
  return {
    title: 'Pipeline benchmark',
    params: (input as { params?: unknown }).params,
    datasets: source.datasets,
    charts,
    body: Object.keys(charts).map((chart) => ({ chart })),
  } as ReportInput;
}
