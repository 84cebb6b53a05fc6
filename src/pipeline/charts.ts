import { createRequire } from 'node:module';
import type { CacheEntry } from '../cache/codec.js';
import type { CacheEvent } from '../cache/events.js';
import { chartKey, type KeyVersions } from '../cache/key.js';
import type { TierName } from '../cache/store.js';
import type { TieredCache } from '../cache/tiered.js';
import { emptyFrame, type Frame } from '../data/frame.js';
import type { LazyCharts, RenderedChart } from '../document/model.js';
import type { Warning } from '../errors.js';
import { FONT_VERSION } from '../font.js';
import type { RenderPool } from '../pool/pool.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { traceChart } from '../telemetry/trace.js';
import { VERSION } from '../version.js';
import type { PlanData, PlanDataSource } from './data.js';
import { downsampleFrame } from './downsample.js';
import { chartOf, placeholder, toProblem } from './drawn.js';
import type { ChartUse, Plan } from './plan.js';
import { emitProgress, type ProgressListener } from './progress.js';

const require = createRequire(import.meta.url);

export const keyVersions: KeyVersions = Object.freeze({
  chartpress: VERSION,
  // Read from the package, not the module: a run served from the cache never loads ECharts.
  renderer: `echarts@${(require('echarts/package.json') as { version: string }).version}`,
  font: FONT_VERSION,
});

export interface ChartsContext {
  /** Draws the charts the cache does not have. */
  readonly pool: RenderPool;
  /** Where charts are looked up before rendering and stored after; none: render every chart. */
  readonly cache?: TieredCache | undefined;
  /** Told of each chart's progress: queued, started, done. */
  readonly onProgress?: ProgressListener | undefined;
  /** Told once per failing cache tier, however many charts it failed. */
  readonly warn?: (w: Warning) => void;
}

/** This run's cache lookups: one per distinct key, and the stored size of the entries used. */
export interface RunCacheStats {
  hits: number;
  misses: number;
  bytes: number;
}

/** A report's charts, drawn when asked for. */
export interface LazyChartRun {
  /** Chart id -> memoized getter: the first call draws the chart, later calls share it. */
  readonly charts: LazyCharts;
  /** The charts drawn so far, by id. */
  readonly done: ReadonlyMap<string, RenderedChart>;
  /** This run's cache lookups so far. */
  readonly cache: RunCacheStats;
}

/** What drawing one key gave: an entry (or bytes without a cache), or the failure. */
export interface Drawn {
  readonly status: 'rendered' | 'cached' | 'failed';
  readonly entry?: CacheEntry;
  readonly bytes?: Uint8Array;
  readonly error?: unknown;
}

/**
 * The plan's charts as lazy getters. A getter waits for its dataset's scan, downsamples, keys
 * the chart and draws each distinct key once per run: from the cache when it has it, else on
 * the pool, storing the result. A chart that fails becomes a placeholder of its size carrying
 * the reason; it never stops the others and is never cached.
 */
