import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PNG_PIXELS, svgToPng } from '../../src/chart/png.js';
import { createEngine } from '../../src/engine.js';
import { ChartpressError } from '../../src/errors.js';
import { MAX_TIMEOUT_MS } from '../../src/spec/limits.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Every number a user gives has a ceiling, refused with a coded error that names it. */

const tmp = tempDir();
const csv = tmp.write('data.csv', 'a,b\nx,1\ny,2\n');
const chart = (options = '') => `type: bar\ndata: { from: d }\nencode: { x: a, y: b }\n${options}`;
const report = (options = '') =>
  `title: T\ndatasets:\n  d: { source: csv, path: data.csv }\ncharts:\n  c:\n    ${chart(options).replaceAll('\n', '\n    ')}\nbody:\n  - chart: c\n`;

let n = 0;
const out = (ext = 'html') => `${tmp.dir}/out-${n++}.${ext}`;

/** Runs the CLI and checks for exactly one coded error line, the exit code and no internal error. */
async function refused(code: string, exit: number, ...argv: string[]): Promise<string> {
  const run = await cli(...argv);
  expect(run.stderr.some((l) => l.startsWith('chartpress: internal error'))).toBe(false);
  expect(run.stderr).toHaveLength(1);
  expect(run.stderr[0]).toMatch(new RegExp(`^${code} `));
  expect(run.code).toBe(exit);
  return run.stderr[0] ?? '';
}

function problemOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ChartpressError);
    return (e as ChartpressError).problems[0];
  }
  throw new Error('expected a ChartpressError');
}

describe('timeouts are capped at 2^31 - 1 ms', () => {
  it('--chart-timeout past the cap is a usage error naming it', async () => {
    const file = tmp.write('r1.yaml', report());
    const line = await refused(
      'CP_ERR_USAGE',
      2,
      'render',
      file,
      '-o',
      out(),
      '--chart-timeout',
      '3000000000',
    );
    expect(line).toContain(`from 1 to ${MAX_TIMEOUT_MS}`);
  });

  it('--chart-timeout at the cap renders: the worker wait does not overflow the timer', async () => {
    const file = tmp.write('r2.yaml', report());
    const run = await cli(
      'render',
      file,
      '-o',
      out(),
      '--chart-timeout',
      String(MAX_TIMEOUT_MS),
      '--no-cache',
    );
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
  }, 20_000);

  it("a chart's options.timeoutMs past the cap is CP_ERR_INVALID_VALUE at its path", async () => {
    const file = tmp.write('r3.yaml', report('options: { timeoutMs: 3000000000 }\n'));
    const line = await refused('CP_ERR_INVALID_VALUE', 1, 'render', file, '-o', out());
    expect(line).toContain('charts.c.options.timeoutMs');
    expect(line).toContain(String(MAX_TIMEOUT_MS));
  });

  it('pool.timeoutMs and pool.idleTimeoutMs past the cap are refused by the library', () => {
    const timeout = problemOf(() => createEngine({ cache: false, pool: { timeoutMs: 3e9 } }));
    expect(timeout?.code).toBe('CP_ERR_INVALID_VALUE');
    expect(timeout?.message).toContain(`pool.timeoutMs: expected an integer from 1 to ${MAX_TIMEOUT_MS}`);
    const idle = problemOf(() => createEngine({ cache: false, pool: { idleTimeoutMs: 3e9 } }));
    expect(idle?.code).toBe('CP_ERR_INVALID_VALUE');
    expect(idle?.path).toBe('pool.idleTimeoutMs');
  });
});

describe('PNG output is bounded in pixels', () => {
  it('a 10000 × 10000 chart as PNG is refused before it is drawn, and nothing is written', async () => {
    const file = tmp.write('big.yaml', chart('options: { width: 10000, height: 10000 }\n'));
    const target = out('png');
    const rssBefore = process.memoryUsage().rss;
    const line = await refused(
      'CP_ERR_INVALID_VALUE',
      1,
      'chart',
      file,
      '--data',
      csv,
      '-o',
      target,
      '--scale',
      '1',
    );
    expect(line).toContain('10000 × 10000 pixels (100 megapixels), over the limit of 40 megapixels');
    expect(existsSync(target)).toBe(false);
    // Drawing it would take some 400 MB for the pixels alone.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it('--scale counts squared: 1000 × 1000 at scale 8 is 64 megapixels, refused', async () => {
    const file = tmp.write('mid.yaml', chart('options: { width: 1000, height: 1000 }\n'));
    const line = await refused(
      'CP_ERR_INVALID_VALUE',
      1,
      'chart',
      file,
      '--data',
      csv,
      '-o',
      out('png'),
      '--scale',
      '8',
    );
    expect(line).toContain('8000 × 8000 pixels');
  });

  it('a scale that leaves less than one pixel is refused, not a crash; a scale must be decimal', async () => {
    const file = tmp.write('tiny.yaml', chart());
    const target = out('png');
    const args = ['chart', file, '--data', csv, '-o', target, '--scale'];
    expect(await refused('CP_ERR_INVALID_VALUE', 1, ...args, '0.001')).toContain('less than one pixel');
    expect(await refused('CP_ERR_USAGE', 2, ...args, '1e-300')).toContain('--scale expects a number');
    expect(existsSync(target)).toBe(false);
  });

  it('a chart within the limit still renders to PNG', async () => {
    const file = tmp.write('ok.yaml', chart('options: { width: 300, height: 200 }\n'));
    const run = await cli('chart', file, '--data', csv, '-o', out('png'), '--scale', '2');
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('svgToPng in the library refuses an SVG whose size passes the limit', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"></svg>';
    const p = problemOf(() => svgToPng(svg));
    expect(p?.code).toBe('CP_ERR_INVALID_VALUE');
    expect(MAX_PNG_PIXELS).toBe(40_000_000);
    expect(() => svgToPng(svg.replaceAll('100000', '100'), { scale: 2 })).not.toThrow();
  });

  it('chart width and height are at most 10000 in the schema', async () => {
    const file = tmp.write('huge.yaml', report('options: { width: 80000 }\n'));
    const line = await refused('CP_ERR_INVALID_VALUE', 1, 'render', file, '-o', out());
    expect(line).toContain('charts.c.options.width');
  });
});

describe('threads are capped at 4 × the CPU count', () => {
  const max = 4 * availableParallelism();
  const engines: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
  });

  it('--concurrency past the cap is a usage error naming it', async () => {
    const file = tmp.write('r4.yaml', report());
    const line = await refused('CP_ERR_USAGE', 2, 'render', file, '-o', out(), '--concurrency', '100000');
    expect(line).toContain(`from 1 to ${max}`);
  });

  it('counts on the command line are decimal: 0x2 and 1e1 are usage errors', async () => {
    const file = tmp.write('r5.yaml', report());
    for (const [flag, value] of [
      ['--concurrency', '0x2'],
      ['--concurrency', '1e1'],
      ['--chart-timeout', '0x10'],
    ] as const) {
      const line = await refused('CP_ERR_USAGE', 2, 'render', file, '-o', out(), flag, value);
      expect(line).toContain(`${flag} expects a whole number`);
    }
  });

  it('pool.threads past the cap is refused by the library; the cap itself is accepted', () => {
    const p = problemOf(() => createEngine({ cache: false, pool: { threads: max + 1 } }));
    expect(p?.code).toBe('CP_ERR_INVALID_VALUE');
    expect(p?.message).toContain(`pool.threads: expected an integer from 1 to ${max}`);
    engines.push(createEngine({ cache: false, pool: { threads: max } }));
  });
});
