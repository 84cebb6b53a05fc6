import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { VERSION } from '../version.js';
import type { Finished, Traced } from './events.js';
import { listen } from './listen.js';

export interface OpenTelemetryOptions {
  /** Tracer to record with. Defaults to `trace.getTracer('chartpress', VERSION)` of the global provider. */
  readonly tracer?: Tracer;
}

/** Keys of a context that are not span attributes. */
const SKIP = new Set(['result', 'error', 'reportId']);
/** Attribute names that would be unclear from the context key alone. */
const RENAME: Readonly<Record<string, string>> = { id: 'chart_id', ms: 'duration_ms' };
const snake = (key: string) => RENAME[key] ?? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A context's fields as `chartpress.*` attributes (`chartType` -> `chartpress.chart_type`). */
function attributesOf(ctx: object): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(ctx)) {
    if (SKIP.has(key) || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[`chartpress.${snake(key)}`] = value;
  }
  return out;
}

/**
 * OpenTelemetry spans from chartpress's diagnostics events, through `@opentelemetry/api`: a
 * no-op until the application registers an SDK. One span per report (a child of the span active
 * where `render()` was called), a child per phase (data, charts, document), and under those one
 * per dataset scan, per chart (with its render on the pool beneath it) and per document step.
 * Events are tied to their report by the `reportId` they carry.
 */
export class OpenTelemetryTracing {
  readonly #options: OpenTelemetryOptions;
  #tracer: Tracer | undefined;
  /** Spans that others hang under: reports, phases, charts, by report id (and phase or chart id). */
  readonly #parents = new Map<string, Span>();
  readonly #spans = new WeakMap<object, { span: Span; key?: string }>();
  #detach: (() => void) | undefined;

  constructor(options: OpenTelemetryOptions = {}) {
    this.#options = options;
  }

  get attached(): boolean {
    return this.#detach !== undefined;
  }

  /** Starts recording spans. Attaching twice does nothing. */
  attach(): this {
    this.#tracer ??= this.#options.tracer ?? trace.getTracer('chartpress', VERSION);
    const done = (ctx: Finished<Traced>) => this.#end(ctx);
    this.#detach ??= listen({
      report: {
        start: (c) =>
          c.phase === 'report'
            ? this.#start(c, 'chartpress.report', context.active(), c.reportId)
            : this.#start(c, `chartpress.${c.phase}`, this.#under(c), `${c.reportId}:${c.phase}`),
        done,
      },
      data: { start: (c) => this.#start(c, 'chartpress.dataset', this.#under(c, 'data')), done },
      chart: {
        start: (c) =>
          this.#start(c, 'chartpress.chart', this.#under(c, 'charts'), c.reportId && `${c.reportId}#${c.id}`),
        done,
      },
      pool: {
        start: (c) => this.#start(c, 'chartpress.pool.render', this.#under(c, 'charts', `#${c.chartId}`)),
        done,
      },
      document: {
        start: (c) => this.#start(c, `chartpress.document.${c.step}`, this.#under(c, 'document')),
        done,
      },
    });
    return this;
  }

  /** Stops recording. Spans still open are dropped. */
  detach(): void {
    this.#detach?.();
    this.#detach = undefined;
    this.#parents.clear();
  }

  /** The context to start a span in: under the closest open span of its report, else the active one. */
  #under(ctx: Traced, phase?: string, chart?: string): Context {
    const id = ctx.reportId;
    const parent =
      id === undefined
        ? undefined
        : (chart && this.#parents.get(`${id}${chart}`)) ||
          (phase && this.#parents.get(`${id}:${phase}`)) ||
          this.#parents.get(id);
    return parent ? trace.setSpan(context.active(), parent) : context.active();
  }

  #start(ctx: Traced & object, name: string, parent: Context, key?: string | undefined) {
    const span = this.#tracer!.startSpan(name, { attributes: attributesOf(ctx) }, parent);
    if (ctx.reportId !== undefined) span.setAttribute('chartpress.report_id', ctx.reportId);
    if (key) this.#parents.set(key, span);
    this.#spans.set(ctx, key ? { span, key } : { span });
  }

  #end(ctx: Finished<Traced>) {
    const open = this.#spans.get(ctx);
    if (!open) return;
    this.#spans.delete(ctx);
    if (open.key) this.#parents.delete(open.key);
    const { span } = open;
    span.setAttributes(attributesOf(ctx));
    if (ctx.code !== undefined) {
      if (ctx.error instanceof Error) span.recordException(ctx.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: ctx.code });
    }
    span.end();
  }
}
