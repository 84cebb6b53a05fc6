import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import {
  publishSkipped,
  traceChart,
  tracePoolTask,
  traceReport,
  traceWrite,
} from '../../src/telemetry/trace.js';
import { cacheReport } from '../cache/fixture.js';
import { tempDir } from '../helpers/tmp.js';
import { testRenderers } from '../pool/helpers.js';
import { recordChannels } from './helpers.js';

// The engine's chart, pool and report code calls these helpers: first fed by hand, for the
// fields each sets, then observed in real renders.
const bar = { id: 'revenue', type: 'bar' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chart helpers (synthetic)', () => {
  it('traceChart sets status, key, bytes and tier from what the pipeline returns', async () => {
    const { on } = recordChannels();
    await traceChart(bar, async () => ({
      status: 'cached' as const,
      key: 'abc',
      bytes: 900,
      tier: 'memory' as const,
    }));
    await traceChart(bar, async () => ({ status: 'rendered' as const, key: 'def', ms: 0 }));
    await traceChart(bar, async () => ({
      status: 'failed' as const,
      error: { code: 'CP_ERR_CHART_TIMEOUT' },
    }));
    const done = on('chart:asyncEnd');
    expect(done[0]).toMatchObject({
      id: 'revenue',
      chartType: 'bar',
      status: 'cached',
      key: 'abc',
      bytes: 900,
      tier: 'memory',
    });
    expect(done[1]).toMatchObject({ status: 'rendered', ms: 0 });
    expect(done[2]).toMatchObject({ status: 'timedOut', code: 'CP_ERR_CHART_TIMEOUT' });
  });

  it('publishSkipped publishes a skipped chart with its report', async () => {
    const { on } = recordChannels();
    await traceReport('html', async () => {
      publishSkipped({ id: 'detail', type: 'pie' });
      return { output: '', charts: [] };
    });
    expect(on('chart')).toEqual([
      { type: 'skipped', id: 'detail', chartType: 'pie', reportId: on('report:start')[0]?.reportId },
    ]);
  });
});

describe('pool helpers (synthetic)', () => {
  it('tracePoolTask measures the queue wait and the run, and keeps the job own onStart', async () => {
    const { on } = recordChannels();
    const started: string[] = [];
    const job = {
      chart: bar,
      onStart: (place: 'process' | 'worker', threadId?: number) => {
        started.push(`${place} ${threadId}`);
      },
    };
    const out = await tracePoolTask(
      job,
      async (j) => {
        await sleep(10);
        j.onStart?.('worker', 7);
        await sleep(10);
        return 'svg';
      },
      () => ({ threads: 2, queued: 3 }),
    );
    expect(out).toBe('svg');
    expect(started).toEqual(['worker 7']);
    const [done] = on('pool:asyncEnd');
    expect(done).toMatchObject({
      chartId: 'revenue',
      chartType: 'bar',
      place: 'worker',
      threadId: 7,
      threads: 2,
      queued: 3,
      status: 'ok',
    });
    expect(done?.queueMs).toBeGreaterThanOrEqual(8);
    expect(done?.runMs).toBeGreaterThanOrEqual(8);
  });

  it('tracePoolTask marks a timeout and passes the failure on', async () => {
    const { on } = recordChannels();
    const timeout = Object.assign(new Error('too slow'), { code: 'CP_ERR_CHART_TIMEOUT' });
    await expect(
      tracePoolTask({ chart: bar }, async () => {
        throw timeout;
      }),
    ).rejects.toBe(timeout);
    expect(on('pool:asyncEnd')[0]).toMatchObject({ status: 'timedOut', code: 'CP_ERR_CHART_TIMEOUT' });
  });
});

describe('document and cache helpers (synthetic)', () => {
  it('traceWrite notes the size of HTML or Typst source written', () => {
    const { on } = recordChannels();
    expect(traceWrite('html', 3, () => '<p>é</p>')).toBe('<p>é</p>');
    traceWrite('typ', 1, () => ({ source: '= Hi', files: new Map() }));
    expect(on('document:end')).toMatchObject([
      { format: 'html', step: 'write', charts: 3, bytes: 9 },
      { format: 'typ', step: 'write', charts: 1, bytes: 4 },
    ]);
  });
});

