import { describe, expect, it } from 'vitest';
import {
  currentReportId,
  errorCode,
  events,
  publish,
  traceAsync,
  traceSync,
  tracing,
} from '../../src/telemetry/channels.js';
import type { DataContext, DocumentContext } from '../../src/telemetry/events.js';
import { tracePhase, traceReport } from '../../src/telemetry/trace.js';
import { recordChannels } from './helpers.js';

const scan = (): DataContext => ({ dataset: 'sales', queries: 1, rows: 0 });

describe('without subscribers', () => {
  it('builds no event and calls the operation as it is', async () => {
    let built = 0;
    publish(events.cache, () => {
      built++;
      return { type: 'joined', key: 'k' };
    });
    const ctxs: unknown[] = [];
    const sync = traceSync(
      tracing.document,
      (): DocumentContext => {
        built++;
        return { format: 'pdf', step: 'compile' };
      },
      (ctx) => {
        ctxs.push(ctx);
        return 1;
      },
    );
    const async = await traceAsync(
      tracing.data,
      () => {
        built++;
        return scan();
      },
      async (ctx) => {
        ctxs.push(ctx);
        return 2;
      },
    );
    expect([built, sync, async, ctxs]).toEqual([0, 1, 2, [undefined, undefined]]);
    expect(tracing.data.hasSubscribers || events.cache.hasSubscribers).toBe(false);
  });
});

describe('with subscribers', () => {
  it('publishes an async operation as start, end, asyncStart, asyncEnd; ms only once it settled', async () => {
    const { seen } = recordChannels();
    const result = await traceAsync(tracing.data, scan, async (ctx) => {
      await new Promise((r) => setTimeout(r, 5));
      if (ctx) ctx.rows = 42;
      return 'frames';
    });
    expect(result).toBe('frames');
    expect(seen.map((s) => s.on)).toEqual(['data:start', 'data:end', 'data:asyncStart', 'data:asyncEnd']);
    const [start, end, , done] = seen.map((s) => s.message);
    expect(start).toEqual({ dataset: 'sales', queries: 1, rows: 0 });
    expect(end?.ms).toBeUndefined();
    expect(done).toMatchObject({ dataset: 'sales', rows: 42, result: 'frames' });
    expect(done?.ms).toBeGreaterThanOrEqual(4);
  });

  it('sets the error code of a failed operation and publishes error', async () => {
    const { on } = recordChannels();
    const failure = Object.assign(new Error('no such file'), { code: 'CP_ERR_FILE_NOT_FOUND' });
    await expect(
      traceAsync(tracing.data, scan, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(on('data:error')[0]).toMatchObject({ code: 'CP_ERR_FILE_NOT_FOUND', error: failure });
    expect(on('data:asyncEnd')[0]?.ms).toBeTypeOf('number');
    expect(() =>
      traceSync(
        tracing.document,
        () => ({ format: 'pdf' as const, step: 'compile' as const }),
        () => {
          throw new TypeError('bad');
        },
      ),
    ).toThrow(TypeError);
    expect(on('document:end')[0]).toMatchObject({ code: 'TypeError' });
    expect(on('document:end')[0]?.ms).toBeTypeOf('number');
  });

  it('gives a traced report an id that events inside it carry, and traces phases under it', async () => {
    const { on } = recordChannels();
    let inside: string | undefined;
    await traceReport('pdf', async () => {
      inside = currentReportId();
      await tracePhase('data', () =>
        traceAsync(
          tracing.data,
          () => ({ ...scan(), reportId: currentReportId() }),
          async () => 1,
        ),
      );
      return { output: 'x', charts: [] };
    });
    expect(currentReportId()).toBeUndefined();
    expect(inside).toMatch(/^[0-9a-f-]{36}$/);
    const reports = on('report:asyncEnd');
    expect(reports.map((r) => r.phase)).toEqual(['data', 'report']);
    expect(reports.every((r) => r.reportId === inside)).toBe(true);
    expect(reports[1]).toMatchObject({ format: 'pdf', charts: 0, bytes: 1 });
    expect(on('data:asyncEnd')[0]?.reportId).toBe(inside);
  });

  it('names error codes: a code property, else the error name', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorCode(new RangeError('x'))).toBe('RangeError');
    expect(errorCode('a string')).toBe('UNKNOWN');
  });
});
