import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { treeOf } from '../burst/tree-rss.js';
import { type FleetSite, fleetSite, ROWS, STORES, storeIds, writeReport } from '../fleet/site.js';
import { median, ms, ratio, row } from '../stats.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const REDIS = 'redis://127.0.0.1:6379';
/** Rounds of the three cases, their order turned by one each round. */
const ROUNDS = 3;
/** Values per job (`render --slice`): the CLI's default. */
const SLICE = 10;
/** Documents per worker in the warm-up batch, one a job, before a timed burst. */
const WARM_DOCUMENTS = 2;

const CASES = {
  one: 'queue, 1 worker process',
  two: 'queue, 2 worker processes',
  onePinned: 'queue, 1 worker process on one core',
  twoPinned: 'queue, 2 worker processes, one core each',
  local: 'one process, render --each (no queue)',
} as const;
type CaseName = keyof typeof CASES;

/** A timed burst: the wall time of the one command that makes it. */
interface Run {
  readonly ms: number;
  /** What went wrong (a failed command, documents missing), for the table. */
  readonly problems: readonly string[];
  /** Jobs of the batch each worker took, from its log. */
  readonly jobsPerWorker?: readonly number[];
  /** CPU time of the workers during the burst over its wall time: the cores they kept busy. */
  readonly cores?: number;
}

/**
 * A burst through the Redis job queue: the report with a `store` param (four charts, each
 * filtered to the store) for each of `STORES` stores over a `ROWS`-row sales CSV, split into jobs
 * of `SLICE` stores (`render --each --queue`) for one `chartpress worker` process and for two,
 * against the same burst in one process (`render --each`, each dataset read once for the batch).
 * The workers are started and take a warm-up batch before the timer starts; the measure is the
 * producer's wall time, until every document is written. Interleaved over `ROUNDS` rounds, each
 * run with its own queue prefix, output folder and chart titles (so no run finds the charts of
 * another in a cache). Everything runs the built CLI (`dist/`).
 */
export async function fleet(): Promise<void> {
  if (!existsSync(cli))
    throw new Error(
      'the fleet benchmark runs the built CLI: run `npm run build` first (no dist/cli/main.js)',
    );
  await checkRedis();
  const t0 = performance.now();
  const site = await fleetSite();
  console.log(
    `fleet: ${STORES} stores, ${ROWS.toLocaleString('en-US')} sales rows ` +
      `(${mb(statSync(site.sales).size)}, ${site.dir}); ${availableParallelism()} threads available, ` +
      `load average ${loadavg()[0]?.toFixed(1)}; ${ROUNDS} rounds, interleaved`,
  );
  if (staleDist()) console.log('WARNING: src/ has files newer than dist/: run `npm run build`');
  console.log('');
  const runs: Record<CaseName, Run[]> = { one: [], two: [], onePinned: [], twoPinned: [], local: [] };
  const order = Object.keys(CASES) as CaseName[];
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (let k = 0; k < order.length; k++) {
        const name = order[(round + k) % order.length] as CaseName;
        const run = name === 'local' ? await burstInOneProcess(site) : await burstOnQueue(site, name);
        runs[name].push(run);
        console.log(`  round ${round + 1}, ${CASES[name]}: ${ms(run.ms)}`);
      }
  } finally {
    rmSync(site.dir, { recursive: true, force: true });
  }
  print(runs);
  console.log(`\n(suite ${ms(performance.now() - t0)}, load average ${loadavg()[0]?.toFixed(1)} at the end)`);
}

/** A tag for one run: in its chart titles, its queue prefix and its output folder. */
const newTag = () => randomBytes(4).toString('hex');

/**
 * The burst through the queue for one worker process or two, started and warmed first. In the
 * pinned cases each worker is held to a core of its own (`taskset`), as a worker on a machine
 * of one core would be: the scaling of a fleet of such machines, which a worker free to use
 * both cores of this machine cannot show (its render pool already keeps them busy).
 */
