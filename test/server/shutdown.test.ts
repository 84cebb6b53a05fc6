import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const tsx = createRequire(import.meta.url).resolve('tsx');
const main = join(import.meta.dirname, '../../src/cli/main.ts');
const tmp = tempDir();
const examples = join(import.meta.dirname, '../../examples/sales');
cpSync(join(examples, 'report.yaml'), join(tmp.dir, 'reports/sales.yaml'));
cpSync(join(examples, 'data'), join(tmp.dir, 'reports/data'), { recursive: true });
tmp.write('server.yaml', 'limits: { concurrency: 1, queue: 16 }\n');

/** `chartpress serve` in a process of its own, on a free port; resolves once it listens. */
async function serve(): Promise<{ child: ChildProcess; url: string; exit: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      main,
      'serve',
      '--root',
      tmp.dir,
      '--port',
      '0',
      '--no-cache',
      '--config',
      `${tmp.dir}/server.yaml`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`serve exited before listening:\n${err}`)));
  });
  return { child, url, exit };
}

const render = (url: string) =>
  fetch(`${url}/v1/reports/sales`, { method: 'POST' }).then(async (r) => ({
    status: r.status,
    pdf: Buffer.from(await r.arrayBuffer())
      .subarray(0, 5)
      .toString(),
  }));

describe('chartpress serve: shutdown', () => {
  it('on SIGTERM, finishes every request under way, then exits 0', async () => {
    const { child, url, exit } = await serve();
    const requests = Array.from({ length: 4 }, () => render(url));
    // The first is rendering, the others wait in the queue.
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    const answers = await Promise.all(requests);
    expect(answers).toEqual(Array.from({ length: 4 }, () => ({ status: 200, pdf: '%PDF-' })));
    expect(await exit).toBe(0);
  }, 60_000);

  it('a second signal exits at once', async () => {
    const { child, url, exit } = await serve();
    const requests = Array.from({ length: 8 }, () => render(url).catch(() => ({ status: 0, pdf: '' })));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exit).toBe(1);
    const answers = await Promise.all(requests);
    // Cut short: not every request was answered.
    expect(answers.filter((a) => a.status === 200).length).toBeLessThan(8);
  }, 60_000);
});
