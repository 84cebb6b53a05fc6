import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { chartKey } from '../../src/cache/key.js';
import { renderChartSvg } from '../../src/chart/render.js';
import { sanitizeSvg } from '../../src/chart/sanitize.js';
import { loadChartFile } from '../../src/chart-file.js';
import { emptyFrame, plainFrame } from '../../src/frame.js';
import { createEngine } from '../../src/index.js';
import { keyed, keyVersions } from '../../src/pipeline/charts.js';
import { runPlanData } from '../../src/pipeline/data.js';
import { downsampleFrame } from '../../src/pipeline/downsample.js';
import { planReport } from '../../src/pipeline/plan.js';
import { RenderPool } from '../../src/pool/pool.js';
import { ReportMemo } from '../../src/spec/memo.js';
import { resolveParams } from '../../src/spec/params.js';
import { DEFAULT_MAX_REPORT_BYTES } from '../../src/spec/parse.js';
import { BENCH_DIR } from '../gen.js';
import { median, ms, row } from '../stats.js';

/** `engine.chart()` costs at most this many times the renderer alone. */
const GOAL = 1.3;

/** A chart file and its data file, as `chartpress chart <file> --data <data>` reads them. */
export interface ChartCase {
  readonly name: string;
  readonly file: string;
  readonly data: string;
  /** Interleaved rounds timed. */
  readonly rounds: number;
}

/**
 * The two charts of the suite, written once under the bench folder: a bar chart of 12 months and
 * a line of 100,000 points a minute apart (ISO timestamps, a seeded random walk).
 */
export function chartCases(): ChartCase[] {
  const dir = join(BENCH_DIR, 'chart');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: () => string) => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      writeFileSync(`${path}.tmp`, text());
      renameSync(`${path}.tmp`, path);
    }
    return path;
  };
  const bar = write(
    'bar.yaml',
    () => 'type: bar\ntitle: Revenue by month\nencode: { x: month, y: revenue }\n',
  );
  const barData = write('bar-12.csv', () => {
    let csv = 'month,revenue\n';
    for (let m = 0; m < 12; m++)
      csv += `2024-${String(m + 1).padStart(2, '0')}-01,${(1000 + ((m * 7919) % 500)).toFixed(2)}\n`;
    return csv;
  });
  const line = write(
    'line.yaml',
    () => 'type: line\ntitle: Sensor reading, one a minute\nencode: { x: t, y: value }\n',
  );
  const lineData = write('line-100k.csv', () => {
    let seed = 42;
    let v = 100;
    const start = Date.UTC(2024, 0, 1);
    const lines = ['t,value'];
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 1664525 + 1013904223) % 4294967296;
      v += seed / 4294967296 - 0.5;
      lines.push(`${new Date(start + i * 60_000).toISOString().slice(0, 19)}Z,${v.toFixed(3)}`);
    }
    return `${lines.join('\n')}\n`;
  });
  return [
    { name: 'bar, 12 bars', file: bar, data: barData, rounds: 41 },
    { name: 'line, 100k points', file: line, data: lineData, rounds: 21 },
  ];
}

/** The engine's steps for one chart file, each callable alone. */
async function steps(c: ChartCase) {
  // As the engine reads a chart file again: its report validated before is kept by its text.
  const memo = new ReportMemo();
  const loadWith = async (m: ReportMemo | undefined) => {
    const { id, report, baseDir } = await loadChartFile(c.file, c.data, DEFAULT_MAX_REPORT_BYTES, m);
    const params = resolveParams(report, {});
    const plan = planReport(report, params);
    return { id, report, params, plan, baseDir };
  };
  const load = () => loadWith(memo);
  const firstLoad = () => loadWith(undefined);
  const prepared = await load();
  const use = prepared.plan.charts.get(prepared.id);
  if (!use) throw new Error(`chart ${prepared.id} was not planned`);
  const query = async () => (await runPlanData(prepared.plan, prepared)).frames.get(use.id) ?? emptyFrame;
  const source = await query();
  const frame = plainFrame(downsampleFrame(use.chart, source));
  return { load, firstLoad, query, source, frame, chart: use.chart };
}

/**
 * DuckDB reading a CSV file whole in a warm in-memory connection: every column of every row
 * read (the count and the ends of each column), no rows handed back.
 */
async function duckdbRead(file: string): Promise<{ read: () => Promise<unknown>; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const source = `read_csv('${file.replaceAll("'", "''")}')`;
  const names = (await con.runAndReadAll(`select * from ${source} limit 0`)).columnNames();
  const each = names.map((n) => `"${n.replaceAll('"', '""')}"`);
  const sql = `select count(*), ${each.map((n) => `min(${n}), max(${n})`).join(', ')} from ${source}`;
  const read = () => con.runAndReadAll(sql);
  await read();
  return {
    read,
    close: () => {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** Wall and CPU time (ms) of each function in each of `rounds` interleaved rounds. */
async function interleaved(
  rounds: number,
  fns: readonly (() => unknown)[],
): Promise<{ wall: number[][]; cpu: number[][] }> {
  const wall = fns.map((): number[] => []);
  const cpu = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, fn] of fns.entries()) {
      const c = process.cpuUsage();
      const t = performance.now();
      await fn();
      wall[i]!.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu[i]!.push((used.user + used.system) / 1000);
    }
  }
  return { wall, cpu };
}

