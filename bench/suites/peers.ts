import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCharts } from '../peers/chart-data.js';
import { chartGoals, coldSection, warmSection } from '../peers/charts.js';
import { dataGoals, dataSection } from '../peers/data.js';
import {
  type GoalDef,
  goal,
  loadAverage,
  onlyNames,
  printGoals,
  requireBuild,
  rounds,
  selected,
} from '../peers/harness.js';
import { poolGoals, poolSection } from '../peers/pool.js';
import { reportGoals, reportSection } from '../peers/report.js';
import { startupGoals, startupSection } from '../peers/startup.js';

/**
 * chartpress against its peers in one run (`npm run bench -- peers`): start-up, charts cold and
 * warm (Vega-Lite, ECharts, a hand-built SVG), the data phase (DuckDB, udsv, csv-parse), the
 * example report (and Chromium printing its HTML), the pool. Contenders alternate round by round
 * so that they see the same load. `BENCH_ROUNDS` (5) sets the rounds of cold measures (start-up:
 * three times as many; data: at most 3), `BENCH_WARM_RENDERS` (10) the renders per warm chart;
 * `BENCH_ONLY=startup,cold,warm,data,report,pool` (`charts`: cold and warm) runs some sections.
 */
export async function peers(): Promise<void> {
  requireBuild();
  onlyNames(['startup', 'charts', 'cold', 'warm', 'data', 'report', 'pool']);
  const n = rounds();
  const dir = mkdtempSync(join(tmpdir(), 'chartpress-peers-'));
  console.log(
    `peers: node ${process.version}, ${availableParallelism()} threads, ${loadAverage()}, ${n} rounds; ratios are chartpress / peer (time: <= 1.0x means chartpress is faster)`,
  );
  const section = async (
    name: string,
    goals: readonly GoalDef[],
    run: () => unknown,
    aliases: readonly string[] = [],
  ) => {
    if (!selected(name, aliases)) {
      for (const g of goals) goal(g, undefined, 'not in BENCH_ONLY');
      return;
    }
    const t = performance.now();
    await run();
    console.log(`(${name}: ${((performance.now() - t) / 1000).toFixed(0)} s, ${loadAverage()})`);
  };
  try {
    await section('startup', startupGoals, () => startupSection(3 * n));
    const jobs = writeCharts(dir);
    await section('cold', chartGoals, () => coldSection(jobs, dir, n), ['charts']);
    await section('warm', [], () => warmSection(jobs, Number(process.env.BENCH_WARM_RENDERS ?? 10)), [
      'charts',
    ]);
    await section('data', dataGoals, () => dataSection(dir, Math.min(n, 3)));
    await section('report', reportGoals, () => reportSection(dir, n));
    await section('pool', poolGoals, () => poolSection(200, n));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printGoals();
}
