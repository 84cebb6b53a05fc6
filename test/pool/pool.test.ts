import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import { RenderPool } from '../../src/pool/pool.js';
import { tempDir } from '../helpers/tmp.js';
import { barJob, beatingThreads, stopsGrowing, testRenderers } from './helpers.js';

const tmp = tempDir();

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const codeOf = (e: unknown) => (e instanceof ChartpressError ? e.code : String(e));

describe('RenderPool on workers', () => {
  it('stops a hanging chart at its timeout, replaces its worker, and renders the others', async () => {
    const pool = new RenderPool({
      threads: 2,
      inProcessBelowMs: 0,
      timeoutMs: 1000,
      renderers: { bar: testRenderers },
    });
    const beat = join(tmp.dir, 'replaced.beat');
    const threads = new Map<string, number>();
    const job = (title: string, label = title, options = {}) => {
      const j = barJob(title, options);
      return { ...j, onStart: (_: unknown, id?: number) => threads.set(label, id ?? -1) };
    };
    const results = await Promise.allSettled([
      pool.render(job(`spin ${beat}`, 'spin')),
      ...['a', 'b', 'c', 'd'].map((t) => pool.render(job(t))),
    ]);
    const [spin, ...others] = results;
    expect(spin?.status).toBe('rejected');
    expect(codeOf((spin as PromiseRejectedResult).reason)).toBe('CP_ERR_CHART_TIMEOUT');
    expect(String((spin as PromiseRejectedResult).reason.message)).toContain('was stopped');
    for (const r of others) expect(r.status === 'fulfilled' && text(r.value)).toContain('<svg');
    expect(pool.stats()).toMatchObject({ timedOut: 1, threads: 2 });

    // The hung thread really ended: its heartbeat stops.
    const hung = threads.get('spin');
    expect(beatingThreads(beat)).toEqual([hung]);
    expect(await stopsGrowing(beat)).toBe(true);

    // Two live workers, neither the hung one: two charts that each wait for the other both finish.
    threads.clear();
    const [a, b] = [join(tmp.dir, 'meet.a'), join(tmp.dir, 'meet.b')];
    // Their own timeout: the replacement may still be starting when the first begins to wait.
    const meet = { timeoutMs: 10_000 };
    await Promise.all([
      pool.render(job(`meet ${a} ${b}`, 'a', meet)),
      pool.render(job(`meet ${b} ${a}`, 'b', meet)),
    ]);
    expect(new Set(threads.values()).size).toBe(2);
    expect([...threads.values()]).not.toContain(hung);
    expect(pool.stats().threads).toBe(2);
    await pool.close();
  });

  it('starts the next chart on a fresh thread of a 1-thread pool once one times out', async () => {
    const pool = new RenderPool({ threads: 1, timeoutMs: 500, renderers: { bar: testRenderers } });
    const beat = join(tmp.dir, 'single.beat');
    let hung: number | undefined;
    const error = await pool
      .render({ ...barJob(`spin ${beat}`), onStart: (_, id) => (hung = id) })
      .catch((e: unknown) => e);
    expect(codeOf(error)).toBe('CP_ERR_CHART_TIMEOUT');
    expect(hung).toBeGreaterThan(0);
    expect(beatingThreads(beat)).toEqual([hung]);
    expect(await stopsGrowing(beat)).toBe(true);

    let next: number | undefined;
    const bytes = await pool.render({ ...barJob('next'), onStart: (_, id) => (next = id) });
    expect(text(bytes)).toContain('next');
    expect(next).toBeGreaterThan(0);
    expect(next).not.toBe(hung);
    expect(pool.stats()).toMatchObject({ threads: 1, timedOut: 1 });
    await pool.close();
  });

  it('turns a renderer that throws into a failure naming the chart', async () => {
    const pool = new RenderPool({ threads: 2, inProcessBelowMs: 0, renderers: { bar: testRenderers } });
    const error = await pool.render(barJob('throw')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('the test renderer throws');
    expect(text(await pool.render(barJob('fine')))).toContain('fine');
    await pool.close();
  });

  it('replaces a worker after `recycleAfter` renders without failing a chart', async () => {
    const pool = new RenderPool({
      threads: 2,
      inProcessBelowMs: 0,
      recycleAfter: 3,
      renderers: { bar: testRenderers },
    });
    const done = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.render(barJob(`c${i}`))));
    expect(done.map(text).every((s) => s.includes('<svg'))).toBe(true);
    expect(pool.stats().recycled).toBeGreaterThanOrEqual(3);
    await pool.close();
  });

  it('fails a chart whose worker passes its heap limit, and replaces the worker', async () => {
    const pool = new RenderPool({
      threads: 1,
      timeoutMs: 20_000,
      workerHeapMb: 128,
      renderers: { bar: testRenderers },
    });
    const error = await pool.render(barJob('oom')).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('CP_ERR_CHART_RENDER');
    expect((error as Error).message).toMatch(/chart "oom" failed: .*memory/i);
    expect(text(await pool.render(barJob('after')))).toContain('after');
    expect(pool.stats().threads).toBe(1);
    await pool.close();
  });

  it('replaces a worker whose heap passed half its limit, after its render', async () => {
    const pool = new RenderPool({
      threads: 1,
      timeoutMs: 20_000,
      workerHeapMb: 256,
      renderers: { bar: testRenderers },
    });
    const threads = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const bytes = await pool.render({ ...barJob('grow'), onStart: (_, id) => threads.add(id ?? -1) });
      expect(text(bytes)).toContain('grow');
    }
    // Each call keeps 8 MB: the worker is replaced once past 128 MB, not after every render.
    expect(pool.stats().recycled).toBeGreaterThanOrEqual(1);
    expect(threads.size).toBeGreaterThan(1);
    expect(threads.size).toBeLessThan(12);
    await pool.close();
  });

  it('ends its workers after `idleTimeoutMs` without work, and starts them again when needed', async () => {
    const pool = new RenderPool({
      threads: 1,
      timeoutMs: 20_000,
      idleTimeoutMs: 100,
      renderers: { bar: testRenderers },
    });
    await pool.render(barJob('one'));
    expect(pool.stats().threads).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(pool.stats().threads).toBe(0);
    expect(text(await pool.render(barJob('two')))).toContain('two');
    await pool.close();
  });

  it('ends every worker on close, and refuses work afterwards', async () => {
    const pool = new RenderPool({ threads: 2 });
    await pool.warmup();
    expect(pool.stats().threads).toBe(2);
    await pool.close();
    expect(pool.stats().threads).toBe(0);
    await expect(pool.render(barJob('late'))).rejects.toThrow(/the engine is closed/);
  });

  it('cancels charts still waiting when closed, and finishes those under way', async () => {
    const pool = new RenderPool({ threads: 1, timeoutMs: 5000, renderers: { bar: testRenderers } });
    const running = pool.render(barJob('first'));
    const waiting = pool.render(barJob('second'));
    const closing = pool.close();
    expect(text(await running)).toContain('first');
    expect((await waiting.catch((e: Error) => e.message)) as string).toMatch(
      /closed before the chart was rendered/,
    );
    await closing;
    expect(pool.stats().threads).toBe(0);
  });
});

