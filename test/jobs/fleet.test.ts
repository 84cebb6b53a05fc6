import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderQueue } from '../../src/jobs/queue.js';
import { REDIS_URL, redisTestsRun } from '../cache/redis-helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { type Running, startServer } from '../server/helpers.js';

const run = await redisTestsRun();
const tsx = createRequire(import.meta.url).resolve('tsx');
const main = join(import.meta.dirname, '../../src/cli/main.ts');
const tmp = tempDir();
const elsewhere = tempDir();
// A queue of this test file's own.
const prefix = `cp-test-${randomUUID().slice(0, 8)}`;

const stores = Array.from({ length: 50 }, (_, i) => `S${String(i + 1).padStart(2, '0')}`);
const sales = ['store,region,amount'];
for (const [i, s] of stores.entries())
  for (const r of ['EU', 'US']) sales.push(`${s},${r},${(i * 7 + r.length) % 50}`);
const reportText = `title: Stores
params:
  store: { type: string }
datasets:
  sales: { source: csv, path: data/sales.csv }
  stores: { source: csv, path: data/stores.csv }
charts:
  c:
    type: bar
    data: { from: sales, filter: [{ field: store, value: { param: store } }], groupBy: [region], aggregate: { t: { op: sum, field: amount } } }
    encode: { x: region, y: t }
  all:
    type: pie
    data: { from: sales, groupBy: [region], aggregate: { t: { op: sum, field: amount } } }
    encode: { x: region, y: t }
body: [{ heading: Store }, { chart: c }, { chart: all }]
`;
tmp.write('data/sales.csv', `${sales.join('\n')}\n`);
tmp.write('data/stores.csv', `id\n${stores.join('\n')}\n`);
const report = tmp.write('report.yaml', reportText);
// A report the workers may not read (their --root is the first folder): its jobs are poison.
elsewhere.write('data/sales.csv', `${sales.join('\n')}\n`);
elsewhere.write('data/stores.csv', 'id\nS01\n');
const poison = elsewhere.write('report.yaml', reportText);

const workers: ChildProcess[] = [];
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  if (!run) return;
  const queue = renderQueue(REDIS_URL, prefix);
  await queue.obliterate({ force: true });
  await queue.close();
});

/** A `chartpress worker` process; resolves once it takes jobs. `jobs` counts the jobs it finished. */
async function worker(): Promise<{ child: ChildProcess; jobs: () => number }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      main,
      'worker',
      '--redis',
      REDIS_URL,
      '--queue-prefix',
      prefix,
      '--lock-ms',
      '2000',
      '--root',
      tmp.dir,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  workers.push(child);
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (err.includes('taking jobs')) {
        clearInterval(check);
        resolve();
      }
    }, 50);
    child.once('exit', () => reject(new Error(`worker exited:\n${err}`)));
  });
  return { child, jobs: () => (err.match(/^job \S+: \d+ documents$/gm) ?? []).length };
}

interface BatchStatus {
  done: boolean;
  completed: number;
  documents?: { file: string; status: string }[];
}

/** `GET /v1/jobs/:batch` until the batch is done (or a minute has passed). */
async function batchDone(server: Running, batch: string): Promise<BatchStatus> {
  let status: BatchStatus = { done: false, completed: 0 };
  for (let i = 0; i < 240 && !status.done; i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = (await (await server.call(`/v1/jobs/${batch}`)).json()) as BatchStatus;
  }
  return status;
}

interface Manifest {
  documents: { value: string; file: string; status: string; bytes: number }[];
}
const strip = (f: string) => readFileSync(f, 'utf8').replace(/data-status="\w+"/g, '');

