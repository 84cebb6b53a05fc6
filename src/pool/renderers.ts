import type { Frame } from '../data/frame.js';
import type { NormalizedChart } from '../spec/defaults.js';

/** Draws a chart to SVG text; what a renderer module exports as `renderChartSvg`. */
export type ChartRenderer = (chart: NormalizedChart, frame: Frame) => string;

const loaded = new Map<string, Promise<ChartRenderer>>();

/**
 * The renderer of a module URL, or the built-in ECharts renderer without one. Each module is
 * imported once per thread, on first use: a run served from the cache never loads ECharts.
 */
export function loadRenderer(url?: string): Promise<ChartRenderer> {
  const key = url ?? '';
  let renderer = loaded.get(key);
  if (!renderer) {
    renderer = (url === undefined ? import('../chart/render.js') : import(url)).then(
      (m: { renderChartSvg?: unknown }) => {
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
