import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine, type EngineOptions, type ReportInput } from '../../src/index.js';
import { RenderPool } from '../../src/pool/pool.js';
import { exampleDir, exampleJobs, exampleReport } from '../pipeline-jobs.js';
import { median, ms, ratio, row } from '../stats.js';

const threads = availableParallelism();

/**
 * The chart pipeline: rendering in process against the worker pool for small batches, next to
 * the most two processes can do on this machine; first-chart latency of a cold pool against a
 * pre-warmed one; a 20-chart report cold, warm (cache), and warm with half its charts changed.
 */
export async function pipeline(): Promise<void> {
  console.log(`${threads} threads available, load average ${loadavg()[0]?.toFixed(1)}\n`);
  await processVsPool();
  await firstChart();
  await report20();
}

async function processVsPool(): Promise<void> {
  const local = new RenderPool({ threads: 1 });
  const pool = new RenderPool({ threads, inProcessBelowMs: 0 });
  await pool.warmup();
  for (const job of await exampleJobs(8)) await local.render(job);
  console.log('charts of the example, rendered in process / on the warm pool / split over two processes');
  console.log('(ratios: time in process / time; "ceiling": what two processes gave, measured alongside)');
  for (const n of [1, 5, 10, 20]) {
    const jobs = await exampleJobs(n);
    const all = (p: RenderPool) => Promise.all(jobs.map((j) => p.render(j)));
    // One chart cannot be split: its ceiling is the render itself.
    const kids = n < 2 ? undefined : await twoProcesses(n);
    const here: number[] = [];
    const onPool: number[] = [];
    const split: number[] = [];
    // Interleaved, so that the three see the same load on a shared machine.
    for (let r = 0; r < (n <= 5 ? 11 : 7); r++) {
      here.push(await timed(() => all(local)));
      onPool.push(await timed(() => all(pool)));
      if (kids) split.push(await timed(kids.go));
    }
    await kids?.end();
    const [h, p, c] = [median(here), median(onPool), median(split)];
    row(
      `${String(n).padStart(2)} charts: ${ms(h)} / ${ms(p)} / ${kids ? ms(c) : '—'}`,
      `pool ${ratio(h, p)}, ceiling ${kids ? ratio(h, c) : '—'}`,
    );
  }
  await Promise.all([local.close(), pool.close()]);
}

/** Two warm processes, each with half of the `n` renders: `go` runs both halves at once. */
async function twoProcesses(n: number): Promise<{ go(): Promise<unknown>; end(): Promise<unknown> }> {
  const half = Math.ceil(n / 2);
  const child = (from: number, to: number) =>
    fork(join(import.meta.dirname, '../render-child.ts'), [n, from, to].map(String), {
      execArgv: ['--import', 'tsx'],
    });
  const kids = [child(0, half), child(half, n)];
  await Promise.all(kids.map((k) => once(k, 'message')));
  return {
    go() {
      const done = kids.map((k) => once(k, 'message'));
      for (const k of kids) k.send('go');
      return Promise.all(done);
    },
    end() {
      const exits = kids.map((k: ChildProcess) => once(k, 'exit'));
      for (const k of kids) k.send('exit');
      return Promise.all(exits);
    },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function firstChart(): Promise<void> {
  const one = await exampleReport(1);
  const latency = async (options: EngineOptions, warm: boolean) => {
    const engine = createEngine({ cache: false, ...options });
    if (warm) await engine.warmup();
    const t = performance.now();
    let first = 0;
    await engine.render(one, {
      format: 'typ',
      baseDir: exampleDir,
      onProgress: (e) => {
        if (e.kind === 'done' && !first) first = performance.now() - t;
      },
    });
    await engine.close();
    return first;
  };
  const pool = { pool: { inProcessBelowMs: 0 } };
  const cold = median(await runs(3, () => latency(pool, false)));
  const warm = median(await runs(3, () => latency(pool, true)));
  const here = median(await runs(3, () => latency({ pool: { threads: 1 } }, false)));
  console.log('\nfirst chart of a report, from render() to its "done" event, median of 3');
  row('pool, cold (workers start: ECharts import)', ms(cold));
  row('pool, pre-warmed (engine.warmup())', ms(warm));
  row('in process (ECharts already loaded in this process)', ms(here));
  row('cold / pre-warmed', ratio(cold, warm));
  // Here workers run from sources (tsx compiles them as they start); the package runs dist/.
  const built = join(import.meta.dirname, '../../dist/pool/pool.js');
  if (!existsSync(built)) return console.log('(npm run build first to time a worker of the built package)');
  const { RenderPool: Built } = (await import(pathToFileURL(built).href)) as {
    RenderPool: typeof RenderPool;
  };
  const start = median(
    await runs(3, async () => {
      const pool = new Built({ threads: 1 });
      const t = performance.now();
      await pool.warmup();
      const elapsed = performance.now() - t;
      await pool.close();
      return elapsed;
    }),
  );
  row('one worker of the built package (dist/), start to ready', ms(start));
}

async function report20(): Promise<void> {
  const measure = async (report: ReportInput, engine: ReturnType<typeof createEngine>) => {
    const r = await engine.render(report, { baseDir: exampleDir });
    return { ms: r.stats.ms.total, rendered: r.stats.charts.rendered };
  };
  const cold: number[] = [];
  const warm: number[] = [];
  const half: number[] = [];
  let counts = '';
  for (let rep = 0; rep < 3; rep++) {
    const engine = createEngine();
    const report = await exampleReport(20);
    const a = await measure(report, engine);
    const b = await measure(report, engine);
    const c = await measure(await exampleReport(20, ` (v${rep})`, 10), engine);
    await engine.close();
    cold.push(a.ms);
    warm.push(b.ms);
    half.push(c.ms);
    counts = `${a.rendered} / ${b.rendered} / ${c.rendered}`;
  }
  console.log('\na 20-chart report to PDF (example data), default engine, median of 3');
  row('charts rendered: cold / warm (cache) / half changed', counts);
  row('total: cold / warm / half changed', `${ms(median(cold))} / ${ms(median(warm))} / ${ms(median(half))}`);
  row(
    'cold / warm; cold / half changed',
    `${ratio(median(cold), median(warm))}; ${ratio(median(cold), median(half))}`,
  );
}

async function runs(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}
