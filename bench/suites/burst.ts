import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PDF_PROCESS_MALLOC } from '../../src/document/pdf-process.js';
import type { BurstSummary, Engine } from '../../src/index.js';
import { type BurstSite, burstSite, STORES, storeIds } from '../burst/site.js';
import { runSampled } from '../burst/tree-rss.js';
import { ms, ratio, row } from '../stats.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const lib = join(root, 'dist/index.js');
/**
 * `engine.render` calls timed before the burst, one store each, spread over the stores, and as
 * many after it, on other stores; the rest extrapolated.
 */
const SEPARATE_RUNS = 5;
/** CLI processes timed, one store each; the rest extrapolated. */
const CLI_RUNS = 3;
/** The small burst whose peak RSS the full one is held against. */
const SMALL_BURST = 50;
/** Rendered once before anything is timed (the JIT, the file system cache), and not counted. */
const WARM_STORE = storeIds().at(-1) ?? 'S500';

/** What a burst in this process gave: its summary, and what came to `onDocument`. */
interface Burst {
  readonly summary: BurstSummary;
  readonly ms: number;
  readonly documents: number;
  readonly bytes: number;
  /** Documents rendered with a chart drawn as a placeholder. */
  readonly withFailedCharts: number;
  /** Each document's `pdfDigest`, by store: the separate renders must give the same. */
  readonly hashes: ReadonlyMap<string, string>;
}

/** Timed runs of a sample of stores, each checked against the burst's document of that store. */
interface Sample {
  readonly stores: readonly string[];
  readonly ms: readonly number[];
  /** How many of the sample gave the burst's document (`pdfDigest`). */
  readonly same: number;
}

/** What a burst in a child process reports (`bench/burst/child.ts`). */
interface ChildBurst {
  /** Peak RSS of the child process alone, as it reports it. */
  readonly maxRss: number;
  /** Peak RSS of the child and the processes it started (its PDF process), sampled. */
  readonly treeRss: number;
  readonly ms: number;
  readonly ok: number;
  readonly total: number;
  readonly bytes: number;
}

/**
 * Bursting: the report with a `store` param (four charts, each filtered to the store) rendered
 * for every one of `STORES` stores over a 1,000,000-row sales CSV, through `engine.renderEach`
 * (one scan for the batch, documents kept in memory), against a separate `engine.render` per
 * store (a scan each, and its own charts drawn, on a second engine, half the sample before the
 * burst and half after) and a CLI process per store, both timed on a few stores and
 * extrapolated; then the peak RSS of a full burst against a burst of `SMALL_BURST`, each in a
 * fresh process, for each of `RSS_CASES`. Everything runs the built package (`dist/`).
 */
export async function burst(): Promise<void> {
  if (!(existsSync(lib) && existsSync(cli)))
    throw new Error('the burst benchmark runs the built package: run `npm run build` first (no dist/)');
  const t0 = performance.now();
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const site = await burstSite(rows);
  console.log(
    `burst: ${STORES} stores, ${rows.toLocaleString('en-US')} sales rows ` +
      `(${mb(statSync(site.sales).size)}, ${site.dir}); ${availableParallelism()} threads available, ` +
      `load average ${loadavg()[0]?.toFixed(1)}`,
  );
  if (staleDist()) console.log('WARNING: src/ has files newer than dist/: run `npm run build`');
  console.log('');

  const { createEngine } = (await import(pathToFileURL(lib).href)) as typeof import('../../src/index.js');
  // The separate renders have an engine of their own, so that none finds its charts in the cache
  // the burst filled: 500 separate renders would each draw their store's charts.
  const engine = createEngine();
  const single = createEngine();
  let inLibrary: Burst;
  let separate: Sample;
  try {
    for (const e of [engine, single]) {
      await e.warmup();
      await e.render(site.report, { params: { store: WARM_STORE } });
    }
    // Half the sample before the burst and half after: a machine that slows down or speeds up
    // during the run weighs on both sides.
    const before = await separateRenders(single, site, spread(SEPARATE_RUNS, 0));
    inLibrary = await burstInProcess(engine, site);
    const after = await separateRenders(single, site, spread(SEPARATE_RUNS, 0.5));
    separate = sampleOf([...before, ...after], inLibrary.hashes);
  } finally {
    await Promise.all([engine.close(), single.close()]);
  }
  const perProcess = cliRenders(site, inLibrary.hashes);
  const rss = {
    memory: [await childBurst(site, SMALL_BURST, 'memory'), await childBurst(site, STORES, 'memory')],
    none: [await childBurst(site, SMALL_BURST, 'none'), await childBurst(site, STORES, 'none')],
    fixed: [await childBurst(site, SMALL_BURST, 'fixed'), await childBurst(site, STORES, 'fixed')],
  } as const;
  print(inLibrary, separate, perProcess, rss);
  console.log(`\n(suite ${ms(performance.now() - t0)}, load average ${loadavg()[0]?.toFixed(1)} at the end)`);
}