export function lazyPlanCharts(plan: Plan, data: PlanDataSource, ctx: ChartsContext): LazyChartRun {
  const done = new Map<string, RenderedChart>();
  const byKey = new Map<string, Promise<Drawn>>();
  const stats: RunCacheStats = { hits: 0, misses: 0, bytes: 0 };
  const onEvent = cacheWarnings(ctx);
  const finish = (chart: RenderedChart) => {
    done.set(chart.id, chart);
    const { id, type, key, status, ms } = chart;
    emitProgress(ctx.onProgress, {
      kind: 'done',
      id,
      type,
      key,
      status,
      ms,
      done: done.size,
      total: plan.charts.size,
    });
    return chart;
  };

  const get = async (use: ChartUse): Promise<RenderedChart> => {
    const planData = await data.dataset(use.chart.query.from);
    return traceChart({ id: use.id, type: use.chart.type }, async () => {
      const started = performance.now();
      const failure = planData.failed.get(use.id);
      if (failure) return finish(placeholder(use, failure, 0));
      const source = planData.frames.get(use.id) ?? emptyFrame;
      const frame = downsampleFrame(use.chart, source);
      const key = chartKey(keyed(use.chart, ctx.pool), frame, keyVersions);
      let drawing = byKey.get(key);
      const first = drawing === undefined;
      if (!drawing) {
        const owned = frame !== source || soleUse(planData, source);
        drawing = draw(use, frame, owned, key, ctx, stats, onEvent);
        byKey.set(key, drawing);
      }
      const drawn = await drawing;
      const ms = first ? performance.now() - started : 0;
      if (drawn.status === 'failed') return finish(placeholder(use, toProblem(drawn.error, use), ms));
      return finish(chartOf(use, key, drawn, ms));
    });
  };

  const charts = new Map<string, () => Promise<RenderedChart>>();
  for (const use of plan.charts.values()) {
    let pulled: Promise<RenderedChart> | undefined;
    charts.set(use.id, () => {
      pulled ??= get(use);
      return pulled;
    });
  }
  return { charts, done, cache: stats };
}

async function draw(
  use: ChartUse,
  frame: Frame,
  owned: boolean,
  key: string,
  ctx: ChartsContext,
  stats: RunCacheStats,
  onEvent: (e: CacheEvent) => void,
): Promise<Drawn> {
  const { id, type } = use.chart;
  const render = () => {
    emitProgress(ctx.onProgress, { kind: 'queued', id, type, key });
    return ctx.pool.render({
      chart: use.chart,
      frame,
      owned,
      onStart: (place, threadId) =>
        emitProgress(ctx.onProgress, { kind: 'started', id, type, key, place, threadId }),
    });
  };
  try {
    if (!ctx.cache) {
      const bytes = await render();
      stats.misses++;
      return { status: 'rendered', bytes };
    }
    const { entry, from } = await ctx.cache.fetch(key, render, { onEvent });
    if (from === 'render') stats.misses++;
    else stats.hits++;
    stats.bytes += entry.raw.byteLength;
    return { status: from === 'render' ? 'rendered' : 'cached', entry };
  } catch (error) {
    return { status: 'failed', error };
  }
}

/**
 * The chart as its key sees it: the timeout changes how long it may take, not the picture; a
 * renderer module of its own does change the picture.
 */
function keyed(chart: NormalizedChart, pool: RenderPool): NormalizedChart {
  const renderer = pool.options.renderers[chart.type];
  if (chart.options.timeoutMs === undefined && renderer === undefined) return chart;
  const { timeoutMs: _, ...options } = chart.options;
  return { ...chart, options: renderer ? { ...options, renderer } : options } as NormalizedChart;
}

const frameUses = new WeakMap<PlanData, Map<Frame, number>>();

/** Whether no other query of the dataset shares this frame object (so it may be handed over). */
function soleUse(data: PlanData, frame: Frame): boolean {
  let uses = frameUses.get(data);
  if (!uses) {
    uses = new Map();
    for (const f of data.frames.values()) uses.set(f, (uses.get(f) ?? 0) + 1);
    frameUses.set(data, uses);
  }
  return uses.get(frame) === 1;
}

/** Turns cache tier failures into one warning per tier. */
function cacheWarnings(ctx: ChartsContext): (e: CacheEvent) => void {
  const warned = new Set<TierName>();
  return (e) => {
    if (e.type !== 'error' || warned.has(e.tier)) return;
    warned.add(e.tier);
    // A Redis URL may hold a password; a client's message may quote it.
    const reason = (e.error instanceof Error ? e.error.message : String(e.error)).replace(
      /(\/\/[^\s:/@]*:)[^\s@]*@/g,
      '$1***@',
    );
    ctx.warn?.({
      code: 'CP_WARN_CACHE_UNAVAILABLE',
      message: `the ${e.tier} cache failed (${reason}); charts were rendered without it`,
    });
  };
}
