// The pool section in one process (`pool-bench.mjs <charts> <rounds>`): the same distinct bar
// charts drawn, round after round, by chartpress in process (`pool.threads: 1`), by chartpress
// on a warm pool of two worker threads, by two plain worker threads that import ECharts and draw
// what they are sent (the ceiling), and by plain ECharts in this thread (the ceiling's baseline).
// Prints each contender's time per round (the first round, a warm-up, left out).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { distImport, report } from './child.mjs';
import { barOption, renderOption } from './draw-echarts.mjs';

const [count = 200, rounds = 5] = process.argv.slice(2).map(Number);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let seed = 11;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
// Each chart its own data: a distinct picture, so nothing could be shared between them.
const charts = Array.from({ length: count }, (_, i) => ({
  title: `Revenue by month #${i}`,
  categories: MONTHS,
  values: MONTHS.map(() => Math.round(100 + rand() * 900)),
}));
const reportInput = {
  title: 'pool',
  datasets: Object.fromEntries(
    charts.map((c, i) => [
      `d${i}`,
      { source: 'inline', rows: c.categories.map((m, k) => ({ month: m, value: c.values[k] })) },
    ]),
  ),
  charts: Object.fromEntries(
    charts.map((c, i) => [
      `c${i}`,
      {
        type: 'bar',
        title: c.title,
        data: { from: `d${i}` },
        encode: { x: 'month', y: 'value' },
        options: { width: 600, height: 400 },
      },
    ]),
  ),
  body: charts.map((_, i) => ({ chart: `c${i}` })),
};

const { createEngine } = await distImport('index.js');
const inProcess = createEngine({ cache: false, pool: { threads: 1 } });
const pooled = createEngine({ cache: false, pool: { threads: 2, inProcessBelowMs: 0 } });
await pooled.warmup();

/** Every chart of the report drawn through the public API: the lazy charts, all pulled at once. */
async function library(engine) {
  const lazy = await engine.charts(reportInput);
  const drawn = await Promise.all([...lazy.values()].map((get) => get()));
  const failed = drawn.find((c) => c.error);
  if (failed) throw new Error(`${failed.id}: ${failed.error.message}`);
}

const workers = [0, 1].map(() => new Worker(new URL('./pool-worker.mjs', import.meta.url)));
await Promise.all(workers.map((w) => once(w, 'message')));

/** Half of the charts posted to each plain worker at once; done when every SVG is back. */
function ceiling() {
  return Promise.all(
    workers.map(
      (w, k) =>
        new Promise((resolve) => {
          const mine = charts.filter((_, i) => i % 2 === k);
          let left = mine.length;
          const onMessage = () => {
            if (--left === 0) {
              w.off('message', onMessage);
              resolve();
            }
          };
          w.on('message', onMessage);
          for (const c of mine) w.postMessage(c);
        }),
    ),
  );
}

function plain() {
  for (const c of charts) renderOption(barOption(c.title, c.categories, c.values));
}

const contenders = {
  inProcess: () => library(inProcess),
  pool: () => library(pooled),
  ceiling,
  plain,
};
const ms = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (let r = 0; r <= rounds; r++) {
  for (const [name, run] of Object.entries(contenders)) {
    const t = performance.now();
    await run();
    if (r > 0) ms[name].push(performance.now() - t);
  }
}
// The machine: two threads of a plain integer loop over one (2.00x when the two cores are two).
const LOOP = `const { parentPort } = require('node:worker_threads');
let x = 0;
const t = performance.now();
for (let i = 0; i < 1e8; i++) x = (x * 31 + i) | 0;
parentPort.postMessage([performance.now() - t, x]);`;
async function loops(n) {
  const t = performance.now();
  await Promise.all(Array.from({ length: n }, () => once(new Worker(LOOP, { eval: true }), 'message')));
  return performance.now() - t;
}
const loop = { one: await loops(1), two: await loops(2) };

const stats = pooled.poolStats();
await Promise.all([inProcess.close(), pooled.close(), ...workers.map((w) => w.terminate())]);
report({ ms, loop, charts: count, onWorkers: stats.onWorkers, inProcess: stats.inProcess });
