import { randomUUID } from 'node:crypto';
import type { TierName } from '../cache/store.js';
import {
  currentReportId,
  errorCode,
  events,
  publish,
  traceAsync,
  traceSync,
  tracing,
  withReportId,
} from './channels.js';
import type {
  ChartContext,
  DocumentContext,
  PhaseMs,
  PoolEvent,
  PoolTaskContext,
  ReportContext,
  ReportPhase,
} from './events.js';

/**
 * One helper per instrumentation point of the engine. Each costs a `hasSubscribers` check when
 * nobody listens, and builds its event only when someone does.
 */

/** The error code of a chart stopped at its timeout. */
export const TIMEOUT_CODE = 'CP_ERR_CHART_TIMEOUT';

/** What the engine returns for a report, as far as telemetry reads it. */
export interface ReportOutcome {
  readonly output: Uint8Array | string;
  readonly charts: readonly unknown[];
  readonly stats?: { readonly ms: PhaseMs } | undefined;
}

/**
 * Traces one render of a report on `chartpress:report` (`phase: 'report'`) and gives it an id
 * that every event published inside it carries as `reportId`. `fn` may set `ctx.title` once known.
 */
export function traceReport<T extends ReportOutcome>(
  format: string,
  fn: (ctx: ReportContext | undefined) => Promise<T>,
): Promise<T> {
  if (!tracing.report.hasSubscribers) return fn(undefined);
  const reportId = randomUUID();
  return withReportId(reportId, () =>
    traceAsync(
      tracing.report,
      () => ({ reportId, phase: 'report' as const, format }),
      fn,
      (ctx, r) => {
        ctx.charts = r.charts.length;
        ctx.bytes = typeof r.output === 'string' ? Buffer.byteLength(r.output) : r.output.byteLength;
        ctx.phaseMs = r.stats?.ms;
      },
    ),
  );
}

/** Traces one phase of the report being traced (data, charts, document). */
export function tracePhase<T>(phase: Exclude<ReportPhase, 'report'>, fn: () => Promise<T>): Promise<T> {
  if (!tracing.report.hasSubscribers) return fn();
  const reportId = currentReportId();
  if (reportId === undefined) return fn();
  return traceAsync(tracing.report, () => ({ reportId, phase }), fn);
}

/** What became of a chart, as the pipeline reports it. */
export interface ChartOutcome {
  readonly status: 'rendered' | 'cached' | 'failed';
  readonly key?: string | undefined;
  /** The chart's own time; 0 for a chart that shared another's render. Defaults to the time traced. */
  readonly ms?: number | undefined;
  readonly bytes?: number | undefined;
  readonly error?: { readonly code: string } | undefined;
  /** For a cached chart, the tier that had it. */
  readonly tier?: TierName | 'joined' | undefined;
}

/** Traces one chart on `chartpress:chart`, from its key to its SVG (cache or render). */
export function traceChart<T extends ChartOutcome>(
  chart: { readonly id: string; readonly type: string },
  fn: (ctx: ChartContext | undefined) => Promise<T>,
): Promise<T> {
  return traceAsync(
    tracing.chart,
    () => ({ id: chart.id, chartType: chart.type }),
    fn,
    (ctx, c) => {
      const code = c.error?.code;
      ctx.status = code === TIMEOUT_CODE ? 'timedOut' : c.status;
      ctx.code = code;
      ctx.key = c.key;
      ctx.bytes = c.bytes;
      ctx.tier = c.tier;
      if (c.ms !== undefined) ctx.ms = c.ms;
    },
  );
}

/** Publishes a chart the report does not reach (`when` false) on `chartpress:chart`. */
export function publishSkipped(chart: { readonly id: string; readonly type: string }): void {
  publish(events.chart, () => ({
    type: 'skipped' as const,
    reportId: currentReportId(),
    id: chart.id,
    chartType: chart.type,
  }));
}

/** A render handed to the pool: its chart, and the hook the pool calls as the render begins. */
export interface PoolJob {
  readonly chart: { readonly id: string; readonly type: string };
  readonly onStart?: ((place: 'process' | 'worker', threadId?: number) => void) | undefined;
}

/**
 * Traces one render on the pool (`chartpress:pool`): `run` gets the job with an `onStart` that
 * also notes the queue wait; `stats` tells the threads and queue when it settles.
 */
export function tracePoolTask<J extends PoolJob, T>(
  job: J,
  run: (job: J) => Promise<T>,
  stats?: () => { readonly threads: number; readonly queued: number },
): Promise<T> {
  if (!tracing.pool.hasSubscribers) return run(job);
  const times: TaskTimes = { submitted: performance.now(), began: undefined };
  return traceAsync(
    tracing.pool,
    () => ({ chartId: job.chart.id, chartType: job.chart.type }),
    (ctx) =>
      run(ctx ? { ...job, onStart: noteStart(ctx, job, times) } : job).then(
        (result) => {
          if (ctx) settle(ctx, 'ok', times, stats);
          return result;
        },
        (e: unknown) => {
          if (ctx) settle(ctx, errorCode(e) === TIMEOUT_CODE ? 'timedOut' : 'failed', times, stats);
          throw e;
        },
      ),
  );
}

interface TaskTimes {
  readonly submitted: number;
  began: number | undefined;
}

/** The job's `onStart`, also noting where and when the render began. */
function noteStart(ctx: PoolTaskContext, job: PoolJob, times: TaskTimes): NonNullable<PoolJob['onStart']> {
  return (place, threadId) => {
    times.began = performance.now();
    ctx.place = place;
    ctx.threadId = threadId;
    ctx.queueMs = times.began - times.submitted;
    job.onStart?.(place, threadId);
  };
}

function settle(
  ctx: PoolTaskContext,
  status: PoolTaskContext['status'],
  times: TaskTimes,
  stats: (() => { readonly threads: number; readonly queued: number }) | undefined,
): void {
  ctx.status = status;
  if (times.began !== undefined) ctx.runMs = performance.now() - times.began;
  const s = stats?.();
  ctx.threads = s?.threads;
  ctx.queued = s?.queued;
}

/** Publishes what the pool did apart from renders (start, timeout, recycle, memory guard). */
export function publishPool(make: () => PoolEvent): void {
  publish(events.pool, make);
}

/**
 * Traces the writing of a document (`chartpress:document`, `step: 'write'`): HTML, or Typst
 * source with its chart files.
 */
export function traceWrite<T extends string | { readonly source: string }>(
  format: DocumentContext['format'],
  charts: number,
  fn: () => T,
): T {
  return traceSync(
    tracing.document,
    () => ({ format, step: 'write' as const, charts }),
    fn,
    (ctx, out) => {
      ctx.bytes = Buffer.byteLength(typeof out === 'string' ? out : out.source);
    },
  );
}

/** Like traceWrite, for the HTML page, whose writing waits for its font subsets. */
export function traceWriteAsync(
  format: DocumentContext['format'],
  charts: number,
  fn: () => Promise<string>,
): Promise<string> {
  return traceAsync(
    tracing.document,
    () => ({ format, step: 'write' as const, charts }),
    fn,
    (ctx, out) => {
      ctx.bytes = Buffer.byteLength(out);
    },
  );
}

/** Traces one lookup of the tiered cache (`chartpress:cache`), noting where the entry came from. */
export function traceLookup<T extends { readonly from: TierName | 'render' | 'joined' }>(
  key: string,
  fn: () => Promise<T>,
): Promise<T> {
  return traceAsync(
    tracing.cache,
    () => ({ key }),
    fn,
    (ctx, f) => {
      ctx.from = f.from;
    },
  );
}
