import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReportInput, Row } from '../../src/index.js';
import { CONNECTIONS, cannon, inProcess, type Measured } from '../serve/load.js';
import { median, ms, ratio, row } from '../stats.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
/** Seconds of load per case, after `WARM_S` seconds of it that are not counted. */
const RUN_S = 3;
/** Sequential CLI processes per case (after one to warm the file system up). */
const CLI_RUNS = 5;

const CASES = {
  notModified: 'cached chart GET, If-None-Match: its ETag (304)',
  cachedGet: 'cached chart GET (200, SVG with its font)',
  distinct: 'distinct chart POST (other rows each time: a render)',
  report: 'example report to PDF (POST /v1/reports/sales)',
} as const;
type CaseName = keyof typeof CASES;
type Results = Partial<Record<CaseName, Measured>>;
/** Renders take seconds to reach their pace (the JIT of each worker thread); cached answers, one. */
const WARM_S: Record<CaseName, number> = { notModified: 1, cachedGet: 1, distinct: 4, report: 4 };

const CHART = { type: 'bar', encode: { x: 'm', y: 'v' } } as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Twelve monthly values; chart `n` starts with `n`, so no two charts are alike. */
const rowsOf = (n: number): Row[] =>
  MONTHS.map((m, k) => ({ m, v: k === 0 ? n : ((n * 7919 + k * 104_729) % 1000) + 1 }));
/** The cached cases ask for chart 0; every distinct chart takes the next number. */
let nextChart = 1;

/**
 * `chartpress serve` under load (autocannon, `CONNECTIONS` connections, `RUN_S` s per case):
 * requests/s and p50/p99 latency of a cached chart (304 and 200), distinct charts (each a render)
 * and the example report to PDF; against a CLI process per request, the same work through the
 * library in this process (the ceiling), and one server process against two behind `cluster`.
 * Servers are the built CLI (`dist/`) with `--no-cache`: charts are kept in memory only.
 */
export async function serve(): Promise<void> {
  if (!existsSync(cli))
    throw new Error(
      'the serve benchmark runs the built CLI: run `npm run build` first (no dist/cli/main.js)',
    );
  console.log(
    `${availableParallelism()} threads available, load average ${loadavg()[0]?.toFixed(1)}; ` +
      `${CONNECTIONS} connections, ${RUN_S} s per case after 1 to 4 s to warm up; ` +
      'autocannon runs in this process, on the same cores as the servers, and times in whole ms\n',
  );
  const tmp = mkdtempSync(join(tmpdir(), 'chartpress-bench-serve-'));
  const problems: string[] = [];
  try {
    const site = makeSite(tmp);
    const perProcess = cliRuns(site, tmp);
    const local = await inProcessCases(site);
    const one = await withServer(site, 1, (url) => httpCases(url, problems));
    const two = await withServer(site, 2, (url) => httpCases(url, problems));
    print(perProcess, local, one, two);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.log('\nroutes that did not answer as expected:');
    for (const p of problems) console.log(`  ${p}`);
  }
}

/** The files a server and the CLI read, in a folder of their own. */
interface Site {
  /** The server's `--root`: the example report as `reports/sales.yaml`, its data in `reports/data/`. */
  readonly root: string;
  readonly report: string;
  readonly config: string;
  /** Chart 0 as a chart file and a CSV file, for `chartpress chart`. */
  readonly chartFile: string;
  readonly csv: string;
}

function makeSite(tmp: string): Site {
  const site = join(tmp, 'site');
  mkdirSync(join(site, 'reports'), { recursive: true });
  // Paths in the report are relative to it: its data goes beside it.
  const report = join(site, 'reports/sales.yaml');
  cpSync(join(root, 'examples/sales/report.yaml'), report);
  cpSync(join(root, 'examples/sales/data'), join(site, 'reports/data'), { recursive: true });
  // The rate limit counts per client, and all the load comes from 127.0.0.1.
  const config = join(tmp, 'serve.yaml');
  writeFileSync(config, 'limits:\n  rateLimit: 1000000000\n');
  const chartFile = join(tmp, 'chart.json');
  writeFileSync(chartFile, JSON.stringify(CHART));
  const csv = join(tmp, 'rows.csv');
  writeFileSync(
    csv,
    `m,v\n${rowsOf(0)
      .map((r) => `${r.m},${r.v}`)
      .join('\n')}\n`,
  );
  return { root: site, report, config, chartFile, csv };
}

/** A CLI process per request: ms of each of `CLI_RUNS` sequential runs, per case. */
interface CliRuns {
  readonly chart: number[];
  /** The report with its charts in a warm cache folder, the document made anew (`--no-reuse`). */
  readonly report: number[];
  /** The report with the document of the last run reused (the CLI's default on unchanged input). */
  readonly reused: number[];
}