async function burstOnQueue(site: FleetSite, name: Exclude<CaseName, 'local'>): Promise<Run> {
  const workers = name === 'one' || name === 'onePinned' ? 1 : 2;
  const pinned = name === 'onePinned' || name === 'twoPinned';
  const tag = newTag();
  const prefix = `cp-bench-fleet-${tag}`;
  const fleet: Worker[] = [];
  try {
    for (let i = 0; i < workers; i++) fleet.push(startWorker(site, prefix, pinned ? i : undefined));
    await Promise.all(fleet.map((w) => w.ready));
    // A job or two each, so that every worker has compiled a document before the timer starts.
    const warm = writeReport(site, `${tag}w`, storeIds(WARM_DOCUMENTS * workers));
    const warmOut = join(site.dir, `warm-${tag}`, '{store}.pdf');
    const warmed = await command(site, [
      'render',
      warm,
      '--each',
      'store',
      '-o',
      warmOut,
      ...onQueue(prefix, 1),
    ]);
    if (warmed.code !== 0) throw new Error(`the warm-up batch failed (${warmed.code}):\n${warmed.stderr}`);
    const out = join(site.dir, `out-${tag}`);
    const cpu = fleet.map((w) => w.cpuMs());
    const done = await command(site, [...burstArgs(site, tag, out), ...onQueue(prefix, SLICE)]);
    const cores = fleet.reduce((sum, w, i) => sum + w.cpuMs() - (cpu[i] ?? 0), 0) / done.ms;
    const { batch, problems } = checkManifest(out, done);
    // A worker logs `job <id> failed: <why>` for each job that failed, retried or not.
    const failures = fleet.flatMap((w) => w.log().split('\n')).filter((line) => / failed: /.test(line));
    if (problems.length > 0) problems.push(...failures);
    // A worker logs `job <batch>.<n>: <documents> documents` for each job it finishes.
    const jobsPerWorker = fleet.map((w) => (batch ? w.log().split(`job ${batch}.`).length - 1 : 0));
    return { ms: done.ms, problems, jobsPerWorker, cores };
  } finally {
    await Promise.all(fleet.map((w) => w.stop()));
    await removeQueue(prefix);
  }
}

/** The burst in one `render --each` process, its charts written to a cache folder of its own. */
async function burstInOneProcess(site: FleetSite): Promise<Run> {
  const tag = newTag();
  const out = join(site.dir, `out-${tag}`);
  const done = await command(site, [
    ...burstArgs(site, tag, out),
    ...['--cache-dir', join(site.dir, `cache-${tag}`), '--quiet'],
  ]);
  return { ms: done.ms, problems: checkManifest(out, done).problems };
}

/** `render` of a new report tagged `tag`, a document for every store, into the folder `out`. */
const burstArgs = (site: FleetSite, tag: string, out: string) => [
  'render',
  writeReport(site, tag),
  '--each',
  'store=stores.id',
  '-o',
  join(out, '{store}.pdf'),
];

/** The flags of a `render --each` through the queue under `prefix`, `slice` values a job. */
const onQueue = (prefix: string, slice: number) => [
  '--queue',
  REDIS,
  '--queue-prefix',
  prefix,
  '--slice',
  String(slice),
  '--quiet',
];

/** A finished CLI command: its exit code, its stderr and its wall time. */
interface Done {
  readonly code: number | null;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the CLI with `args` in the site's folder, timed from the spawn to the exit. */
async function command(site: FleetSite, args: readonly string[]): Promise<Done> {
  const t = performance.now();
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: site.dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, ms: performance.now() - t };
}

/** A line of `manifest.json`, as far as the benchmark reads it. */
interface Entry {
  readonly value: string;
  readonly file: string;
  readonly bytes: number;
  readonly status: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly chartsFailed?: number;
}

/**
 * What went wrong in a burst: a failed command, documents that the manifest does not list as ok
 * and on disk with its bytes, or that have a chart drawn as a placeholder; and the batch id the
 * manifest names. The output folder is removed once checked.
 */
