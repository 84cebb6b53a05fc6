// The ceiling of the pool benchmark: a plain worker thread that draws the charts it is sent with
// ECharts alone (no pool, no sanitiser), and answers with their SVG as UTF-8 bytes, moved back.
import { parentPort } from 'node:worker_threads';
import { renderChartSvg } from '../src/chart/render.js';
import type { RenderJob } from '../src/pool/pool.js';

const encoder = new TextEncoder();
parentPort?.on('message', (jobs: RenderJob[]) => {
  const out = jobs.map((j) => encoder.encode(renderChartSvg(j.chart, j.frame)));
  parentPort?.postMessage(
    out,
    out.map((b) => b.buffer as ArrayBuffer),
  );
});
parentPort?.postMessage('ready');
