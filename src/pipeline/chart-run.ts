import { chartKey } from '../cache/key.js';
import { facetSized } from '../chart/facet.js';
import { themeFor } from '../chart/theme.js';
import type { LazyCharts, RenderedChart } from '../document/model.js';
import { emptyFrame, type Frame, plainFrame } from '../frame.js';
import { importMsBetween } from '../pool/renderers.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { traceChart } from '../telemetry/trace.js';
import { chartFrame } from './chart-frame.js';
import {
  type ChartsContext,
  cacheWarnings,
  type Drawn,
  keyed,
  keyVersions,
  type RunCacheStats,
} from './charts.js';
import { ReportColors } from './colors.js';
import type { PlanDataSource } from './data.js';
import { chartOf, placeholder, toProblem } from './drawn.js';
import type { ChartUse, Plan } from './plan.js';
import { emitProgress } from './progress.js';

/** One distinct key to draw: the chart that asked first, its frame, and whether it may be handed over. */
interface DrawJob {
  readonly use: ChartUse;
  /** The chart as drawn: with the report's colours. */
  readonly chart: NormalizedChart;
  readonly key: string;
  readonly frame: Frame;
  /** No other chart reads this frame: a worker may take its buffers (they are detached here). */
  readonly owned: boolean;
}

/**
 * One report's charts, drawn when asked for. Each chart's getter waits for its dataset's scan,
 * reduces the frame (`chartFrame`: downsampled, or box statistics), keys the chart and draws
 * each distinct key once per run: from the cache when it has it, else on the pool, storing the
 * result. A chart that fails becomes a placeholder of its size carrying the reason; it never
 * stops the others and is never cached.
 */
export class ChartRun {
  /** Chart id -> memoized getter: the first call draws the chart, later calls share it. */
  readonly charts: LazyCharts;
  /** The charts drawn so far, by id. */
  readonly done = new Map<string, RenderedChart>();
  /** This run's cache lookups so far: one per distinct key. */
  readonly cache: RunCacheStats = { hits: 0, misses: 0, bytes: 0 };
  readonly #plan: Plan;
  readonly #data: PlanDataSource;
  readonly #ctx: ChartsContext;
  readonly #byKey = new Map<string, Promise<Drawn>>();
  /** Live charts' options, one per distinct key (see `liveOption`). */
  readonly #options = new Map<string, Promise<string | undefined>>();
  readonly #colors: ReportColors | undefined;
  readonly #onCacheEvent: ReturnType<typeof cacheWarnings>;
  #lastDoneAt: number | undefined;

  constructor(plan: Plan, data: PlanDataSource, ctx: ChartsContext) {
    this.#plan = plan;
    this.#data = data;
    this.#ctx = ctx;
    this.#onCacheEvent = cacheWarnings(ctx);
    this.#colors = plan.colors && new ReportColors(plan.colors, plan.charts, data);
    const charts = new Map<string, () => Promise<RenderedChart>>();
    for (const use of plan.charts.values()) {
      let pulled: Promise<RenderedChart> | undefined;
      charts.set(use.id, () => {
        pulled ??= this.#get(use);
        return pulled;
      });
    }
    this.charts = charts;
  }

  /** When (`performance.now()`) the last chart so far was done; undefined before the first. */
  get lastDoneAt(): number | undefined {
    return this.#lastDoneAt;
  }