/** Every store's document through `renderEach`, each counted and hashed as it comes, then dropped. */
async function burstInProcess(engine: Engine, site: BurstSite): Promise<Burst> {
  const hashes = new Map<string, string>();
  let documents = 0;
  let bytes = 0;
  let withFailedCharts = 0;
  const t = performance.now();
  const summary = await engine.renderEach(site.report, {
    each: { param: 'store', from: 'stores', field: 'id' },
    format: 'pdf',
    onDocument: (doc) => {
      documents++;
      if (!doc.result) return;
      bytes += doc.result.output.length;
      if (doc.result.problems.length > 0) withFailedCharts++;
      hashes.set(String(doc.value), pdfDigest(doc.result.output));
    },
  });
  return { summary, ms: performance.now() - t, documents, bytes, withFailedCharts, hashes };
}

/** Stores spread over the whole range, `n` of them, from `offset` (a share of one step) on. */
const spread = (n: number, offset = 0): string[] => {
  const ids = storeIds();
  return Array.from({ length: n }, (_, i) => ids[Math.floor(((i + offset) * ids.length) / n)] ?? '');
};

/** A store's separate render: its time, and its document's `pdfDigest`. */
interface Separate {
  readonly store: string;
  readonly ms: number;
  readonly digest: string;
}

/** One `engine.render` per store given, in this process: each reads the whole CSV. */
async function separateRenders(
  engine: Engine,
  site: BurstSite,
  stores: readonly string[],
): Promise<Separate[]> {
  const out: Separate[] = [];
  for (const store of stores) {
    const t = performance.now();
    const result = await engine.render(site.report, { params: { store }, format: 'pdf' });
    out.push({ store, ms: performance.now() - t, digest: pdfDigest(result.output) });
  }
  return out;
}

/** The separate renders as a sample, each checked against the burst's document of its store. */
const sampleOf = (runs: readonly Separate[], hashes: ReadonlyMap<string, string>): Sample => ({
  stores: runs.map((r) => r.store),
  ms: runs.map((r) => r.ms),
  same: runs.filter((r) => hashes.get(r.store) === r.digest).length,
});

