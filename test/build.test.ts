import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
});