describe('events of a real render', () => {
  const tmp = tempDir();
  const cached = cacheReport();

  it('the pool publishes its start, a timeout, the recycled worker and the memory guard', async () => {
    tmp.write('data/d.csv', 'x,y\na,1\nb,2\n');
    const chart = (title: string, options = '') =>
      `    type: bar\n    title: ${title}\n    data: { from: d }\n    encode: { x: x, y: y }\n${options}`;
    const report = tmp.write(
      'report.yaml',
      `title: Pool events\ndatasets:\n  d: { source: csv, path: data/d.csv }\ncharts:\n  stuck:\n${chart('hang', '    options: { timeoutMs: 300 }\n')}  box:\n${chart('Box')}body:\n  - chart: stuck\n  - chart: box\n`,
    );
    // Two workers, and a memory limit every heap is above.
    const engine = createEngine({
      cache: false,
      pool: { threads: 2, memoryLimit: 0.001, renderers: { bar: testRenderers } },
    });
    const { on } = recordChannels();
    // Warm, the workers take every chart.
    await engine.warmup();
    const result = await engine.render(report, { format: 'html' });
    await engine.close();
    expect(result.charts.map((c) => [c.id, c.status])).toEqual([
      ['stuck', 'failed'],
      ['box', 'rendered'],
    ]);
    const pool = on('pool');
    expect(pool.filter((e) => e.type === 'start')).toEqual([
      { type: 'start', threads: 2, ms: expect.any(Number) },
    ]);
    expect(pool.filter((e) => e.type === 'timeout')).toEqual([
      { type: 'timeout', chartId: 'stuck', limitMs: 300 },
    ]);
    // The worker that ran over its time is replaced.
    const [stuck] = on('pool:asyncEnd').filter((e) => e.chartId === 'stuck');
    expect(pool.filter((e) => e.type === 'recycle')).toEqual([
      { type: 'recycle', reason: 'timeout', threadId: stuck?.threadId },
    ]);
    expect(stuck?.threadId).toEqual(expect.any(Number));
    expect(pool.filter((e) => e.type === 'memoryGuard')[0]).toMatchObject({
      action: 'lower',
      concurrency: 1,
      limitShare: 0.001,
    });
    // The pool's own traced tasks say the same: one timed out, one ran on a worker.
    expect(on('pool:asyncEnd').map((e) => [e.chartId, e.status, e.place])).toEqual(
      expect.arrayContaining([
        ['stuck', 'timedOut', 'worker'],
        ['box', 'ok', 'worker'],
      ]),
    );
  });

  it('each cache lookup notes its key and where the entry came from', async () => {
    const { report } = cached;
    const engine = createEngine();
    const { on } = recordChannels();
    const cold = await engine.render(report, { format: 'typ' });
    const coldLookups = on('cache:asyncEnd').map((e) => [e.key, e.from]);
    const warm = await engine.render(report, { format: 'typ' });
    await engine.close();
    const warmLookups = on('cache:asyncEnd')
      .slice(coldLookups.length)
      .map((e) => [e.key, e.from]);
    // Five charts, two of them the same picture: four keys, each rendered once.
    const keys = [...new Set(cold.charts.map((c) => c.key))];
    expect(keys).toHaveLength(4);
    // Lookups finish in the order their charts' data is ready, not in body order.
    const sorted = (list: unknown[][]) => [...list].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(sorted(coldLookups)).toEqual(sorted(keys.map((key) => [key, 'render'])));
    expect(sorted(warmLookups)).toEqual(sorted(keys.map((key) => [key, 'memory'])));
    expect(warm.charts.map((c) => c.key)).toEqual(cold.charts.map((c) => c.key));
  });
});
