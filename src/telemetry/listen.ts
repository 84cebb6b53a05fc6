import type diagnostics from 'node:diagnostics_channel';
import { events, tracing } from './channels.js';
import type {
  CacheChannelEvent,
  CacheLookupContext,
  ChartContext,
  ChartEvent,
  DataContext,
  DocumentContext,
  Finished,
  PoolEvent,
  PoolTaskContext,
  ReportContext,
  Traced,
} from './events.js';

/** Handlers for one traced operation: when it starts and when it has finished (`ms` set). */
export interface OperationHandlers<C> {
  readonly start?: (ctx: C) => void;
  readonly done?: (ctx: Finished<C> & { ms: number }) => void;
}

/** What a subscriber wants to hear; anything left out is not subscribed to. */
export interface Listeners {
  readonly report?: OperationHandlers<ReportContext>;
  readonly data?: OperationHandlers<DataContext>;
  readonly chart?: OperationHandlers<ChartContext>;
  readonly cache?: OperationHandlers<CacheLookupContext>;
  readonly pool?: OperationHandlers<PoolTaskContext>;
  readonly document?: OperationHandlers<DocumentContext>;
  readonly chartEvent?: (event: ChartEvent) => void;
  readonly cacheEvent?: (event: CacheChannelEvent) => void;
  readonly poolEvent?: (event: PoolEvent) => void;
}

type AnyHandler = (message: unknown, name: string | symbol) => void;

/**
 * Subscribes the listeners to chartpress's channels and returns the function that unsubscribes
 * them all. An operation's `done` is called once: on `end` for a synchronous one, on `asyncEnd`
 * for an asynchronous one (its `end` comes before `ms` is set).
 */
export function listen(listeners: Listeners): () => void {
  const undo: (() => void)[] = [];
  const operation = <C extends Traced & object>(
    channel: diagnostics.TracingChannel<unknown, C>,
    h: OperationHandlers<C> | undefined,
  ) => {
    if (!h) return;
    const { start, done } = h;
    const finished = done
      ? (ctx: Finished<C>) => {
          if (ctx.ms !== undefined) done(ctx as Finished<C> & { ms: number });
        }
      : undefined;
    const handlers = {
      ...(start ? { start } : {}),
      ...(finished ? { end: finished, asyncEnd: finished } : {}),
    };
    // Node subscribes only the handlers given; its types want all five.
    const given = handlers as unknown as diagnostics.TracingChannelSubscribers<C>;
    channel.subscribe(given);
    undo.push(() => channel.unsubscribe(given));
  };
  const plain = <E>(channel: diagnostics.Channel<unknown, E>, h: ((event: E) => void) | undefined) => {
    if (!h) return;
    const handler = h as AnyHandler;
    channel.subscribe(handler);
    undo.push(() => channel.unsubscribe(handler));
  };
  operation(tracing.report, listeners.report);
  operation(tracing.data, listeners.data);
  operation(tracing.chart, listeners.chart);
  operation(tracing.cache, listeners.cache);
  operation(tracing.pool, listeners.pool);
  operation(tracing.document, listeners.document);
  plain(events.chart, listeners.chartEvent);
  plain(events.cache, listeners.cacheEvent);
  plain(events.pool, listeners.poolEvent);
  return () => {
    for (const u of undo.splice(0)) u();
  };
}
