// One of the two processes that measure the machine's ceiling: renders its share of the jobs in
// process each time it is told to go, and reports how long that took.
import { renderChartSvg } from '../src/chart/render.js';
import { exampleJobs } from './pipeline-jobs.js';

const [n = 0, from = 0, to = 0] = process.argv.slice(2).map(Number);
const jobs = (await exampleJobs(n)).slice(from, to);
// Warm up: ECharts imported, each chart type drawn once.
for (const job of await exampleJobs(8)) renderChartSvg(job.chart, job.frame);
process.on('message', (m) => {
  if (m === 'exit') process.exit(0);
  const t = performance.now();
  for (const job of jobs) renderChartSvg(job.chart, job.frame);
  process.send?.(performance.now() - t);
});
process.send?.('ready');