function cliRuns(site: Site, tmp: string): CliRuns {
  const run = (args: string[]) => {
    const t = performance.now();
    execFileSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    return performance.now() - t;
  };
  const runs = (args: string[]) => Array.from({ length: CLI_RUNS }, () => run(args));
  const chart = ['chart', site.chartFile, '--data', site.csv, '-o', join(tmp, 'out.svg')];
  const render = ['render', site.report, '-o', join(tmp, 'out.pdf'), '--cache-dir', join(tmp, 'cli-cache')];
  run(chart);
  run(render);
  return { chart: runs(chart), reused: runs(render), report: runs([...render, '--no-reuse']) };
}

/**
 * The library in this process (the built `dist/index.js`, as the servers run it), its engine
 * made as a `--no-cache` server makes its own: charts kept in memory only.
 */
async function inProcessCases(site: Site): Promise<Results> {
  const lib = pathToFileURL(join(root, 'dist/index.js')).href;
  const { createEngine, svgWithFont } = (await import(lib)) as typeof import('../../src/index.js');
  const engine = createEngine({
    cache: { memory: true, disk: false, redis: false },
    files: { roots: [site.root] },
  });
  await engine.warmup();
  const draw = async (rows: Row[]) => {
    const charts = await engine.charts(chartReport(rows), { baseDir: site.root });
    const chart = await charts.get('chart')?.();
    if (!chart || chart.status === 'failed') throw new Error(`the chart failed: ${chart?.error?.message}`);
    return chart;
  };
  const calls: Record<CaseName, () => Promise<unknown>> = {
    notModified: () => draw(rowsOf(0)),
    cachedGet: async () => svgWithFont((await draw(rowsOf(0))).svg),
    distinct: async () => svgWithFont((await draw(rowsOf(nextChart++))).svg),
    report: () => engine.render(site.report, { format: 'pdf' }),
  };
  const out: Results = {};
  try {
    for (const name of Object.keys(CASES) as CaseName[]) {
      await inProcess(calls[name], WARM_S[name]);
      out[name] = await inProcess(calls[name], RUN_S);
    }
  } finally {
    await engine.close();
  }
  return out;
}

/** What the chart routes make of a chart with its rows: a one-chart report. */
function chartReport(rows: Row[]): ReportInput {
  return {
    title: 'chart',
    datasets: { data: { source: 'inline', rows } },
    charts: { chart: { ...CHART, data: { from: 'data' } } },
    body: [{ chart: 'chart' }],
  };
}

/** Each case against a server: one request first to check the answer, then the load. */
async function httpCases(url: string, problems: string[]): Promise<Results> {
  const chartPath = `/v1/chart?c=${encodeURIComponent(JSON.stringify({ ...CHART, rows: rowsOf(0) }))}`;
  const json = { 'content-type': 'application/json' };
  const first = await probe(problems, `${url}${chartPath}`, {}, 200, 'image/svg+xml');
  const etag = first?.headers.get('etag') ?? undefined;
  const loads: Record<CaseName, Parameters<typeof cannon>[0] | undefined> = {
    notModified:
      etag !== undefined &&
      (await probe(problems, `${url}${chartPath}`, { headers: { 'if-none-match': etag } }, 304))
        ? { url: `${url}${chartPath}`, headers: { 'if-none-match': etag } }
        : undefined,
    cachedGet: first ? { url: `${url}${chartPath}` } : undefined,
    distinct: (await probe(
      problems,
      `${url}/v1/chart`,
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ chart: { ...CHART, rows: rowsOf(nextChart++) } }),
      },
      200,
      'image/svg+xml',
    ))
      ? {
          url,
          requests: [
            {
              method: 'POST',
              path: '/v1/chart',
              headers: json,
              setupRequest: (request) => ({
                ...request,
                body: JSON.stringify({ chart: { ...CHART, rows: rowsOf(nextChart++) } }),
              }),
            },
          ],
        }
      : undefined,
    report: (await probe(problems, `${url}/v1/reports/sales`, { method: 'POST' }, 200, 'application/pdf'))
      ? { url: `${url}/v1/reports/sales`, method: 'POST' }
      : undefined,
  };
  const expected: Record<CaseName, number> = { notModified: 304, cachedGet: 200, distinct: 200, report: 200 };
  const out: Results = {};
  for (const name of Object.keys(CASES) as CaseName[]) {
    const load = loads[name];
    if (!load) continue;
    await cannon(load, WARM_S[name], expected[name]);
    out[name] = await cannon(load, RUN_S, expected[name]);
  }
  return out;
}

/**
 * One request, its answer checked; a wrong one is noted in `problems` with the request and the
 * answer, and comes back undefined.
 */
async function probe(
  problems: string[],
  url: string,
  init: RequestInit,
  status: number,
  type?: string,
): Promise<Response | undefined> {
  const answer = await fetch(url, init);
  const body = await answer.text();
  const gotType = answer.headers.get('content-type') ?? '';
  if (answer.status === status && (type === undefined || gotType.startsWith(type))) return answer;
  const headers = init.headers ? ` ${JSON.stringify(init.headers)}` : '';
  const sent = typeof init.body === 'string' ? ` body ${init.body.slice(0, 200)}` : '';
  problems.push(
    `${init.method ?? 'GET'} ${url}${headers}${sent}\n    -> ${answer.status} ${gotType}: ${body.slice(0, 400)}` +
      ` (expected ${status}${type ? ` ${type}` : ''})`,
  );
  return undefined;
}

