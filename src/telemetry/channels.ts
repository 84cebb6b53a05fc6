import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type {
  CacheChannelEvent,
  CacheLookupContext,
  ChartContext,
  ChartEvent,
  DataContext,
  DocumentContext,
  PoolEvent,
  PoolTaskContext,
  ReportContext,
  Traced,
} from './events.js';

/**
 * The channel names. Each is a tracing channel (`tracing:<name>:start|end|asyncStart|asyncEnd|error`)
 * for the operation it times; `chartpress:chart`, `chartpress:cache` and `chartpress:pool` are also
 * plain channels for events that are not operations (a skipped chart, a cache hit, a timeout).
 */
export const ChannelName = {
  report: 'chartpress:report',
  data: 'chartpress:data',
  chart: 'chartpress:chart',
  cache: 'chartpress:cache',
  pool: 'chartpress:pool',
  document: 'chartpress:document',
} as const;
export type ChannelName = keyof typeof ChannelName;

type Tracing<C extends object> = diagnostics.TracingChannel<unknown, C>;

/** The tracing channels, by operation. */
export const tracing = {
  report: diagnostics.tracingChannel<unknown, ReportContext>(ChannelName.report),
  data: diagnostics.tracingChannel<unknown, DataContext>(ChannelName.data),
  chart: diagnostics.tracingChannel<unknown, ChartContext>(ChannelName.chart),
  cache: diagnostics.tracingChannel<unknown, CacheLookupContext>(ChannelName.cache),
  pool: diagnostics.tracingChannel<unknown, PoolTaskContext>(ChannelName.pool),
  document: diagnostics.tracingChannel<unknown, DocumentContext>(ChannelName.document),
} as const;

/** The plain channels, for events that are not timed operations. */
export const events = {
  chart: diagnostics.channel(ChannelName.chart) as diagnostics.Channel<unknown, ChartEvent>,
  cache: diagnostics.channel(ChannelName.cache) as diagnostics.Channel<unknown, CacheChannelEvent>,
  pool: diagnostics.channel(ChannelName.pool) as diagnostics.Channel<unknown, PoolEvent>,
} as const;

/** Publishes the event `make` builds, only if someone listens: otherwise nothing is built. */
export function publish<E>(channel: diagnostics.Channel<unknown, E>, make: () => E): void {
  if (channel.hasSubscribers) channel.publish(make());
}

/**
 * Runs the asynchronous `fn` as a traced operation. Without subscribers this is a plain call
 * (`context` is not built and `fn` gets `undefined`). With them, the context gets the current
 * report's id (see `withReportId`), `fn` gets the context to fill in as it goes, `finish` sets
 * what the result tells, and `ms` (and `code` on failure) are set before `asyncStart` and
 * `asyncEnd` are published.
 */
export function traceAsync<C extends Traced & object, T>(
  channel: Tracing<C>,
  context: () => NoInfer<C>,
  fn: (ctx: C | undefined) => Promise<T>,
  finish?: (ctx: C, result: T) => void,
): Promise<T> {
  if (!channel.hasSubscribers) return fn(undefined);
  const ctx = withReport(context());
  const t0 = performance.now();
  return channel.tracePromise(() => {
    let running: Promise<T>;
    try {
      running = fn(ctx);
    } catch (e) {
      running = Promise.reject(e);
    }
    // Settled in a later microtask, so `end` (published on return) never sees `ms`.
    return running.then(
      (result) => {
        ctx.ms = performance.now() - t0;
        finish?.(ctx, result);
        return result;
      },
      (e: unknown) => {
        ctx.ms = performance.now() - t0;
        ctx.code = errorCode(e);
        throw e;
      },
    );
  }, ctx);
}

/** Runs the synchronous `fn` as a traced operation; see `traceAsync`. */
export function traceSync<C extends Traced & object, T>(
  channel: Tracing<C>,
  context: () => NoInfer<C>,
  fn: (ctx: C | undefined) => T,
  finish?: (ctx: C, result: T) => void,
): T {
  if (!channel.hasSubscribers) return fn(undefined);
  const ctx = withReport(context());
  const t0 = performance.now();
  return channel.traceSync(() => {
    try {
      const result = fn(ctx);
      ctx.ms = performance.now() - t0;
      finish?.(ctx, result);
      return result;
    } catch (e) {
      ctx.ms = performance.now() - t0;
      ctx.code = errorCode(e);
      throw e;
    }
  }, ctx);
}

const reports = new AsyncLocalStorage<string>();

/** The id of the report being traced in this async context, if any. */
export function currentReportId(): string | undefined {
  return reports.getStore();
}

/** The context, with the current report's id unless it names one. */
function withReport<C extends Traced>(ctx: C): C {
  if (ctx.reportId === undefined) {
    const reportId = reports.getStore();
    if (reportId !== undefined) ctx.reportId = reportId;
  }
  return ctx;
}

/** Runs `fn` with `reportId` as the current report of everything it starts. */
export function withReportId<T>(reportId: string, fn: () => T): T {
  return reports.run(reportId, fn);
}

/** The code of an error: its `code` (`CP_ERR_*`, `ENOENT`, ...) or else its name. */
export function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return e instanceof Error ? e.name : 'UNKNOWN';
}
