import { sanitizeSvg } from '../chart/sanitize.js';
import { ChartpressError, problem } from '../errors.js';
import type { Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { publishPool } from '../telemetry/trace.js';

/** Draws a chart to SVG text; what a renderer module exports as `renderChartSvg`. */
export type ChartRenderer = (chart: NormalizedChart, frame: Frame) => string;

const loaded = new Map<string, Promise<ChartRenderer>>();

/** When (`performance.now()`) this thread imported renderer modules: start and end of each import. */
const imports: { readonly start: number; readonly end: number }[] = [];

/**
 * The renderer of a module URL, or the built-in ECharts renderer without one. Each module is
 * imported once per thread, on first use: a run served from the cache never loads ECharts. The
 * import's time is published once (`chartpress:pool`, `type: 'import'`) and kept out of the time
 * of the charts that waited for it (see `importMsBetween`).
 */
export function loadRenderer(url?: string): Promise<ChartRenderer> {
  const key = url ?? '';
  let renderer = loaded.get(key);
  if (!renderer) {
    const start = performance.now();
    renderer = (url === undefined ? import('../chart/render.js') : import(url)).then(
      (m: { renderChartSvg?: unknown }) => {
        const end = performance.now();
        imports.push({ start, end });
        publishPool(() => ({ type: 'import', module: url ?? 'echarts', ms: end - start }));
        if (typeof m.renderChartSvg !== 'function')
          throw new Error(`renderer module ${url} does not export renderChartSvg(chart, frame)`);
        return m.renderChartSvg as ChartRenderer;
      },
    );
    // A module that failed to load is tried again next time.
    renderer.catch(() => loaded.delete(key));
    loaded.set(key, renderer);
  }
  return renderer;
}

/**
 * Milliseconds between `from` and `to` (`performance.now()` times) that this thread spent
 * importing renderer modules: a one-off that delays whichever charts wait for it, not their work.
 */
export function importMsBetween(from: number, to: number): number {
  let ms = 0;
  for (const { start, end } of imports) ms += Math.max(0, Math.min(end, to) - Math.max(start, from));
  return ms;
}

/**
 * Draws a chart with a renderer and vouches for the result, in a worker and in process alike:
 * it must be SVG text, returned at once, and it is passed through the sanitiser (no script, no
 * outside reference, no character XML forbids). Anything else fails the chart with
 * `CP_ERR_CHART_RENDER`, so that it is drawn as a placeholder and never cached.
 */
export function drawSvg(draw: ChartRenderer, chart: NormalizedChart, frame: Frame): string {
  const out: unknown = draw(chart, frame);
  if (typeof out !== 'string') {
    // A promise nobody waits for must not reject unhandled (that would end the process).
    if (isThenable(out)) Promise.resolve(out).catch(() => {});
    throw renderFailure(chart, `the renderer returned ${describe(out)}, not SVG text`);
  }
  try {
    return sanitizeSvg(out);
  } catch (e) {
    throw renderFailure(chart, `the renderer's output is ${e instanceof Error ? e.message : String(e)}`);
  }
}

function renderFailure(chart: NormalizedChart, reason: string): ChartpressError {
  return new ChartpressError(problem('CP_ERR_CHART_RENDER', `chart "${chart.id}" failed: ${reason}`));
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

function describe(v: unknown): string {
  if (isThenable(v)) return 'a Promise (renderChartSvg must return the SVG synchronously)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'bytes';
  const t = typeof v;
  return t === 'object' ? 'an object' : t === 'undefined' ? 'undefined' : `a ${t}`;
}