/**
 * Runs `work` against `chartpress serve` (the built CLI), alone or as `workers` processes behind
 * Node's cluster module; the request log (a JSON line per request, on stdout) goes nowhere.
 */
async function withServer<T>(site: Site, workers: number, work: (url: string) => Promise<T>): Promise<T> {
  const flags = ['--port', '0', '--root', site.root, '--config', site.config, '--no-cache'];
  const args =
    workers === 1
      ? [cli, 'serve', ...flags]
      : [join(root, 'bench/serve/cluster.mjs'), String(workers), ...flags];
  const ready =
    workers === 1
      ? /chartpress serve: listening on (http:\/\/[^\s,]+)/
      : /chartpress cluster: listening on (http:\/\/[^\s,]+)/;
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = once(child, 'exit');
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const late = setTimeout(
        () => reject(new Error(`the server did not listen within 30 s:\n${stderr}`)),
        30_000,
      );
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        const url = ready.exec(stderr)?.[1];
        if (url) {
          clearTimeout(late);
          resolve(url);
        }
      });
      exited.then(([code]) => {
        clearTimeout(late);
        reject(new Error(`the server exited (${code}) before it listened (npm run build?):\n${stderr}`));
      });
    });
    return await work(url);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const cut = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(cut);
    }
  }
}

const perSecond = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)}/s`;

function measured(m: Measured | undefined): string {
  if (!m) return 'skipped (see below)';
  const line = `${perSecond(m.rate)}, p50 ${ms(m.p50)}, p99 ${ms(m.p99)} (${m.count} requests)`;
  return m.unexpected.length > 0 ? `${line}; UNEXPECTED ${m.unexpected.join(', ')}` : line;
}

function print(perProcess: CliRuns, local: Results, one: Results, two: Results): void {
  const sections: [string, Results][] = [
    ['1 server process (node dist/cli/main.js serve --no-cache)', one],
    ['2 server processes behind node:cluster (bench/serve/cluster.mjs)', two],
    [`in process, no HTTP (createEngine from dist/, ${CONNECTIONS} callers)`, local],
  ];
  for (const [title, results] of sections) {
    console.log(title);
    for (const name of Object.keys(CASES) as CaseName[]) row(`  ${CASES[name]}`, measured(results[name]));
  }
  const [chartMs, reportMs, reusedMs] = [perProcess.chart, perProcess.report, perProcess.reused].map(
    median,
  ) as [number, number, number];
  const rate = (x: number) => 1000 / x;
  console.log(`a CLI process per request (node dist/cli/main.js), median of ${CLI_RUNS} sequential runs`);
  row('  chart <file> --data <csv> -o out.svg', `${perSecond(rate(chartMs))} (${ms(chartMs)})`);
  row(
    '  render report -o out.pdf, charts cached, --no-reuse',
    `${perSecond(rate(reportMs))} (${ms(reportMs)})`,
  );
  row('  render report -o out.pdf, document reused', `${perSecond(rate(reusedMs))} (${ms(reusedMs)})`);

  const vs = (a: Measured | undefined, b: number | Measured | undefined) => {
    const base = typeof b === 'number' ? b : b?.rate;
    return a && base ? ratio(a.rate, base) : 'n/a';
  };
  console.log('\nrequests/s ratios (1 server process unless named)');
  row('cached GET 304 / CLI chart per request (goal >= 100x)', vs(one.notModified, rate(chartMs)));
  row('cached GET 200 / CLI chart per request (goal >= 100x)', vs(one.cachedGet, rate(chartMs)));
  row('distinct chart POST / CLI chart per request', vs(one.distinct, rate(chartMs)));
  row('report PDF / CLI render per request (charts cached)', vs(one.report, rate(reportMs)));
  row('report PDF / CLI render per request (document reused)', vs(one.report, rate(reusedMs)));
  const p99 = (m: Measured | undefined) => (m ? ms(m.p99) : 'n/a');
  row('p99 of the cached GET, 304 / 200 (goal < 20 ms)', `${p99(one.notModified)} / ${p99(one.cachedGet)}`);
  for (const name of Object.keys(CASES) as CaseName[])
    row(`server / in process: ${short(name)}`, vs(one[name], local[name]));
  for (const name of Object.keys(CASES) as CaseName[])
    row(`2 processes / 1 process: ${short(name)}`, vs(two[name], one[name]));
  console.log(`(load average ${loadavg()[0]?.toFixed(1)} at the end)`);
}

const short = (name: CaseName) =>
  ({
    notModified: 'cached GET 304',
    cachedGet: 'cached GET 200',
    distinct: 'distinct POST',
    report: 'report PDF',
  })[name];
