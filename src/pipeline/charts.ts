import { createRequire } from 'node:module';
import type { CacheEntry } from '../cache/codec.js';
import type { CacheEvent } from '../cache/events.js';
import { chartKey, type KeyVersions } from '../cache/key.js';
import type { TierName } from '../cache/store.js';
import type { TieredCache } from '../cache/tiered.js';
import { errorPlaceholderSvg } from '../chart/placeholder.js';
import { emptyFrame, type Frame } from '../data/frame.js';
import type { RenderedChart } from '../document/model.js';
import { ChartpressError, type Problem, problem, type Warning } from '../errors.js';
import { FONT_VERSION } from '../font.js';
import { VERSION } from '../version.js';
import type { PlanData } from './data.js';
import { downsampleFrame } from './downsample.js';
import type { ChartUse, Plan } from './plan.js';

const require = createRequire(import.meta.url);

export const keyVersions: KeyVersions = Object.freeze({
  chartpress: VERSION,
  // Read from the package, not the module: a run served from the cache never loads ECharts.
  renderer: `echarts@${(require('echarts/package.json') as { version: string }).version}`,
  font: FONT_VERSION,
});

let renderer: Promise<typeof import('../chart/render.js')> | undefined;
/** The ECharts renderer, imported on the first cache miss only. */
const loadRenderer = () => {
  renderer ??= import('../chart/render.js');
  return renderer;
};

/** Called as each chart finishes, for progress reporting. */
export type ChartProgress = (done: number, total: number, chart: RenderedChart) => void;

export interface ChartsContext {
  /** Where charts are looked up before rendering and stored after; none: render every chart. */
  readonly cache?: TieredCache | undefined;
  /** Whether the SVG text is needed (HTML, Typst source); a PDF takes gzip entries as they are. */
  readonly inflate?: boolean;
  readonly onProgress?: ChartProgress | undefined;
  /** Told once per failing cache tier, however many charts it failed. */
  readonly warn?: (w: Warning) => void;
}

/** This run's cache lookups: one per distinct key, and the stored size of the entries used. */
export interface RunCacheStats {
  hits: number;
  misses: number;
  bytes: number;
}

interface Drawn {
  readonly status: 'rendered' | 'cached' | 'failed';
  readonly svg?: string;
  readonly entry?: CacheEntry;
  readonly error?: Problem;
}

/**
 * Renders every chart the plan reaches, each distinct key once: from the cache when it has the
 * chart, else by ECharts (imported then), storing the result. A chart that fails becomes a
 * placeholder of its size carrying the reason; it never stops the others and is never cached.
 */
export async function renderPlanCharts(
  plan: Plan,
  data: PlanData,
  ctx: ChartsContext = {},
): Promise<{ charts: Map<string, RenderedChart>; cache: RunCacheStats }> {
  const done = new Map<string, RenderedChart>();
  const byKey = new Map<string, Promise<Drawn>>();
  const stats: RunCacheStats = { hits: 0, misses: 0, bytes: 0 };
  const warned = new Set<TierName>();
  const onEvent = (e: CacheEvent) => {
    if (e.type !== 'error' || warned.has(e.tier)) return;
    warned.add(e.tier);
    const reason = e.error instanceof Error ? e.error.message : String(e.error);
    ctx.warn?.({
      code: 'CP_WARN_CACHE_UNAVAILABLE',
      message: `the ${e.tier} cache failed (${reason}); charts were rendered without it`,
    });
  };
  const finish = (chart: RenderedChart) => {
    done.set(chart.id, chart);
    ctx.onProgress?.(done.size, plan.charts.size, chart);
  };
  await Promise.all(
    [...plan.charts.values()].map(async (use) => {
      const started = performance.now();
      const failure = data.failed.get(use.id);
      if (failure) return finish(placeholder(use, failure, started));
      const frame = downsampleFrame(use.chart, data.frames.get(use.id) ?? emptyFrame);
      const key = chartKey(use.chart, frame, keyVersions);
      let drawing = byKey.get(key);
      const first = drawing === undefined;
      drawing ??= draw(use, frame, key, ctx, stats, onEvent);
      byKey.set(key, drawing);
      const drawn = await drawing;
      const ms = first ? performance.now() - started : 0;
      finish(drawn.error ? placeholder(use, drawn.error, started, ms) : chartOf(use, key, drawn, ms, ctx));
    }),
  );
  // In plan order, whatever order they finished in.
  const charts = new Map(
    [...plan.charts.keys()].flatMap((id) => (done.has(id) ? [[id, done.get(id)!]] : [])),
  );
  return { charts, cache: stats };
}

async function draw(
  use: ChartUse,
  frame: Frame,
  key: string,
  ctx: ChartsContext,
  stats: RunCacheStats,
  onEvent: (e: CacheEvent) => void,
): Promise<Drawn> {
  let svg: string | undefined;
  const render = async () => {
    const { renderChartSvg } = await loadRenderer();
    svg = renderChartSvg(use.chart, frame);
    return Buffer.from(svg, 'utf8');
  };
  try {
    if (!ctx.cache) {
      await render();
      stats.misses++;
      return { status: 'rendered', svg };
    }
    const { entry, from } = await ctx.cache.fetch(key, render, { inflate: ctx.inflate, onEvent });
    if (from === 'render') stats.misses++;
    else stats.hits++;
    stats.bytes += entry.raw.byteLength;
    return { status: from === 'render' ? 'rendered' : 'cached', entry, svg };
  } catch (e) {
    return { status: 'failed', error: toProblem(e, use) };
  }
}

function chartOf(use: ChartUse, key: string, drawn: Drawn, ms: number, ctx: ChartsContext): RenderedChart {
  const { width, height } = use.chart.options;
  const base = { id: use.id, type: use.chart.type, key, status: drawn.status, width, height, ms };
  const { svg, entry } = drawn;
  if (svg !== undefined || !entry) return { ...base, svg: svg ?? '' };
  // From the cache: for a PDF a gzip entry goes to Typst as it is; the text is inflated if read.
  return {
    ...base,
    bytes: entry.originalLength,
    svgz: entry.codec === 'gzip' && !ctx.inflate ? entry.payload : undefined,
    get svg() {
      return entry.text();
    },
  };
}

function placeholder(use: ChartUse, error: Problem, started: number, ms?: number): RenderedChart {
  const { width, height } = use.chart.options;
  const svg = errorPlaceholderSvg({ id: use.id, reason: `${error.code}: ${error.message}`, width, height });
  const key = `failed-${use.id}`;
  return {
    id: use.id,
    type: use.chart.type,
    key,
    status: 'failed',
    svg,
    width,
    height,
    ms: ms ?? performance.now() - started,
    error,
  };
}

/** A chart failure as a problem that names the chart: paths inside the chart get its prefix. */
function toProblem(e: unknown, use: ChartUse): Problem {
  if (e instanceof ChartpressError && e.problems[0]) {
    const p = e.problems[0];
    return { ...p, path: p.path ? `${use.path}.${p.path}` : use.path };
  }
  const reason = e instanceof Error ? e.message : String(e);
  return problem('CP_ERR_CHART_RENDER', `chart "${use.id}" failed: ${reason}`, { path: use.path });
}
