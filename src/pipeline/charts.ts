import { chartKey, type KeyVersions } from '../cache/key.js';
import { errorPlaceholderSvg } from '../chart/placeholder.js';
import { CHART_RENDERER_VERSION, renderChartSvg } from '../chart/render.js';
import { emptyFrame } from '../data/frame.js';
import type { RenderedChart } from '../document/model.js';
import { ChartpressError, type Problem, problem } from '../errors.js';
import { FONT_VERSION } from '../font.js';
import { VERSION } from '../version.js';
import type { PlanData } from './data.js';
import type { ChartUse, Plan } from './plan.js';

export const keyVersions: KeyVersions = Object.freeze({
  chartpress: VERSION,
  renderer: CHART_RENDERER_VERSION,
  font: FONT_VERSION,
});

/** Called as each chart finishes, for progress reporting. */
export type ChartProgress = (done: number, total: number, chart: RenderedChart) => void;

/**
 * Renders every chart the plan reaches. Charts with the same key render once. A chart that
 * fails becomes a placeholder of its size carrying the reason; it never stops the others.
 */
export function renderPlanCharts(
  plan: Plan,
  data: PlanData,
  onProgress?: ChartProgress,
): Map<string, RenderedChart> {
  const out = new Map<string, RenderedChart>();
  const byKey = new Map<string, RenderedChart>();
  const total = plan.charts.size;
  for (const use of plan.charts.values()) {
    const started = performance.now();
    const failure = data.failed.get(use.id);
    const frame = data.frames.get(use.id) ?? emptyFrame;
    let result: RenderedChart;
    if (failure) result = placeholder(use, failure, started);
    else {
      const key = chartKey(use.chart, frame, keyVersions);
      const same = byKey.get(key);
      if (same) result = { ...same, id: use.id, ms: 0 };
      else {
        try {
          const svg = renderChartSvg(use.chart, frame);
          result = chartResult(use, key, 'rendered', svg, started);
          byKey.set(key, result);
        } catch (e) {
          result = placeholder(use, toProblem(e, use), started);
        }
      }
    }
    out.set(use.id, result);
    onProgress?.(out.size, total, result);
  }
  return out;
}

function chartResult(
  use: ChartUse,
  key: string,
  status: RenderedChart['status'],
  svg: string,
  started: number,
  error?: Problem,
): RenderedChart {
  const { width, height } = use.chart.options;
  return {
    id: use.id,
    type: use.chart.type,
    key,
    status,
    svg,
    width,
    height,
    ms: performance.now() - started,
    error,
  };
}

function placeholder(use: ChartUse, error: Problem, started: number): RenderedChart {
  const { width, height } = use.chart.options;
  const svg = errorPlaceholderSvg({ id: use.id, reason: `${error.code}: ${error.message}`, width, height });
  return chartResult(use, `failed-${use.id}`, 'failed', svg, started, error);
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