function checkManifest(out: string, done: Done): { batch?: string; problems: string[] } {
  const problems: string[] = [];
  if (done.code !== 0)
    problems.push(`exit ${done.code}: ${done.stderr.trim().split('\n').slice(0, 5).join(' | ')}`);
  const file = join(out, 'manifest.json');
  if (!existsSync(file)) {
    problems.push('no manifest.json');
    return { problems };
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { batch?: string; documents: Entry[] };
  const issues: string[] = [];
  let ok = 0;
  for (const d of manifest.documents) {
    const size = existsSync(d.file) ? statSync(d.file).size : undefined;
    if (d.status !== 'ok')
      issues.push(`${d.value} ${d.status}: ${d.error?.code} ${d.error?.message.split('\n')[0]}`);
    else if (size !== d.bytes)
      issues.push(`${d.value}: ${size ?? 'no'} bytes on disk, ${d.bytes} in the manifest`);
    else if ((d.chartsFailed ?? 0) > 0)
      issues.push(`${d.value}: ${d.chartsFailed} charts drawn as placeholders`);
    else ok++;
  }
  const pdfs = readdirSync(out).filter((f) => f.endsWith('.pdf')).length;
  if (ok !== STORES || pdfs !== STORES || manifest.documents.length !== STORES)
    problems.push(
      `${ok} documents ok of ${STORES}; ${manifest.documents.length} in the manifest, ${pdfs} PDF files`,
    );
  problems.push(...issues.slice(0, 3));
  if (issues.length > 3) problems.push(`... and ${issues.length - 3} more documents not ok`);
  rmSync(out, { recursive: true, force: true });
  return { ...(manifest.batch ? { batch: manifest.batch } : {}), problems };
}

/** A `chartpress worker` process of the built CLI, on the queue under `prefix`. */
interface Worker {
  /** Resolves once the worker takes jobs; rejects if it exits first or takes over 30 s. */
  readonly ready: Promise<void>;
  /** What it wrote to stderr so far: a line per job. */
  readonly log: () => string;
  /** CPU time it used so far, all its threads (Linux: `/proc`; NaN elsewhere). */
  readonly cpuMs: () => number;
  /** SIGTERM (it finishes the job under way), SIGKILL after 15 s; resolves once it exited. */
  readonly stop: () => Promise<void>;
}

/** `core`: the one core the worker may run on (`taskset -c`, which runs it in its own process). */
function startWorker(site: FleetSite, prefix: string, core?: number): Worker {
  const args = [cli, 'worker', '--redis', REDIS, '--queue-prefix', prefix, '--root', site.dir];
  const [command, ...rest] =
    core === undefined
      ? [process.execPath, ...args]
      : ['taskset', '-c', String(core), process.execPath, ...args];
  const child: ChildProcess = spawn(command!, rest, {
    cwd: site.dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = once(child, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    const late = setTimeout(
      () => reject(new Error(`a worker did not take jobs within 30 s:\n${stderr}`)),
      30_000,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('chartpress worker: taking jobs from')) {
        clearTimeout(late);
        resolve();
      }
    });
    exited.then(([code]) => {
      clearTimeout(late);
      reject(new Error(`a worker exited (${code}) before it took jobs (npm run build?):\n${stderr}`));
    });
  });
  // Seen by `ready` when it matters; a worker stopped later must not reject an unwatched promise.
  ready.catch(() => {});
  return {
    ready,
    log: () => stderr,
    cpuMs: () => cpuMsOf(child.pid),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const cut = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(cut);
    },
  };
}

/**
 * User and system CPU time of a live process and of the processes it started (its PDF process),
 * those still running and those it has waited for, from `/proc/<pid>/stat` (in ticks of 10 ms).
 */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  let ms = 0;
  for (const p of treeOf(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // The fields after the command name, which is in parentheses: utime, stime, cutime and
      // cstime are the 12th to the 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
      if (p === pid) return Number.NaN;
    }
  }
  return ms;
}