/** A CLI process per store of the sample (no cache, so none reuses a document or a chart). */
function cliRenders(site: BurstSite, hashes: ReadonlyMap<string, string>): Sample {
  const tmp = mkdtempSync(join(tmpdir(), 'chartpress-bench-burst-'));
  const stores = spread(CLI_RUNS);
  const times: number[] = [];
  let same = 0;
  try {
    for (const store of stores) {
      const out = join(tmp, `${store}.pdf`);
      const args = [cli, 'render', site.report, '--param', `store=${store}`, '-o', out, '--no-cache', '-q'];
      const t = performance.now();
      execFileSync(process.execPath, args, { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
      times.push(performance.now() - t);
      if (hashes.get(store) === pdfDigest(readFileSync(out))) same++;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { stores, ms: times, same };
}

/**
 * What a child burst runs with: the default chart cache, none, or none with glibc's malloc
 * thresholds fixed for the whole process as they are for the PDF process (`PDF_PROCESS_MALLOC`).
 */
const RSS_CASES = {
  memory: 'default chart cache (memory)',
  none: 'no chart cache',
  fixed: 'no chart cache, malloc thresholds fixed in every process',
} as const;
type RssCase = keyof typeof RSS_CASES;

/**
 * A burst of the first `n` stores in a fresh process, which reports its own peak RSS; the peak
 * RSS of it and its PDF process together is sampled from here.
 */
async function childBurst(site: BurstSite, n: number, which: RssCase): Promise<ChildBurst> {
  const script = join(import.meta.dirname, '../burst/child.ts');
  const cache = which === 'memory' ? 'memory' : 'none';
  const args = ['--import', 'tsx', script, site.report, String(n), cache];
  const { stdout, peakTreeRss } = await runSampled(process.execPath, args, {
    cwd: root,
    env: which === 'fixed' ? { ...process.env, ...PDF_PROCESS_MALLOC } : process.env,
  });
  const child = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Omit<ChildBurst, 'treeRss'>;
  return { ...child, treeRss: peakTreeRss };
}

/** Peak RSS of the small and the full burst, each in a fresh process, by `RssCase`. */
type RssRuns = Readonly<Record<RssCase, readonly [ChildBurst, ChildBurst]>>;

const rate = (count: number, ms: number) => `${(count / (ms / 1000)).toFixed(1)} documents/s`;
const unexpected = (ok: boolean, what: string) => (ok ? '' : ` UNEXPECTED ${what}`);
const sameOf = (sample: Sample) =>
  `${sample.same} of ${sample.ms.length}${unexpected(sample.same === sample.ms.length, '')}`;

function print(inLibrary: Burst, separate: Sample, perProcess: Sample, rss: RssRuns): void {
  const { summary } = inLibrary;
  const { scans } = summary;
  const counted = summary.total === STORES && summary.ok === STORES && inLibrary.documents === STORES;
  console.log(
    'in the library (createEngine() from dist/, default options), PDF; the separate renders on an engine of their own',
  );
  row(
    `  renderEach, ${summary.total} documents (each store=stores.id)`,
    `${ms(inLibrary.ms)}, ${rate(summary.ok, inLibrary.ms)}`,
  );
  row(
    '  documents ok / failed / told to onDocument',
    `${summary.ok} / ${summary.failed} / ${inLibrary.documents}` +
      unexpected(counted, `(expected ${STORES} ok)`),
  );
  row('  documents with a chart drawn as a placeholder', String(inLibrary.withFailedCharts));
  row('  PDF bytes, counted in onDocument (none written)', mb(inLibrary.bytes));
  row(
    '  scans for the batch; queries split / shared / per doc',
    `${scans.shared}; ${scans.splitQueries} / ${scans.sharedQueries} / ${scans.perDocumentQueries}`,
  );
  const separateMean = mean(separate.ms);
  row(
    `  engine.render, one store, mean of ${separate.ms.length}`,
    `${ms(separateMean)}, ${rate(1, separateMean)} (${separate.stores.join(' ')})`,
  );
  const half = separate.ms.length / 2;
  row(
    '  the same, before the burst / after it',
    `${ms(mean(separate.ms.slice(0, half)))} / ${ms(mean(separate.ms.slice(half)))}`,
  );
  row(`  engine.render x ${STORES}, EXTRAPOLATED from ${separate.ms.length}`, ms(separateMean * STORES));
  row("  same PDF as the burst's (times and ID masked)", sameOf(separate));

  const cliMean = mean(perProcess.ms);
  console.log('\na CLI process per document (node dist/cli/main.js render --param store=S.. --no-cache)');
  row(
    `  one store, mean of ${perProcess.ms.length} processes`,
    `${ms(cliMean)}, ${rate(1, cliMean)} (${perProcess.stores.join(' ')})`,
  );
  row(`  x ${STORES}, EXTRAPOLATED from ${perProcess.ms.length}`, ms(cliMean * STORES));
  row("  same PDF as the burst's (times and ID masked)", sameOf(perProcess));

  console.log(
    '\npeak RSS of a burst in a fresh process (bench/burst/child.ts, dist/, documents in memory):\n' +
      'the process with its PDF process, sampled every 50 ms; the process alone, as it reports it',
  );
  const cases = Object.keys(RSS_CASES) as RssCase[];
  for (const cache of cases)
    for (const child of rss[cache])
      row(
        `  ${child.total} documents, ${RSS_CASES[cache]}`,
        `${mb(child.treeRss)}; alone ${mb(child.maxRss)} (${ms(child.ms)}, ${rate(child.ok, child.ms)})` +
          unexpected(child.ok === child.total, `${child.ok} of ${child.total} ok`),
      );

  console.log('\nratios');
  row(
    'separate engine.render (extrapolated) / burst (goal >= 20x)',
    ratio(separateMean * STORES, inLibrary.ms),
  );
  row('CLI process per document (extrapolated) / burst', ratio(cliMean * STORES, inLibrary.ms));
  for (const cache of cases) {
    const [small, full] = rss[cache];
    row(
      `peak RSS ${full.total} / ${small.total} documents, ${RSS_CASES[cache]}`,
      `${ratio(full.treeRss, small.treeRss)}; alone ${ratio(full.maxRss, small.maxRss)}`,
    );
  }
  console.log('(goal for peak RSS: flat, ~1.00x)');
  console.log(
    `(malloc thresholds fixed: ${Object.entries(PDF_PROCESS_MALLOC)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')})`,
  );
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
/**
 * sha256 of a PDF with what changes from one second to the next masked: the creation and
 * modification times and the document ID made from them. The rest must be byte for byte the same.
 */
function pdfDigest(pdf: Uint8Array | string): string {
  const text = Buffer.from(pdf).toString('latin1');
  const masked = text
    .replace(/\(D:\d{14}Z\)/g, '(D:)')
    .replace(/<xmp:(Modify|Create)Date>[^<]*</g, '<xmp:$1Date><')
    .replace(/<xmpMM:(Instance|Document)ID>[^<]*</g, '<xmpMM:$1ID><')
    .replace(/\/ID \[\([^)]*\) \([^)]*\)\]/g, '/ID []');
  return createHash('sha256').update(masked, 'latin1').digest('hex');
}

/** Whether a source file changed after the package was built. */
function staleDist(): boolean {
  const built = statSync(lib).mtimeMs;
  const src = join(root, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' }).some(
    (f) => statSync(join(src, f)).mtimeMs > built,
  );
}
