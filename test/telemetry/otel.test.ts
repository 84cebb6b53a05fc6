import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenTelemetryTracing } from '../../src/telemetry/otel.js';
import { knownReport } from './fixture.js';

/** The application's context manager: what `@opentelemetry/context-async-hooks` provides. */
class StorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new StorageContextManager());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('OpenTelemetryTracing', () => {
  it('records a span per report, per phase, per dataset, chart, pool render and document step', async () => {
    const tracing = new OpenTelemetryTracing().attach();
    await knownReport();
    tracing.detach();
    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const one = (name: string) => {
      const found = named(name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };

    const report = one('chartpress.report');
    expect(parentOf(report)).toBeUndefined();
    expect(report.attributes).toMatchObject({
      'chartpress.format': 'pdf',
      'chartpress.charts': 10,
      'chartpress.bytes': 1234,
    });
    const id = report.spanContext().spanId;
    const data = one('chartpress.data');
    const charts = one('chartpress.charts');
    const document = one('chartpress.document');
    for (const phase of [data, charts, document]) expect(parentOf(phase)).toBe(id);

    const datasets = named('chartpress.dataset');
    expect(
      datasets.map((d) => [d.attributes['chartpress.dataset'], d.attributes['chartpress.rows']]),
    ).toEqual([
      ['sales', 1000],
      ['stores', 200],
    ]);
    for (const d of datasets) expect(parentOf(d)).toBe(data.spanContext().spanId);

    const chartSpans = named('chartpress.chart');
    expect(chartSpans).toHaveLength(9);
    for (const c of chartSpans) expect(parentOf(c)).toBe(charts.spanContext().spanId);
    const c1 = chartSpans.find((c) => c.attributes['chartpress.chart_id'] === 'c1')!;
    expect(c1.attributes).toMatchObject({ 'chartpress.chart_type': 'line', 'chartpress.status': 'rendered' });
    const failed = chartSpans.find((c) => c.attributes['chartpress.chart_id'] === 'c9')!;
    expect(failed.status).toMatchObject({ code: 2, message: 'CP_ERR_CHART_RENDER' });

    const renders = named('chartpress.pool.render');
    expect(renders).toHaveLength(7);
    const c1Render = renders.find((r) => r.attributes['chartpress.chart_id'] === 'c1')!;
    expect(parentOf(c1Render)).toBe(c1.spanContext().spanId);
    expect(c1Render.attributes).toMatchObject({ 'chartpress.queue_ms': 5, 'chartpress.run_ms': 20 });

    const compile = one('chartpress.document.compile');
    expect(parentOf(compile)).toBe(document.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(
      spans.every((s) => s.attributes['chartpress.report_id'] === report.attributes['chartpress.report_id']),
    ).toBe(true);
  });

  it('nests the report under the span active where it was rendered, and records nothing once detached', async () => {
    const tracing = new OpenTelemetryTracing().attach().attach();
    const tracer = trace.getTracer('app');
    await tracer.startActiveSpan('GET /report', async (request) => {
      await knownReport();
      request.end();
    });
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'GET /report')!;
    const report = spans.find((s) => s.name === 'chartpress.report')!;
    expect(parentOf(report)).toBe(request.spanContext().spanId);
    expect(spans.filter((s) => s.name === 'chartpress.report')).toHaveLength(1);
    tracing.detach();
    exporter.reset();
    await knownReport();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