/**
 * The queue under `prefix`, with a connection that gives up at once when Redis is not there; it
 * writes no key of its own (the queue's `meta`), so a queue removed stays removed.
 */
function openQueue(prefix: string): Queue {
  return new Queue('render', {
    prefix,
    skipMetasUpdate: true,
    connection: { url: REDIS, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null },
  });
}

async function checkRedis(): Promise<void> {
  const queue = openQueue(`cp-bench-fleet-${newTag()}`);
  try {
    await queue.getJobCounts();
  } catch (e) {
    throw new Error(`the fleet benchmark needs Redis at ${REDIS}`, { cause: e });
  } finally {
    await queue.close();
  }
}

/** Deletes every key of the queue under `prefix`: its jobs, finished or not, and its state. */
async function removeQueue(prefix: string): Promise<void> {
  const queue = openQueue(prefix);
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

const rate = (documents: number, ms: number) => `${(documents / (ms / 1000)).toFixed(1)} documents/s`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function print(runs: Record<CaseName, Run[]>): void {
  const medians = Object.fromEntries(
    (Object.keys(CASES) as CaseName[]).map((name) => [name, median(runs[name].map((r) => r.ms))]),
  ) as Record<CaseName, number>;
  console.log(`\nburst of ${STORES} PDF documents, median of ${ROUNDS} runs (the runs in parentheses)`);
  for (const name of Object.keys(CASES) as CaseName[]) {
    const each = runs[name].map((r) => (r.ms / 1000).toFixed(1)).join(' / ');
    row(`  ${CASES[name]}`, `${ms(medians[name])}, ${rate(STORES, medians[name])} (${each} s)`);
  }
  const jobs = (r: Run) => r.jobsPerWorker?.join(' + ') ?? '';
  row(`  jobs of ${SLICE} stores taken by each of 2 workers`, runs.two.map(jobs).join(', '));
  for (const name of ['one', 'two', 'onePinned', 'twoPinned'] as const) {
    const cores = runs[name].map((r) => (r.cores ?? Number.NaN).toFixed(2));
    row(`  cores kept busy by the workers: ${CASES[name].replace('queue, ', '')}`, cores.join(', '));
  }
  const problems = (Object.keys(CASES) as CaseName[]).flatMap((name) =>
    runs[name].flatMap((r) => r.problems.map((p) => `${CASES[name]}: ${p}`)),
  );
  if (problems.length === 0) row('  documents ok and written, every run', `${STORES} of ${STORES}`);
  else for (const p of problems) console.log(`  UNEXPECTED ${p}`);

  // Each round's ratio too: the rounds are interleaved, so a round's runs saw the same machine.
  const perRound = (a: CaseName, b: CaseName) =>
    runs[a].map((r, i) => ratio(runs[b][i]?.ms ?? Number.NaN, r.ms)).join(' ');
  console.log('\ndocuments/s ratios, of the medians (each round in parentheses)');
  row(
    '2 workers / 1 worker, one core each (goal >= 1.6x)',
    `${ratio(medians.onePinned, medians.twoPinned)} (${perRound('twoPinned', 'onePinned')})`,
  );
  row(
    '2 workers / 1 worker, free to use both cores',
    `${ratio(medians.one, medians.two)} (${perRound('two', 'one')})`,
  );
  row('1 worker / one process --each', `${ratio(medians.local, medians.one)} (${perRound('one', 'local')})`);
  row('2 workers / one process --each', `${ratio(medians.local, medians.two)} (${perRound('two', 'local')})`);
  console.log(
    '(the workers were up and warm; the producer and the --each process are fresh processes, ' +
      'their start counted)',
  );
}

/** Whether a source file changed after the package was built. */
function staleDist(): boolean {
  const built = statSync(cli).mtimeMs;
  const src = join(root, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' }).some(
    (f) => statSync(join(src, f)).mtimeMs > built,
  );
}
