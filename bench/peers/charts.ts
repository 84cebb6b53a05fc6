/**
 * Charts, cold (a fresh process per render, an SVG file out) and warm (one process per
 * contender, many renders): chartpress against Vega-Lite, plain ECharts and a hand-built SVG.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartJob } from './chart-data.js';
import {
  cli,
  fmtKB,
  fmtMs,
  fmtRatio,
  type GoalDef,
  goal,
  Samples,
  script,
  table,
  timeProcess,
} from './harness.js';

export const chartGoals = [
  { label: 'charts: bar, cold, chartpress / Vega-Lite', cmp: 'le', target: 1 },
] as const satisfies readonly GoalDef[];

const peers = ['vega', 'echarts', 'hand'] as const;
type Contender = 'chartpress' | (typeof peers)[number];
const contenders: readonly Contender[] = ['chartpress', ...peers];
const names: Record<Contender, string> = {
  chartpress: 'chartpress',
  vega: 'Vega-Lite',
  echarts: 'ECharts',
  hand: 'hand-built',
};

/** The columns of a chart table: each contender's median, then chartpress / each peer. */
function chartRows(jobs: readonly ChartJob[], s: Samples<string>): string[][] {
  return jobs.map((job) => {
    const m = (c: Contender) => s.median(`${job.id}/${c}`);
    return [
      job.label,
      ...contenders.map((c) => fmtMs(m(c))),
      ...peers.map((p) => fmtRatio(m('chartpress') / m(p))),
    ];
  });
}

const header = ['chart', ...contenders.map((c) => names[c]), ...peers.map((p) => `cp / ${names[p]}`)];

/**
 * Each chart by each contender in a fresh process, `rounds` rounds; within a round the four run
 * one after another for each chart, so they see the same load. chartpress is its CLI
 * (`chartpress chart <file> --data <csv> -o out.svg`, whose engine keeps charts in memory only:
 * nothing is cached between processes).
 */
export function coldSection(jobs: readonly ChartJob[], dir: string, rounds: number): void {
  const out = join(dir, 'svg');
  mkdirSync(out, { recursive: true });
  const file = (job: ChartJob, c: Contender) => join(out, `${job.id}.${c}.svg`);
  const args = (job: ChartJob, c: Contender): string[] =>
    c === 'chartpress'
      ? [cli, 'chart', job.yaml, '--data', job.csv, '-o', file(job, c)]
      : [script('chart-cold.mjs'), c, JSON.stringify({ ...job, out: file(job, c) })];
  const s = new Samples<string>();
  for (let r = 0; r < rounds; r++)
    for (const job of jobs) for (const c of contenders) s.add(`${job.id}/${c}`, timeProcess(args(job, c)).ms);
  table(
    `2. charts, cold: process wall time (start, read the CSV, render, write the SVG), median of ${rounds} rounds`,
    header,
    chartRows(jobs, s),
  );
  table(
    'SVG written, cold (chartpress embeds its font subset in a standalone SVG)',
    ['chart', ...contenders.map((c) => names[c])],
    jobs.map((job) => [job.label, ...contenders.map((c) => fmtKB(statSync(file(job, c)).size))]),
  );
  const bar = jobs.find((j) => j.kind === 'bar');
  if (bar) goal(chartGoals[0], s.median(`${bar.id}/chartpress`) / s.median(`${bar.id}/vega`));
}

interface Drawn {
  readonly ms: number;
  readonly bytes: number;
}

/** A warm child of one contender, drawing the jobs it is sent one at a time. */
class WarmChild {
  private constructor(private readonly child: ChildProcess) {}

  static async start(c: Contender): Promise<WarmChild> {
    // execArgv: [] runs bare node, not this process's TypeScript loader.
    const child = fork(script('chart-warm.mjs'), [c], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [ready] = (await Promise.race([once(child, 'message'), once(child, 'exit')])) as unknown[];
    if (ready !== 'ready') throw new Error(`the warm ${c} child did not start`);
    return new WarmChild(child);
  }

  async draw(job: ChartJob): Promise<Drawn> {
    const reply = once(this.child, 'message');
    this.child.send(job);
    const [m] = (await reply) as [Drawn & { error?: string }];
    if (m.error) throw new Error(`${job.id}: ${m.error}`);
    return m;
  }

  async end(): Promise<void> {
    const exit = once(this.child, 'exit');
    this.child.send('exit');
    await exit;
  }
}

/**
 * One warm process per contender, all alive at once. For each chart: `warmup` draws by each,
 * then `renders` rounds in which each contender draws it once (the time of the draw alone,
 * measured in the child: read the CSV, render to an SVG string).
 */
export async function warmSection(jobs: readonly ChartJob[], renders: number, warmup = 2): Promise<void> {
  const kids = new Map<Contender, WarmChild>();
  try {
    for (const c of contenders) kids.set(c, await WarmChild.start(c));
    const s = new Samples<string>();
    const bytes = new Map<string, number>();
    for (const job of jobs) {
      for (let r = 0; r < warmup + renders; r++) {
        for (const [c, kid] of kids) {
          const d = await kid.draw(job);
          if (r >= warmup) s.add(`${job.id}/${c}`, d.ms);
          bytes.set(`${job.id}/${c}`, d.bytes);
        }
      }
    }
    table(
      `3. charts, warm: time per render in a warm process (read the CSV, render to an SVG string), median of ${renders} after ${warmup} to warm up; chartpress: createEngine({ cache: false, pool: { threads: 1 } }).chart(file, { data })`,
      header,
      chartRows(jobs, s),
    );
    table(
      'SVG string, warm (chartpress: the SVG as the library returns it, no font embedded)',
      ['chart', ...contenders.map((c) => names[c])],
      jobs.map((job) => [job.label, ...contenders.map((c) => fmtKB(bytes.get(`${job.id}/${c}`) ?? 0))]),
    );
  } finally {
    await Promise.all([...kids.values()].map((k) => k.end()));
  }
}
