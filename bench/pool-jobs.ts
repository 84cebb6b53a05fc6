/** Distinct bar charts for the pool benchmark, as a report and as the specs+frames it draws. */
import { frameFromRows } from '../src/frame.js';
import { createEngine, type ReportInput } from '../src/index.js';
import { downsampleFrame } from '../src/pipeline/downsample.js';
import { planReport } from '../src/pipeline/plan.js';
import type { RenderJob } from '../src/pool/pool.js';
import { resolveParams } from '../src/spec/params.js';
import { validateReport } from '../src/spec/parse.js';

const PRODUCTS = ['Ledger', 'Forecast', 'Audit'];
const QUARTERS = ['2024 Q1', '2024 Q2', '2024 Q3', '2024 Q4', '2025 Q1', '2025 Q2', '2025 Q3', '2025 Q4'];

/**
 * A report of `n` bar charts (8 quarters x 3 products each), every one on data of its own drawn
 * from `seed`: no two charts of a run, nor of two runs with different seeds, share a key.
 */
export function barReport(n: number, seed: number): ReportInput {
  let s = seed * 7919 + 1;
  const rand = () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
  const datasets: Record<string, unknown> = {};
  const charts: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const rows = QUARTERS.flatMap((quarter) =>
      PRODUCTS.map((product) => ({ quarter, product, revenue: Math.round(10_000 + rand() * 90_000) })),
    );
    datasets[`d${i}`] = { source: 'inline', rows };
    charts[`c${i}`] = {
      type: 'bar',
      title: `Revenue by product #${i}`,
      data: { from: `d${i}` },
      encode: { x: 'quarter', y: 'revenue', series: 'product' },
      options: { numberFormat: '$.2~s', height: 300 },
    };
  }
  return {
    title: 'Pool benchmark',
    datasets,
    charts,
    body: Object.keys(charts).map((chart) => ({ chart })),
  } as ReportInput;
}

/** The charts of a report as the engine draws them: normalized spec and frame, in body order. */
export async function reportJobs(report: ReportInput): Promise<RenderJob[]> {
  const valid = validateReport(report, undefined);
  const plan = planReport(valid, resolveParams(valid, {}, undefined));
  const engine = createEngine({ cache: false });
  const rows = await engine.data(report);
  await engine.close();
  return [...plan.charts.values()].map((use) => ({
    chart: use.chart,
    frame: downsampleFrame(use.chart, frameFromRows(rows[use.id] ?? [])),
  }));
}