  async #get(use: ChartUse): Promise<RenderedChart> {
    const planData = await this.#data.dataset(use.chart.query.from);
    const source = planData.frames.get(use.id) ?? emptyFrame;
    // Colours are part of the picture, so of the key: set before keying. They may wait for the
    // other datasets coloured by the same field, which is data time, not this chart's.
    const colors = this.#colors && !planData.failed.has(use.id) ? this.#colors : undefined;
    const colored = colors ? await colors.colorChart(use.chart, source) : use.chart;
    // A faceted chart without a height grows with its rows of panels: sized before keying.
    const chart = facetSized(colored, source, themeFor(colored.options.theme));
    return traceChart({ id: use.id, type: use.chart.type }, async () => {
      const started = performance.now();
      const failure = planData.failed.get(use.id);
      if (failure) return this.#finish(placeholder(use, failure, 0));
      const reduced = chartFrame(chart, source);
      // Timestamps as texts, as keys and renderers read them: made for the points kept only.
      const frame = plainFrame(reduced);
      const key = chartKey(keyed(chart, this.#ctx.pool), frame, keyVersions);
      let drawing = this.#byKey.get(key);
      const first = drawing === undefined;
      if (!drawing) {
        // A reduced frame is this chart's own; a scanned one, unless another query shares it.
        // A live chart's option is built from the frame after the draw: it stays here.
        const owned = !this.#ctx.interactive && (reduced !== source || planData.owned.has(use.id));
        drawing = this.#draw({ use, chart, key, frame, owned });
        this.#byKey.set(key, drawing);
      }
      const drawn = await drawing;
      const now = performance.now();
      // The one-off import of the renderer (ECharts) is not this chart's time: it is told apart.
      const ms = first ? now - started - importMsBetween(started, now) : 0;
      if (drawn.status === 'failed') return this.#finish(placeholder(use, toProblem(drawn.error, use), ms));
      const rendered = chartOf(chart === use.chart ? use : { ...use, chart }, key, drawn, ms);
      const option = this.#ctx.interactive ? await this.#option(chart, key, frame) : undefined;
      return this.#finish(option === undefined ? rendered : Object.assign(rendered, { option }));
    });
  }

  /**
   * Draws a chart over a frame of its own (a table's sparkline cell): keyed, looked up in the
   * cache and drawn once per distinct key like the plan's charts, but not listed among them.
   * A failure becomes a placeholder of its size.
   */
  async drawFrame(use: ChartUse, source: Frame): Promise<RenderedChart> {
    const started = performance.now();
    const frame = chartFrame(use.chart, source);
    const key = chartKey(keyed(use.chart, this.#ctx.pool), frame, keyVersions);
    let drawing = this.#byKey.get(key);
    if (!drawing) {
      // The frame was cut for this one cell: nothing else reads it.
      drawing = this.#draw({ use, chart: use.chart, key, frame, owned: true });
      this.#byKey.set(key, drawing);
    }
    const drawn = await drawing;
    const ms = performance.now() - started;
    return drawn.status === 'failed'
      ? placeholder(use, toProblem(drawn.error, use), ms)
      : chartOf(use, key, drawn, ms);
  }

  /**
   * A live chart's ECharts option, built once per key from the chart and frame the key hashes,
   * so it is the option the cached SVG was drawn from. None for a chart a custom renderer draws,
   * or whose option cannot be made live: the static SVG stays.
   */
  #option(chart: NormalizedChart, key: string, frame: Frame): Promise<string | undefined> {
    let option = this.#options.get(key);
    if (!option) {
      option =
        this.#ctx.pool.options.renderers[chart.type] !== undefined
          ? Promise.resolve(undefined)
          : import('../chart/live.js').then(
              (m) => m.liveOption(chart, frame),
              () => undefined,
            );
      option = option.catch(() => undefined);
      this.#options.set(key, option);
    }
    return option;
  }

  /** Draws one key: from the cache when it has it, else on the pool (storing the result). */
  async #draw({ chart, key, frame, owned }: DrawJob): Promise<Drawn> {
    const { pool, cache, onProgress } = this.#ctx;
    const { id, type } = chart;
    const stats = this.cache;
    const render = () => {
      emitProgress(onProgress, { kind: 'queued', id, type, key });
      return pool.render({
        chart,
        frame,
        owned,
        onStart: (place, threadId) =>
          emitProgress(onProgress, { kind: 'started', id, type, key, place, threadId }),
      });
    };
    try {
      if (!cache) {
        const bytes = await render();
        stats.misses++;
        return { status: 'rendered', bytes };
      }
      const { entry, from } = await cache.fetch(key, render, { onEvent: this.#onCacheEvent });
      if (from === 'render') stats.misses++;
      else stats.hits++;
      stats.bytes += entry.raw.byteLength;
      return { status: from === 'render' ? 'rendered' : 'cached', entry };
    } catch (error) {
      return { status: 'failed', error };
    }
  }

  #finish(chart: RenderedChart): RenderedChart {
    this.done.set(chart.id, chart);
    this.#lastDoneAt = performance.now();
    const { id, type, key, status, ms } = chart;
    const total = this.#plan.charts.size;
    emitProgress(this.#ctx.onProgress, {
      kind: 'done',
      id,
      type,
      key,
      status,
      ms,
      done: this.done.size,
      total,
    });
    return chart;
  }
}

/** The plan's charts as lazy getters (see `ChartRun`). */
export function lazyPlanCharts(plan: Plan, data: PlanDataSource, ctx: ChartsContext): ChartRun {
  return new ChartRun(plan, data, ctx);
}
