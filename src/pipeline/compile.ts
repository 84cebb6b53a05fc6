import type { TieredCache } from '../cache/tiered.js';
import { errorPlaceholderSvg } from '../chart/placeholder.js';
import type { DocumentModel, RenderedChart } from '../document/model.js';
import { compilePdf, unreadableCharts } from '../document/pdf.js';
import { type TypstDocument, writeTypst } from '../document/typst.js';
import { ChartpressError, problem } from '../errors.js';
import type { Plan } from './plan.js';

/** The PDF, and the charts that had to become placeholders for Typst to set it. */
export interface CompiledReport {
  readonly pdf: Uint8Array;
  /** Chart id -> its placeholder, for each chart Typst could not read. */
  readonly failed: ReadonlyMap<string, RenderedChart>;
}

/**
 * Compiles the document to PDF. When Typst refuses it, the charts it cannot read are found
 * (each set alone), drawn as placeholders that give Typst's reason (`CP_ERR_CHART_RENDER`),
 * removed from the cache so that the next run renders them again, and the document is compiled
 * once more (on this thread: `compile`, when given, compiles the first try elsewhere). The
 * document fails as a whole (`CP_ERR_DOCUMENT_COMPILE`) only when no chart is
 * to blame, or when it still fails without them.
 */
export async function compileReport(
  model: DocumentModel,
  typst: TypstDocument,
  plan: Plan,
  cache?: TieredCache,
  compile?: (doc: TypstDocument) => Promise<Uint8Array>,
): Promise<CompiledReport> {
  try {
    return { pdf: compile ? await compile(typst) : compilePdf(typst), failed: new Map() };
  } catch (e) {
    if (!(e instanceof ChartpressError) || e.problems[0]?.code !== 'CP_ERR_DOCUMENT_COMPILE') throw e;
    const unreadable = unreadableCharts(typst.files);
    if (unreadable.size === 0) throw e;
    const failed = new Map<string, RenderedChart>();
    const keys = new Set<string>();
    for (const chart of model.charts.values()) {
      const reason = unreadable.get(`/charts/${chart.key}.svg`);
      if (reason === undefined || chart.status === 'failed') continue;
      keys.add(chart.key);
      failed.set(chart.id, unreadablePlaceholder(chart, reason, plan.charts.get(chart.id)?.path));
    }
    if (failed.size === 0) throw e;
    await Promise.all([...keys].map((key) => cache?.delete(key)));
    const charts = new Map([...model.charts, ...failed]);
    return { pdf: compilePdf(writeTypst({ ...model, charts })), failed };
  }
}

function unreadablePlaceholder(chart: RenderedChart, reason: string, path?: string): RenderedChart {
  const error = problem(
    'CP_ERR_CHART_RENDER',
    `chart "${chart.id}" failed: Typst could not read the chart: ${reason}`,
    path === undefined ? {} : { path },
  );
  const { id, type, width, height, ms } = chart;
  const svg = errorPlaceholderSvg({ id, reason: `${error.code}: ${error.message}`, width, height });
  return { id, type, key: `failed-${id}`, status: 'failed', svg, width, height, ms, error };
}