describe('RenderPool in process', () => {
  it('renders a small batch in process and never starts a worker', async () => {
    const pool = new RenderPool({ threads: 2 });
    const places = new Set<string>();
    const jobs = ['a', 'b', 'c'].map((t) => ({ ...barJob(t), onStart: (p: string) => places.add(p) }));
    await Promise.all(jobs.map((j) => pool.render(j)));
    expect([...places]).toEqual(['process']);
    expect(pool.stats()).toMatchObject({ threads: 0, inProcess: 3, onWorkers: 0 });
    await pool.close();
  });

  it('starts workers once the estimated work passes the threshold', async () => {
    const pool = new RenderPool({ threads: 2, inProcessBelowMs: 60, renderers: { bar: testRenderers } });
    const places: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((t) => ({ ...barJob(t), onStart: (p: string) => places.push(p) }));
    await Promise.all(jobs.map((j) => pool.render(j)));
    // A bar is estimated at ~25 ms: two fit under 60 ms, the rest go to the workers.
    expect(places.filter((p) => p === 'process')).toHaveLength(2);
    expect(places.filter((p) => p === 'worker')).toHaveLength(2);
    await pool.close();
  });

  it('fails a render over its timeout once it returns, since it cannot be stopped', async () => {
    const pool = new RenderPool({
      threads: 1,
      timeoutMs: 10,
      enforceTimeouts: false,
      renderers: { bar: testRenderers },
    });
    const error = await pool.render(barJob('slow')).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('CP_ERR_CHART_TIMEOUT');
    expect((error as Error).message).toMatch(
      /rendered in process, so it could only be failed once it returned/,
    );
    expect(pool.stats()).toMatchObject({ threads: 0, inProcess: 1 });
    await pool.close();
  });
});

describe('RenderPool options', () => {
  it('refuses values out of range, naming the option', () => {
    expect(() => new RenderPool({ threads: 0 })).toThrow(
      /pool\.threads: expected an integer from 1 to \d+, got 0/,
    );
    expect(() => new RenderPool({ memoryLimit: 1.5 })).toThrow(/pool\.memoryLimit/);
    expect(() => new RenderPool({ maxQueue: Number.POSITIVE_INFINITY })).toThrow(/pool\.maxQueue/);
  });
});