/** The median of the round-by-round ratios: each round's pair saw the same load. */
const pairedRatio = (a: readonly number[], b: readonly number[]) => median(a.map((x, i) => x / (b[i] ?? x)));

/**
 * One chart file through `engine.chart()` (no cache, so it renders) against `renderChartSvg`
 * alone on the frame the engine hands it (queried and downsampled), and the engine's time split
 * into its steps, each run alone: load (chart file, validate, plan), read + query, downsample,
 * key, render, sanitise, and the SVG to bytes and back.
 */
export async function chart(): Promise<void> {
  const engine = createEngine({ cache: false });
  const pool = new RenderPool();
  try {
    console.log('engine.chart() (no cache) against renderChartSvg alone on the same frame, medians');
    for (const c of chartCases()) {
      const s = await steps(c);
      const render = () => renderChartSvg(s.chart, s.frame);
      const whole = () => engine.chart(c.file, { data: c.data });
      // Warm up: ECharts loaded, the code paths compiled.
      for (let i = 0; i < 3; i++) {
        await whole();
        render();
      }
      const svg = render();
      const key = () => chartKey(keyed(s.chart, pool), s.frame, keyVersions);
      const bytes = () => Buffer.from(Buffer.from(svg, 'utf8')).toString('utf8');
      const parts: [string, () => unknown][] = [
        ['load (chart file, validate, plan)', s.load],
        ['  (its first time: the text parsed and validated)', s.firstLoad],
        ['read + query', s.query],
        ['downsample', () => plainFrame(downsampleFrame(s.chart, s.source))],
        ['key', key],
        ['render', render],
        ['sanitise', () => sanitizeSvg(svg)],
        ['SVG to bytes and back', bytes],
      ];
      // All in the same rounds, so that the load of a shared machine hits them alike.
      const { wall, cpu } = await interleaved(c.rounds, [whole, ...parts.map(([, fn]) => fn)]);
      const [ew, ...sw] = wall as [number[], ...number[][]];
      const at = parts.findIndex(([label]) => label === 'render');
      const rw = sw[at] ?? [];
      const ec = cpu[0] ?? [];
      const rc = cpu[at + 1] ?? [];
      const e = median(ew);
      console.log(
        `\n${c.name} (${s.source.length} rows, ${s.frame.length} drawn, ${svg.length} bytes of SVG)`,
      );
      const wallRatio = pairedRatio(ew, rw);
      row(
        'engine.chart / renderChartSvg, wall time',
        `${wallRatio.toFixed(2)}x (${ms(e)} vs ${ms(median(rw))}), goal ≤ ${GOAL}x: ${wallRatio <= GOAL ? 'met' : 'missed'}`,
      );
      row(
        'engine.chart / renderChartSvg, CPU time',
        `${pairedRatio(ec, rc).toFixed(2)}x (${ms(median(ec))} vs ${ms(median(rc))})`,
      );
      console.log('  each step run alone (wall time, median):');
      for (const [i, [label]] of parts.entries()) {
        const t = median(sw[i] ?? []);
        row(`  ${label}`, `${ms(t)} (${((100 * t) / e).toFixed(0)}% of engine.chart)`);
      }
      // The steps of one call: every one but the first load, shown for what a changed file costs.
      const once = sw.filter((_, i) => parts[i]?.[1] !== s.firstLoad);
      const residual = ew.map((x, r) => x - once.reduce((sum, step) => sum + (step[r] ?? 0), 0));
      row('  residual: engine.chart minus the steps', ms(median(residual)));
      // What is left once the CSV read and the query (the data phase) are taken out.
      const query = sw[parts.findIndex(([label]) => label === 'read + query')] ?? [];
      const withoutRead = median(ew.map((x, r) => (x - (query[r] ?? 0)) / (rw[r] ?? x)));
      row(
        'engine.chart without read + query / renderChartSvg',
        `${withoutRead.toFixed(2)}x, goal ≤ ${GOAL}x: ${withoutRead <= GOAL ? 'met' : 'missed'}`,
      );
      // The read against a fast reader of the same file: DuckDB, in memory, its connection warm.
      const duck = await duckdbRead(c.data);
      try {
        const d = await interleaved(c.rounds, [s.query, duck.read]);
        const [qw = [], dw = []] = d.wall;
        row(
          '  read + query / DuckDB reading the file',
          `${pairedRatio(qw, dw).toFixed(2)}x (${ms(median(qw))} vs ${ms(median(dw))})`,
        );
      } finally {
        duck.close();
      }
    }
  } finally {
    await Promise.all([engine.close(), pool.close()]);
  }
}
