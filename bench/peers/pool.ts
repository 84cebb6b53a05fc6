/**
 * The pool: distinct bar charts through the library on a warm two-thread pool against in
 * process, and against two plain worker threads that import ECharts (the ceiling).
 */
import { median } from '../stats.js';
import {
  childResult,
  fmtMB,
  fmtMs,
  fmtRatio,
  type GoalDef,
  goal,
  script,
  table,
  timeProcess,
} from './harness.js';

export const poolGoals = [
  { label: 'pool: warm 2-thread pool / in process (charts/s)', cmp: 'ge', target: 1.2 },
  { label: 'pool: warm pool / ceiling (charts/s)', cmp: 'ge', target: 0.9 },
] as const satisfies readonly GoalDef[];

interface PoolRun {
  readonly ms: Record<'inProcess' | 'pool' | 'ceiling' | 'plain', number[]>;
  /** One thread, then two, each running the same plain integer loop: ms until all were done. */
  readonly loop: { readonly one: number; readonly two: number };
  readonly charts: number;
  readonly onWorkers: number;
  readonly maxRss: number;
}

export function poolSection(charts: number, rounds: number): void {
  const run = childResult<PoolRun>(
    timeProcess([script('pool-bench.mjs'), String(charts), String(rounds)]).stdout,
  );
  const rate = (k: keyof PoolRun['ms']) => charts / (median(run.ms[k]) / 1000);
  const rows: [string, keyof PoolRun['ms']][] = [
    ['chartpress in process (pool.threads: 1)', 'inProcess'],
    ['chartpress, warm pool (threads: 2, inProcessBelowMs: 0, warmup())', 'pool'],
    ['ceiling: 2 plain worker_threads importing echarts', 'ceiling'],
    ['plain ECharts in one thread (the ceiling on one thread)', 'plain'],
  ];
  table(
    `6. the pool: ${charts} distinct bar charts (own data each), one process, median of ${rounds} interleaved rounds after one to warm up; chartpress through engine.charts() (cache: false), every lazy chart pulled at once`,
    ['contender', `${charts} charts`, 'charts/s', 'pool rate / its rate'],
    rows.map(([label, k]) => [
      label,
      fmtMs(median(run.ms[k])),
      rate(k).toFixed(0),
      fmtRatio(rate('pool') / rate(k)),
    ]),
  );
  console.log(
    `two threads over one: chartpress ${fmtRatio(rate('pool') / rate('inProcess'))}, plain ECharts ${fmtRatio(rate('ceiling') / rate('plain'))}, a plain integer loop ${fmtRatio((2 * run.loop.one) / run.loop.two)} (the most two cores give); renders on the pool's workers: ${run.onWorkers}; peak RSS of the process ${fmtMB(run.maxRss)}`,
  );
  goal(poolGoals[0], rate('pool') / rate('inProcess'));
  goal(poolGoals[1], rate('pool') / rate('ceiling'));
}
