import { describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import type { PoolOptions } from '../../src/pool/options.js';
import { RenderPool } from '../../src/pool/pool.js';
import { barJob, testRenderers } from './helpers.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const codeOf = (e: unknown) => (e instanceof ChartpressError ? e.code : String(e));
/** What a `turn <label>` chart says: its label, the thread that drew it, and the turn. */
const turnOf = (svg: string) => /<text[^>]*>(\S+) (\d+):(\d+)<\/text>/.exec(svg)?.slice(1) ?? [];

/**
 * Renders the titles on a 1-thread pool. The two `slow` charts keep the worker busy while the
 * rest arrive, so that those travel in batches: of the five after them, the first three go
 * together (an even share of the queue over the two batches a worker holds), then one, then one.
 */
async function onOneWorker(titles: string[], options: PoolOptions = {}) {
  const pool = new RenderPool({ threads: 1, timeoutMs: 5000, renderers: { bar: testRenderers }, ...options });
  const threads = new Map<string, number>();
  const results = await Promise.allSettled(
    ['slow', 'slow', ...titles].map((title) =>
      pool.render({ ...barJob(title), onStart: (_, id) => threads.set(title, id ?? -1) }),
    ),
  );
  const stats = pool.stats();
  await pool.close();
  const byTitle = new Map(titles.map((t, i) => [t, results[i + 2] as PromiseSettledResult<Uint8Array>]));
  const svg = (title: string) => {
    const r = byTitle.get(title);
    if (r?.status !== 'fulfilled') throw new Error(`${title} was not drawn: ${String(r?.reason)}`);
    return text(r.value);
  };
  const error = (title: string) => {
    const r = byTitle.get(title);
    if (r?.status !== 'rejected') throw new Error(`${title} did not fail`);
    return r.reason as Error;
  };
  return { svg, error, threads, stats };
}

describe('charts in batches', () => {
  it('draws several small charts from one message in one go', async () => {
    const { svg } = await onOneWorker(['turn a', 'turn b', 'turn c', 'turn d', 'turn e']);
    const [a, b, c, d, e] = ['turn a', 'turn b', 'turn c', 'turn d', 'turn e'].map((t) => turnOf(svg(t)));
    // One thread, and a turn of its event loop only between two batches.
    expect(new Set([a, b, c, d, e].map((x) => x?.[1])).size).toBe(1);
    expect(a?.[2]).toBe(b?.[2]);
    expect(b?.[2]).toBe(c?.[2]);
    expect(c?.[2]).not.toBe(d?.[2]);
    expect(d?.[2]).not.toBe(e?.[2]);
  });

  it('fails only the chart that throws; the others of its batch are drawn', async () => {
    const { svg, error } = await onOneWorker(['turn a', 'throw', 'turn b', 'turn c', 'turn d']);
    expect(error('throw').message).toBe('the test renderer throws');
    const [a, b] = [turnOf(svg('turn a')), turnOf(svg('turn b'))];
    expect(a[0]).toBe('a');
    expect(b[0]).toBe('b');
    // Drawn in one go: the throwing chart between them did not end the batch.
    expect(a.slice(1)).toEqual(b.slice(1));
    for (const t of ['turn c', 'turn d']) expect(svg(t)).toContain('<svg');
  });

  it('stops only the chart over its time; the others of its batch, and the batch behind it, are drawn', async () => {
    const { svg, error, threads, stats } = await onOneWorker(
      ['turn a', 'hang', 'turn b', 'turn c', 'turn d'],
      { timeoutMs: 1000 },
    );
    expect(codeOf(error('hang'))).toBe('CP_ERR_CHART_TIMEOUT');
    expect(error('hang').message).toContain('was stopped');
    const hung = threads.get('hang');
    // The chart before it began on the same worker, and is told so once.
    expect(threads.get('turn a')).toBe(hung);
    for (const t of ['turn a', 'turn b', 'turn c', 'turn d']) {
      const [, thread] = turnOf(svg(t));
      // Its answer went with the stopped worker: it was drawn again, on the fresh one.
      expect(Number(thread)).not.toBe(hung);
    }
    expect(stats).toMatchObject({ timedOut: 1, threads: 1 });
  });

  it('fails only the chart whose worker ran out of memory; the others of its batch are drawn', async () => {
    const { svg, error } = await onOneWorker(['turn a', 'oom', 'turn b', 'turn c', 'turn d'], {
      timeoutMs: 20_000,
      workerHeapMb: 128,
    });
    expect(codeOf(error('oom'))).toBe('CP_ERR_CHART_RENDER');
    expect(error('oom').message).toMatch(/chart "oom" failed: .*memory/i);
    for (const t of ['turn a', 'turn b', 'turn c', 'turn d']) expect(svg(t)).toContain('<svg');
  });
});
