// A plain worker thread of the pool's ceiling: imports ECharts once, then draws each bar chart it
// is sent ({ title, categories, values }) and posts its SVG back.
import { parentPort } from 'node:worker_threads';
import { barOption, renderOption } from './draw-echarts.mjs';

parentPort.on('message', (job) => {
  parentPort.postMessage(renderOption(barOption(job.title, job.categories, job.values)));
});
parentPort.postMessage('ready');
