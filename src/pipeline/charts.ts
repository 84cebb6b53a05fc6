import { createRequire } from 'node:module';
import type { CacheEntry } from '../cache/codec.js';
import type { CacheEvent } from '../cache/events.js';
import type { KeyVersions } from '../cache/key.js';
import type { TierName } from '../cache/store.js';
import type { TieredCache } from '../cache/tiered.js';
import { DRAWING_REVISION } from '../chart/revision.js';
import type { Warning } from '../errors.js';
import { FONT_VERSION } from '../font.js';
import type { RenderPool } from '../pool/pool.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { VERSION } from '../version.js';
import type { ProgressListener } from './progress.js';

/*
 * What drawing a report's charts needs and gives: the versions every key includes, the context
 * (pool, cache, listeners), what one draw returns, and how a chart and a cache failure are seen.
 * `ChartRun` (chart-run.ts) does the drawing.
 */

const require = createRequire(import.meta.url);

export const keyVersions: KeyVersions = Object.freeze({
  chartpress: VERSION,
  // Read from the package, not the module: a run served from the cache never loads ECharts.
  renderer: `echarts@${(require('echarts/package.json') as { version: string }).version}+draw.${DRAWING_REVISION}`,
  font: FONT_VERSION,
});

export interface ChartsContext {
  /** Draws the charts the cache does not have. */
  readonly pool: RenderPool;
  /** Where charts are looked up before rendering and stored after; none: render every chart. */
  readonly cache?: TieredCache | undefined;
  /** Also build each chart's ECharts option for a live HTML chart (`RenderedChart.option`). */
  readonly interactive?: boolean | undefined;
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

/** What drawing one key gave: an entry (or bytes without a cache), or the failure. */
export interface Drawn {
  readonly status: 'rendered' | 'cached' | 'failed';
  readonly entry?: CacheEntry;
  readonly bytes?: Uint8Array;
  readonly error?: unknown;
}

/**
 * The chart as its key sees it: the timeout changes how long it may take, not the picture; a
 * renderer module of its own does change the picture.
 */
export function keyed(chart: NormalizedChart, pool: RenderPool): NormalizedChart {
  const renderer = pool.options.renderers[chart.type];
  if (chart.options.timeoutMs === undefined && renderer === undefined) return chart;
  const { timeoutMs: _, ...options } = chart.options;
  return { ...chart, options: renderer ? { ...options, renderer } : options } as NormalizedChart;
}

/** Turns cache tier failures into one warning per tier. */
export function cacheWarnings(ctx: ChartsContext): (e: CacheEvent) => void {
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
