import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createEngine, type Engine, type ReportInput } from '../../src/index.js';
import type { RenderJob } from '../../src/pool/pool.js';
import { barReport, reportJobs } from '../pool-jobs.js';
import { median, ms, ratio, row } from '../stats.js';

const CHARTS = 200;
const ROUNDS = 9;
const WARM = 3;
const THREADS = 2;
const root = join(import.meta.dirname, '../..');

/**
 * The render pool against drawing in process and against the most two threads can do: charts/s
 * for `CHARTS` distinct bar charts through `engine.charts()` (no cache), in process, on a warm
 * 2-thread pool, and on 2 plain worker threads that draw the same specs+frames with ECharts alone
 * (the ceiling); interleaved, each round on data of its own. Then how long one worker takes to
 * be ready, from sources (through tsx) and from the built package.
 */
export async function pool(): Promise<void> {
  console.log(`${availableParallelism()} threads available, load average ${loadavg()[0]?.toFixed(1)}\n`);
  await throughput();
  await readiness();
}

async function throughput(): Promise<void> {
  const local = createEngine({ cache: false, pool: { threads: 1 } });
  const onPool = createEngine({ cache: false, pool: { threads: THREADS, inProcessBelowMs: 0 } });
  await onPool.warmup();
  const ceiling = await plainWorkers(THREADS);
  const places = new Set<string>();
  const sides: Side[] = [
    { run: (report) => pull(local, report) },
    { run: (report) => pull(onPool, report, places) },
    { run: (_, jobs) => ceiling.draw(jobs) },
  ];
  const rates = sides.map(() => [] as number[]);
  const cpu = sides.map(() => [] as number[]);
  // The first rounds warm each side up (the JIT of each thread, ECharts' caches) and are not counted.
  for (let r = 0; r < WARM + ROUNDS; r++) {
    const reports = sides.map((_, k) => barReport(CHARTS, r * sides.length + k));
    // The ceiling draws what the engine would: the specs and frames of its own report.
    const jobs = await reportJobs(reports[2] as ReportInput);
    // Each side in turn first, so that none always follows the same one.
    for (let i = 0; i < sides.length; i++) {
      const k = (r + i) % sides.length;
      const t = performance.now();
      const c0 = process.cpuUsage();
      await sides[k]?.run(reports[k] as ReportInput, jobs);
      const used = process.cpuUsage(c0);
      if (r < WARM) continue;
      rates[k]?.push(CHARTS / ((performance.now() - t) / 1000));
      cpu[k]?.push((used.user + used.system) / 1000 / CHARTS);
    }
  }
  await Promise.all([local.close(), onPool.close(), ceiling.end()]);
  if (places.size !== 1 || !places.has('worker')) throw new Error(`the pool drew charts in: ${[...places]}`);
  const [h, p, c] = rates.map(median) as [number, number, number];
  const [ch, cp, cc] = cpu.map(median) as [number, number, number];
  console.log(
    `${CHARTS} distinct bar charts, median of ${ROUNDS} interleaved rounds (after ${WARM} to warm up)`,
  );
  row('in process (engine.charts(), cache: false, threads: 1)', `${h.toFixed(0)}/s, CPU ${perChart(ch)}`);
  row(`warm ${THREADS}-thread pool (after engine.warmup())`, `${p.toFixed(0)}/s, CPU ${perChart(cp)}`);
  row(`ceiling: ${THREADS} plain worker threads, ECharts alone`, `${c.toFixed(0)}/s, CPU ${perChart(cc)}`);
  row('pool / in process (goal >= 1.2x)', ratio(p, h));
  row('pool / ceiling (goal >= 0.9x)', ratio(p, c));
  row('ceiling / in process (what two threads give here)', ratio(c, h));
  row('CPU per chart, all threads: pool / ceiling', ratio(cp, cc));
  console.log(`(load average ${loadavg()[0]?.toFixed(1)} at the end; CPU: ms per chart over all threads)`);
}

