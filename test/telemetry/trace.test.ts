import { describe, expect, it } from 'vitest';
import {
  publishPool,
  publishSkipped,
  traceChart,
  traceLookup,
  tracePoolTask,
  traceReport,
  traceWrite,
} from '../../src/telemetry/trace.js';
import { recordChannels } from './helpers.js';

// The engine's chart, pool and report code calls these helpers; here they are fed by hand.
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

  it('publishPool publishes start, timeout, recycle and memory-guard events', () => {
    const { on } = recordChannels();
    publishPool(() => ({ type: 'start', threads: 2, ms: 800 }));
    publishPool(() => ({ type: 'timeout', chartId: 'revenue', limitMs: 5000 }));
    publishPool(() => ({ type: 'recycle', reason: 'tasks', threadId: 3 }));
    publishPool(() => ({
      type: 'memoryGuard',
      action: 'lower',
      concurrency: 1,
      heapShare: 0.8,
      limitShare: 0.7,
    }));
    expect(on('pool').map((e) => e.type)).toEqual(['start', 'timeout', 'recycle', 'memoryGuard']);
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

  it('traceLookup notes where the entry came from', async () => {
    const { on } = recordChannels();
    await traceLookup('k', async () => ({ from: 'disk' as const }));
    expect(on('cache:asyncEnd')[0]).toMatchObject({ key: 'k', from: 'disk' });
  });
});
