import type { TieredCache } from '../cache/tiered.js';
import type { FileRoots } from '../data/sources/roots.js';
import { writeHtml } from '../document/html.js';
import { type DocumentSource, pullDocument, type RenderedChart } from '../document/model.js';
import { writeTypst } from '../document/typst.js';
import { type Problem, type Warning, WarningLog } from '../errors.js';
import type { RenderPool } from '../pool/pool.js';
import type { Params } from '../spec/params.js';
import type { Report } from '../spec/schema.js';
import { publishSkipped, tracePhase, traceWrite } from '../telemetry/trace.js';
import { lazyPlanCharts } from './charts.js';
import { compileReport } from './compile.js';
import { openPlanData } from './data.js';
import { reportInputs } from './inputs.js';
import type { Plan } from './plan.js';
import { emitProgress, type ProgressListener } from './progress.js';
import {
  type ChartInfo,
  chartInfo,
  chartInfos,
  failures,
  type RenderStats,
  renderStats,
  withFile,
} from './summary.js';
import { lazyPlanTables } from './tables.js';

export const OutputFormat = { pdf: 'pdf', html: 'html', typ: 'typ' } as const;
export type OutputFormat = keyof typeof OutputFormat;

/** A report validated and planned with its params. */
export interface Prepared {
  readonly report: Report;
  readonly params: Params;
  readonly plan: Plan;
  readonly baseDir: string;
  readonly file?: string | undefined;
  /** Folders data files must lie under; undefined: anywhere. */
  readonly roots?: FileRoots | undefined;
}

export interface RenderResult {
  /** The PDF bytes, or the HTML / Typst source. */
  readonly output: Uint8Array | string;
  readonly format: OutputFormat;
  /**
   * For `typ` output, the files the Typst source reads: `/charts/<key>.svg` (relative to the
   * source's folder) -> plain SVG bytes. Empty for `pdf` and `html`.
   */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /**
   * Absolute paths of the files the report reads: the report file (when given as a path) and
   * every file dataset it declares. A caller writing the output can refuse to overwrite them.
   */
  readonly inputs: readonly string[];
  readonly charts: readonly ChartInfo[];
  readonly stats: RenderStats;
  /** Problems that did not stop the report (failed charts and tables), one per failure. */
  readonly problems: readonly Problem[];
  /** Things worth knowing that failed nothing (skipped invalid values, say), each once. */
  readonly warnings: readonly Warning[];
}

export interface ReportRun {
  readonly format?: OutputFormat | undefined;
  readonly pool: RenderPool;
  readonly cache?: TieredCache | undefined;
  readonly onProgress?: ProgressListener | undefined;
  readonly onChart?: ((done: number, total: number, chart: ChartInfo) => void) | undefined;
}

/**
 * One report to a document. Every dataset's scan starts now, one after another; the writer
 * pulls the charts and tables it embeds, each drawn as soon as its dataset is read:
 *
 *   datasets ─► (per dataset) charts: key ► cache ► pool ─┐
 *            └► tables ───────────────────────────────────┴─► writer ─► PDF / HTML / .typ
 */
export async function renderReport(prepared: Prepared, run: ReportRun, t0: number): Promise<RenderResult> {
  const format = run.format ?? 'pdf';
  const { report, plan, file } = prepared;
  const warnings = new WarningLog();
  let data!: ReturnType<typeof openPlanData>;
  const dataRead = tracePhase('data', () => {
    data = openPlanData(plan, { ...prepared, warn: (w) => warnings.add(withFile(w, file)) }, { eager: true });
    return data.all();
  }).then(() => performance.now() - t0);
  dataRead.catch(() => {}); // awaited below, unless writing fails first
  let chartsReady = 0;
  const charts = lazyPlanCharts(plan, data, {
    pool: run.pool,
    cache: run.cache,
    warn: (w) => warnings.add(w),
    onProgress: (e) => {
      emitProgress(run.onProgress, e);
      if (e.kind !== 'done') return;
      chartsReady = performance.now() - t0;
      const chart = charts.done.get(e.id);
      if (chart && run.onChart) run.onChart(e.done, e.total, chartInfo(chart));
    },
  });
  const tables = lazyPlanTables(plan, data, file);
  const source: DocumentSource = {
    title: report.title,
    subtitle: report.subtitle,
    author: report.author,
    date: report.date,
    page: { size: report.page?.size ?? 'a4', orientation: report.page?.orientation ?? 'portrait' },
    blocks: plan.blocks,
    charts: charts.charts,
    tables: tables.tables,
  };
  let files: ReadonlyMap<string, Uint8Array> = new Map();
  // Charts Typst could not read, replaced by placeholders.
  let unreadable: ReadonlyMap<string, RenderedChart> = new Map();
  const model = await tracePhase('charts', () => pullDocument(source));
  const output: Uint8Array | string = await tracePhase('document', async () => {
    if (format === 'html') return traceWrite('html', model.charts.size, () => writeHtml(model));
    const typst = traceWrite('typ', model.charts.size, () => writeTypst(model));
    if (format === 'typ') files = typst.files;
    if (format !== 'pdf') return typst.source;
    const compiled = await compileReport(model, typst, plan, run.cache);
    unreadable = compiled.failed;
    return compiled.pdf;
  });
  const times = { data: await dataRead, charts: chartsReady, total: performance.now() - t0 };
  const done = unreadable.size ? new Map([...charts.done, ...unreadable]) : charts.done;
  const problems = failures(
    inPlanOrder(plan.charts.keys(), done),
    inPlanOrder(plan.tables.keys(), tables.done),
    file,
  );
  const infos = chartInfos(plan, done);
  const stats = renderStats(infos, times, charts.cache);
  for (const s of plan.skipped) publishSkipped(s);
  const inputs = reportInputs(prepared);
  return { output, format, files, inputs, charts: infos, stats, problems, warnings: warnings.warnings };
}

function inPlanOrder<T>(ids: Iterable<string>, done: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...ids].flatMap((id) => (done.has(id) ? [[id, done.get(id) as T] as const] : [])));
}
