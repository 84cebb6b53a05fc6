import { errorPlaceholderSvg } from '../chart/placeholder.js';
import type { RenderedChart } from '../document/model.js';
import { ChartpressError, type Problem, problem } from '../errors.js';
import type { Drawn } from './charts.js';
import type { ChartUse } from './plan.js';

/**
 * A drawn chart ready to embed; its SVG is decoded (or inflated, within the length its verified
 * entry declares) only when read. Documents receive SVG, never compressed bytes.
 */
export function chartOf(use: ChartUse, key: string, drawn: Drawn, ms: number): RenderedChart {
  const { width, height } = use.chart.options;
  const base = { id: use.id, type: use.chart.type, key, status: drawn.status, width, height, ms };
  const { entry } = drawn;
  if (!entry) {
    const bytes = drawn.bytes ?? new Uint8Array();
    let text: string | undefined;
    return {
      ...base,
      bytes: bytes.byteLength,
      utf8: bytes,
      get svg() {
        text ??= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
        return text;
      },
    };
  }
  return {
    ...base,
    bytes: entry.originalLength,
    get utf8() {
      return entry.data();
    },
    get svg() {
      return entry.text();
    },
  };
}

/** A failed chart: a placeholder of its size that shows the reason. Never cached. */
export function placeholder(use: ChartUse, error: Problem, ms: number): RenderedChart {
  const { width, height } = use.chart.options;
  const svg = errorPlaceholderSvg({ id: use.id, reason: `${error.code}: ${error.message}`, width, height });
  return {
    id: use.id,
    type: use.chart.type,
    key: `failed-${use.id}`,
    status: 'failed',
    svg,
    width,
    height,
    ms,
    error,
  };
}

/** A chart failure as a problem that names the chart: paths inside the chart get its prefix. */
export function toProblem(e: unknown, use: ChartUse): Problem {
  if (e instanceof ChartpressError && e.problems[0]) {
    const p = e.problems[0];
    return { ...p, path: p.path ? `${use.path}.${p.path}` : use.path };
  }
  const reason = describe(e);
  return problem('CP_ERR_CHART_RENDER', `chart "${use.id}" failed: ${reason}`, { path: use.path });
}

/** What a thrown value says of itself; a renderer may throw anything, even a value that cannot be printed. */
function describe(e: unknown): string {
  try {
    return e instanceof Error ? String(e.message) : String(e);
  } catch {
    return 'it threw a value that cannot be printed';
  }
}