/** One way of drawing the round's charts: in process, on the pool, or the ceiling. */
interface Side {
  run(report: ReportInput, jobs: RenderJob[]): Promise<unknown>;
}

const perChart = (x: number) => `${x.toFixed(2)} ms/chart`;

/** Seconds to draw every chart of a report through the charts API; notes where each was drawn. */
async function pull(engine: Engine, report: ReportInput, places?: Set<string>): Promise<number> {
  const t = performance.now();
  const charts = await engine.charts(report, {
    onProgress: (e) => {
      if (e.kind === 'started') places?.add(e.place);
    },
  });
  const drawn = await Promise.all([...charts.values()].map((get) => get()));
  const elapsed = (performance.now() - t) / 1000;
  const failed = drawn.find((d) => d.status === 'failed');
  if (failed) throw new Error(`chart ${failed.id} failed: ${failed.error?.message}`);
  return elapsed;
}

/** Worker threads that draw with ECharts alone: `draw` splits the jobs in equal halves. */
async function plainWorkers(
  n: number,
): Promise<{ draw(jobs: RenderJob[]): Promise<unknown>; end(): Promise<unknown> }> {
  const entry = new URL('../pool-ceiling-worker.ts', import.meta.url).href;
  const workers = Array.from(
    { length: n },
    () =>
      // Through tsx's API: Node 20 will not take a .ts file as a worker's entry, even with tsx.
      new Worker(
        `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`,
        {
          eval: true,
          execArgv: [],
        },
      ),
  );
  await Promise.all(workers.map((w) => once(w, 'message')));
  return {
    async draw(jobs) {
      const share = Math.ceil(jobs.length / n);
      const done = await Promise.all(
        workers.map((w, i) => {
          const answer = once(w, 'message');
          w.postMessage(jobs.slice(i * share, (i + 1) * share).map(({ chart, frame }) => ({ chart, frame })));
          return answer;
        }),
      );
      if (done.flat(2).length !== jobs.length) throw new Error('a plain worker lost a chart');
    },
    end: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/** `engine.warmup()` of one worker (then of `THREADS`), each on a fresh engine, in ms. */
const readyScript = (index: string, rounds: number) => `
  const { createEngine } = await import(${JSON.stringify(index)});
  const out = { one: [], all: [] };
  for (let i = 0; i < ${rounds}; i++) {
    for (const [k, threads] of [['one', 1], ['all', ${THREADS}]]) {
      const engine = createEngine({ cache: false, pool: { threads } });
      const t = performance.now();
      await engine.warmup();
      out[k].push(performance.now() - t);
      await engine.close();
    }
  }
  console.log(JSON.stringify(out));`;

async function readiness(): Promise<void> {
  const rounds = 7;
  const fromSources = await readyFromSources(rounds);
  console.log(`\nengine.warmup() to ready, median of ${rounds} (each a fresh engine)`);
  row('1 worker, from sources (worker runs through tsx)', ms(median(fromSources.one)));
  row(`${THREADS} workers, from sources`, ms(median(fromSources.all)));
  const index = join(root, 'dist/index.js');
  if (!existsSync(index)) return console.log('(npm run build first to time a worker of the built package)');
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', readyScript(pathToFileURL(index).href, rounds)],
    { cwd: root, encoding: 'utf8' },
  );
  const built = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { one: number[]; all: number[] };
  row('1 worker, built package (dist/, child process) (goal <= 250 ms)', ms(median(built.one)));
  row(`${THREADS} workers, built package`, ms(median(built.all)));
}

async function readyFromSources(rounds: number): Promise<{ one: number[]; all: number[] }> {
  const out = { one: [] as number[], all: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    for (const [k, threads] of [
      ['one', 1],
      ['all', THREADS],
    ] as const) {
      const engine = createEngine({ cache: false, pool: { threads } });
      const t = performance.now();
      await engine.warmup();
      out[k].push(performance.now() - t);
      await engine.close();
    }
  }
  return out;
}