describe.skipIf(!run)('the job queue: chartpress worker and render --each --queue', () => {
  it('50 documents on 2 workers, one killed with SIGKILL mid-run: every document once, the same as on 1 worker', async () => {
    const [a, b] = await Promise.all([worker(), worker()]);
    const out2 = join(tmp.dir, 'two');
    const burst = (out: string) =>
      cli(
        'render',
        report,
        '--each',
        'store=stores.id',
        '-o',
        `${out}/{store}.html`,
        '--queue',
        REDIS_URL,
        '--queue-prefix',
        prefix,
        '--slice',
        '5',
        '--quiet',
      );
    const running = burst(out2);
    // Killed as soon as it has finished a job: it is most likely in the middle of the next one.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (a.jobs() >= 1) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    a.child.kill('SIGKILL');
    const two = await running;
    expect(two.code, two.stderr.join('\n')).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out2, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.documents.map((d) => d.value).sort()).toEqual(stores);
    expect(manifest.documents.every((d) => d.status === 'ok')).toBe(true);
    expect(readdirSync(out2).filter((f) => f.endsWith('.html'))).toHaveLength(50);
    expect(readdirSync(out2).filter((f) => f.includes('.tmp'))).toEqual([]);

    // The same batch on the one worker left: the same documents.
    const out1 = join(tmp.dir, 'one');
    const one = await burst(out1);
    expect(one.code).toBe(0);
    expect(b.jobs()).toBeGreaterThan(0);
    for (const s of stores) expect(strip(join(out1, `${s}.html`)), s).toBe(strip(join(out2, `${s}.html`)));
  }, 120_000);

  it('POST /v1/jobs queues a burst of a report under the root; GET /v1/jobs/:batch follows it', async () => {
    await worker();
    tmp.write('reports/stores.yaml', reportText.replaceAll('path: data/', 'path: ../data/'));
    tmp.write('server.yaml', `queuePrefix: ${prefix}\n`);
    const server = await startServer({
      root: tmp.dir,
      cacheDir: false,
      redis: REDIS_URL,
      config: `${tmp.dir}/server.yaml`,
    });
    /** A burst of the stores report, with `fields` added to the request. */
    const postBurst = (fields: Record<string, unknown>) =>
      server.call('/v1/jobs', {
        json: { report: 'stores', each: { param: 'store', from: 'stores', field: 'id' }, ...fields },
      });
    const bad = await postBurst({ output: '../{store}.pdf' });
    expect(bad.status).toBe(400);
    const posted = await postBurst({ output: 'api/{store}.html', format: 'html', slice: 25 });
    expect(posted.status).toBe(202);
    const { batch, jobs, documents } = (await posted.json()) as {
      batch: string;
      jobs: number;
      documents: number;
    };
    expect([jobs, documents]).toEqual([2, 50]);
    // What a worker killed mid-write would leave: gone once the batch is seen done.
    tmp.write('api/.S01.html.4242.k3j2h1g0.tmp', 'half a document');
    const status = await batchDone(server, batch);
    expect(status).toMatchObject({ done: true, completed: 2 });
    expect(status.documents?.map((d) => d.file).sort()).toEqual(stores.map((s) => `api/${s}.html`));
    expect(readdirSync(join(tmp.dir, 'api'))).toHaveLength(50);
    expect((await server.call(`/v1/jobs/${randomUUID()}`)).status).toBe(404);

    // Kept in Redis instead: no file, each document fetched by its value while it lives.
    const kept = await postBurst({ format: 'html', keep: 'redis', slice: 25 });
    expect(kept.status).toBe(202);
    const keptBatch = ((await kept.json()) as { batch: string }).batch;
    expect((await batchDone(server, keptBatch)).done).toBe(true);
    const result = await server.call(`/v1/jobs/${keptBatch}/result/S07`);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const strip = (html: string) => html.replace(/data-status="\w+"/g, '');
    expect(strip(await result.text())).toBe(strip(readFileSync(join(tmp.dir, 'api/S07.html'), 'utf8')));
    expect((await server.call(`/v1/jobs/${keptBatch}/result/S99`)).status).toBe(404);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.html'))).toEqual([]);
  }, 120_000);

  it('a poison job fails alone, at once, and `chartpress jobs` lists it', async () => {
    await worker();
    const out = join(tmp.dir, 'poison');
    const [bad, good] = await Promise.all([
      cli(
        'render',
        poison,
        '--each',
        'store=stores.id',
        '-o',
        `${out}/{store}.html`,
        '--queue',
        REDIS_URL,
        '--queue-prefix',
        prefix,
        '--quiet',
      ),
      cli(
        'render',
        report,
        '--each',
        'store=stores.id',
        '-o',
        `${join(tmp.dir, 'fine')}/{store}.html`,
        '--queue',
        REDIS_URL,
        '--queue-prefix',
        prefix,
        '--quiet',
        '--slice',
        '25',
      ),
    ]);
    expect(good.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/^CP_ERR_PATH_DENIED /m);
    const listed = await cli('jobs', '--redis', REDIS_URL, '--queue-prefix', prefix);
    expect(listed.code).toBe(0);
    expect(listed.stdout.join('\n')).toMatch(/^failed \S+ \(batch \S+; store: "S01"\): CP_ERR_PATH_DENIED/m);
    // A job may not write outside the worker's root either: each document is a failed entry.
    const away = join(elsewhere.dir, 'away');
    const outside = await cli(
      'render',
      report,
      '--each',
      'store=stores.id',
      '-o',
      `${away}/{store}.html`,
      '--queue',
      REDIS_URL,
      '--queue-prefix',
      prefix,
      '--quiet',
      '--slice',
      '50',
    );
    expect(outside.code).toBe(1);
    expect(outside.stderr.filter((l) => l.startsWith('CP_ERR_PATH_DENIED'))).toHaveLength(50);
    expect(readdirSync(away)).toEqual(['manifest.json']);
    // --detach: the batch id at once, the work left to the workers.
    const detached = await cli(
      'render',
      report,
      '--each',
      'store=stores.id',
      '-o',
      `${join(tmp.dir, 'detached')}/{store}.html`,
      '--queue',
      REDIS_URL,
      '--queue-prefix',
      prefix,
      '--slice',
      '10',
      '--detach',
    );
    expect(detached.code).toBe(0);
    expect(detached.stdout[0]).toMatch(/^[0-9a-f-]{36}: 50 documents in 5 jobs$/);
    const again = await cli('jobs', '--redis', REDIS_URL, '--queue-prefix', prefix, '--retry');
    expect(again.stdout.join('\n')).toMatch(/1 failed jobs queued again/);
  }, 120_000);
});
