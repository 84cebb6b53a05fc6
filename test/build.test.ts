import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svgWithFont } from '../src/document/fonts-svg.js';
import { createEngine } from '../src/engine.js';
import { VERSION } from '../src/version.js';
import { tempDir } from './helpers/tmp.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
// Inside the project, so that the packages left out of the bundle resolve from node_modules.
const out = join(root, 'node_modules/.cache/chartpress-test', `bundle-${process.pid}`);
const tmp = tempDir();

/** Runs the bundled CLI; `trace` lists the packages it required. */
async function bundled(args: readonly string[], trace?: string) {
  const pre = trace ? ['--require', join(root, 'test/fixtures/trace-require.cjs')] : [];
  const env = { ...process.env, CHARTPRESS_TRACE: trace ?? '' };
  return run(process.execPath, [...pre, join(out, 'cli/main.js'), ...args], { cwd: tmp.dir, env });
}

const required = (trace: string) =>
  existsSync(trace) ? new Set(readFileSync(trace, 'utf8').trim().split('\n')) : new Set<string>();

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  await run(process.execPath, [join(root, 'scripts/bundle.mjs'), out], { cwd: root });
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the bundle (npm run build)', () => {
  const chart = tmp.write('bar.yaml', 'type: bar\ndata: { from: data }\nencode: { x: m, y: v }\n');
  const data = tmp.write('bar.csv', 'm,v\nJan,3\nFeb,5\nMar,4\n');

  it('prints its version', async () => {
    const { stdout } = await bundled(['--version']);
    expect(stdout.trim()).toBe(VERSION);
  });

  it('draws the same SVG as the sources, loading no Typst, pool or PNG code', async () => {
    const trace = join(tmp.dir, 'chart.trace');
    await bundled(['chart', chart, '--data', data, '-o', 'bar.svg'], trace);
    const engine = createEngine({ cache: false });
    try {
      const { svg } = await engine.chart(chart, { data });
      expect(readFileSync(join(tmp.dir, 'bar.svg'), 'utf8')).toBe(await svgWithFont(svg));
    } finally {
      await engine.close();
    }
    const packages = required(trace);
    for (const heavy of ['@myriaddreamin/typst-ts-node-compiler', 'piscina', '@resvg/resvg-js'])
      expect(packages.has(heavy), heavy).toBe(false);
  });

  it('loads resvg for a PNG', async () => {
    const trace = join(tmp.dir, 'png.trace');
    await bundled(['chart', chart, '--data', data, '-o', 'bar.png'], trace);
    expect(readFileSync(join(tmp.dir, 'bar.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(required(trace).has('@resvg/resvg-js')).toBe(true);
  });

  it('renders the example to PDF on worker threads started from the bundle', async () => {
    const report = join(root, 'examples/sales/report.yaml');
    const { stdout } = await bundled([
      'render',
      report,
      '-o',
      'sales.pdf',
      '--no-cache',
      '--concurrency',
      '2',
      '--chart-timeout',
      '20000',
      '--stats',
      'json',
    ]);
    const stats = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(stats.charts).toMatchObject({ rendered: 8, failed: 0 });
    expect(stats.metrics.pool.onWorkers).toBe(8);
    expect(readFileSync(join(tmp.dir, 'sales.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('the library from the bundle renders the example on worker threads', async () => {
    const index = pathToFileURL(join(out, 'index.js')).href;
    const report = join(root, 'examples/sales/report.yaml');
    const code = `import(${JSON.stringify(index)}).then(async ({ createEngine }) => {
      const engine = createEngine({ cache: false, pool: { threads: 2, timeoutMs: 20000 } });
      const result = await engine.render(${JSON.stringify(report)}, { format: 'pdf' });
      console.log(JSON.stringify({ stats: result.stats.charts, pool: engine.poolStats().onWorkers }));
      await engine.close();
    })`;
    const { stdout } = await run(process.execPath, ['-e', code], { cwd: tmp.dir });
    const { stats, pool } = JSON.parse(stdout);
    expect(stats).toMatchObject({ rendered: 8, failed: 0 });
    expect(pool).toBe(8);
  });

  it('reads a large CSV on a thread started from the CLI and from the library', async () => {
    // Past THREAD_MIN_BYTES (16 MiB): 1.8M rows of 10 bytes.
    const rows = 1_800_000;
    const body = Array.from({ length: rows }, (_, i) => `${String(i % 1000).padStart(6, '0')},g${i % 3}\n`);
    writeFileSync(join(tmp.dir, 'big.csv'), `n,g\n${body.join('')}`);
    writeFileSync(
      join(tmp.dir, 'big.yaml'),
      'title: Big\ndatasets:\n  big: { source: csv, path: big.csv, columns: { n: number } }\nbody:\n  - table: { data: { from: big, groupBy: [g], aggregate: { n: { op: sum, field: n }, rows: { op: count } } } }\n',
    );
    const answer = (tables: Record<string, { g: string; n: number; rows: number }[]>) =>
      Object.values(tables)[0] ?? [];
    const cli = await bundled(['data', 'big.yaml']);
    const index = pathToFileURL(join(out, 'index.js')).href;
    const code = `import(${JSON.stringify(index)}).then(async ({ createEngine }) => {
      const engine = createEngine({ cache: false });
      console.log(JSON.stringify(await engine.data('big.yaml')));
      await engine.close();
    })`;
    const lib = await run(process.execPath, ['-e', code], { cwd: tmp.dir });
    for (const { stdout } of [cli, lib]) {
      const got = answer(JSON.parse(stdout));
      expect(got.map((r) => [r.g, r.rows])).toEqual([
        ['g0', rows / 3],
        ['g1', rows / 3],
        ['g2', rows / 3],
      ]);
      expect(got.reduce((s, r) => s + r.n, 0)).toBe(rows * 499.5);
    }
  });

  it('renders the example to HTML with its font subset, and says nothing on stderr', async () => {
    const report = join(root, 'examples/sales/report.yaml');
    const { stderr } = await bundled(['render', report, '-o', 'sales.html', '--no-cache']);
    expect(stderr).toBe('');
    const html = readFileSync(join(tmp.dir, 'sales.html'), 'utf8');
    expect(html).toContain('format("woff2")');
    // The whole font, the subsetter's fallback, would be over 300 KB a face.
    expect(html.length).toBeLessThan(400_000);
  });
});

describe('the CLI code caches (cli/lib/*.cjs.cache, see src/cli/launch.ts)', () => {
  const cacheFile = join(out, 'cli/lib/main.cjs.cache');
  const chart = tmp.write('cc.yaml', 'type: bar\ndata: { from: data }\nencode: { x: m, y: v }\n');
  const data = tmp.write('cc.csv', 'm,v\nJan,3\nFeb,5\nMar,4\n');
  let made: Buffer;
  let expected: string;

  /** How a fresh process compiled the CLI's scripts: with their caches, or why without. */
  async function cacheUse(): Promise<Record<string, string>> {
    const launcher = pathToFileURL(join(out, 'cli/main.js')).href;
    const code = `import(${JSON.stringify(launcher)}).then((m) => { m.loadCli();
      console.log(JSON.stringify(Object.fromEntries(m.loadedScripts().map((s) => [s.file, s.cache])))) })`;
    const { stdout } = await run(process.execPath, ['-e', code], { cwd: tmp.dir });
    return JSON.parse(stdout);
  }
  /** How the entry script was compiled; every other script used its cache. */
  async function entryUse(): Promise<string> {
    const { [join(out, 'cli/lib/main.cjs')]: entry, ...others } = await cacheUse();
    expect(Object.keys(others).length).toBeGreaterThan(0);
    for (const use of Object.values(others)) expect(use).toBe('used');
    return entry ?? 'not loaded';
  }

  /** Draws the chart with the cache file as it is now, and checks the SVG against the sources'. */
  async function drawsTheSame(): Promise<void> {
    const { stderr } = await bundled(['chart', chart, '--data', data, '-o', 'cc.svg']);
    expect(stderr).toBe('');
    expect(readFileSync(join(tmp.dir, 'cc.svg'), 'utf8')).toBe(expected);
  }

  beforeAll(async () => {
    made = readFileSync(cacheFile);
    const engine = createEngine({ cache: false });
    try {
      expected = await svgWithFont((await engine.chart(chart, { data })).svg);
    } finally {
      await engine.close();
    }
  });
  afterAll(() => writeFileSync(cacheFile, made));

  it('is made by the build and used by a fresh process', async () => {
    expect(await entryUse()).toBe('used');
    await drawsTheSame();
  });

  it.each([
    ['empty', () => Buffer.alloc(0)],
    ['cut short', () => made.subarray(0, made.length >> 1)],
    ['one bit flipped in the V8 data', () => flip(made, made.length - 100)],
    ['one bit flipped in its digest', () => flip(made, 30)],
    ['not ours', () => Buffer.from('#!/bin/sh\nrm -rf /\n')],
  ])('is not used when it is %s, and the CLI still draws', async (_, bytes) => {
    writeFileSync(cacheFile, bytes());
    expect(await entryUse()).toBe('invalid');
    await drawsTheSame();
  });

  it('is not used when missing', async () => {
    rmSync(cacheFile);
    expect(await entryUse()).toBe('missing');
    await drawsTheSame();
  });

  it('is handed to V8 only with a digest of this bundle, and V8 refuses data it did not make', async () => {
    // A well-formed file for this very bundle, whose V8 data is not V8's: the digest passes,
    // V8's own checks refuse it, and the bundle is compiled from its source.
    const source = readFileSync(join(out, 'cli/lib/main.cjs'));
    const data = Buffer.alloc(4096, 0x5a);
    const digest = createHash('sha256').update(source).update(data).digest();
    const magic = Buffer.from('chartpress code cache 1\n');
    expect(made.subarray(0, magic.length).equals(magic)).toBe(true);
    writeFileSync(cacheFile, Buffer.concat([magic, digest, data]));
    expect(await entryUse()).toBe('rejected');
    await drawsTheSame();
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
}
