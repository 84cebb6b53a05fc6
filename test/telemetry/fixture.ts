import { publish as publishCache } from '../../src/cache/events.js';
import { traceAsync, traceSync, tracing } from '../../src/telemetry/channels.js';
import {
  publishPool,
  publishSkipped,
  traceChart,
  tracePhase,
  traceReport,
} from '../../src/telemetry/trace.js';

/**
 * The events of a report whose outcome is known, published through the same helpers the engine
 * calls: 2 datasets (1000 + 200 rows); 10 charts: 6 rendered (10..60 ms, each a cache miss, a
 * pool task queued 5 ms and run 20 ms, then stored at 2000 of 10000 bytes), 2 cached (one from
 * memory, one from disk after a memory miss), 1 failed (a miss, then a failed task), 1 skipped;
 * a memory eviction, a Redis error; the Typst compile.
 */
export async function knownReport(): Promise<void> {
  await traceReport('pdf', async () => {
    await tracePhase('data', async () => {
      for (const [dataset, rows] of [
        ['sales', 1000],
        ['stores', 200],
      ] as const) {
        await traceAsync(
          tracing.data,
          () => ({ dataset, queries: 2, rows: 0 }),
          async (ctx) => {
            if (ctx) ctx.rows = rows;
          },
        );
      }
    });
    await tracePhase('charts', async () => {
      for (let i = 1; i <= 6; i++) {
        const id = `c${i}`;
        await traceChart({ id, type: 'line' }, async () => {
          publishCache({ type: 'miss', key: id, tiers: ['memory', 'disk'] });
          await task(id, true);
          publishCache({
            type: 'put',
            key: id,
            tiers: ['memory', 'disk'],
            bytes: 2000,
            originalBytes: 10_000,
            codec: 'gzip',
          });
          return { status: 'rendered' as const, key: id, ms: 10 * i, bytes: 10_000 };
        });
      }
      await traceChart({ id: 'c7', type: 'bar' }, async () => {
        publishCache({ type: 'hit', tier: 'memory', key: 'c7', bytes: 2000, missed: [] });
        return { status: 'cached' as const, ms: 1, tier: 'memory' as const };
      });
      await traceChart({ id: 'c8', type: 'bar' }, async () => {
        publishCache({ type: 'hit', tier: 'disk', key: 'c8', bytes: 2000, missed: ['memory'] });
        return { status: 'cached' as const, ms: 2, tier: 'disk' as const };
      });
      await traceChart({ id: 'c9', type: 'pie' }, async () => {
        publishCache({ type: 'miss', key: 'c9', tiers: ['memory', 'disk'] });
        await task('c9', false).catch(() => {});
        return { status: 'failed' as const, ms: 5, error: { code: 'CP_ERR_CHART_RENDER' } };
      });
      publishSkipped({ id: 'c10', type: 'gantt' });
      publishCache({ type: 'evict', tier: 'memory', key: 'old', bytes: 1000 });
      publishCache({
        type: 'error',
        tier: 'redis',
        key: 'c1',
        error: Object.assign(new Error('down'), { code: 'ECONNREFUSED' }),
      });
      publishPool(() => ({ type: 'recycle', reason: 'tasks', threadId: 1 }));
    });
    await tracePhase('document', async () => {
      traceSync(
        tracing.document,
        () => ({ format: 'pdf' as const, step: 'compile' as const, charts: 9 }),
        () => 'pdf',
      );
    });
    return { output: new Uint8Array(1234), charts: new Array(10) };
  });
}

/** A pool task with fixed figures: on a worker, queued 5 ms, ran 20 ms, 2 threads. */
function task(chartId: string, ok: boolean): Promise<void> {
  return traceAsync(
    tracing.pool,
    () => ({
      chartId,
      chartType: 'line',
      place: 'worker' as const,
      queueMs: 5,
      runMs: 20,
      threads: 2,
      queued: 0,
    }),
    async (ctx) => {
      if (ctx) ctx.status = ok ? 'ok' : 'failed';
      if (!ok) throw Object.assign(new Error('render failed'), { code: 'CP_ERR_CHART_RENDER' });
    },
  );
}
