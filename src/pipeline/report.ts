import type { TieredCache } from '../cache/tiered.js';
import type { FileRoots } from '../data/sources/roots.js';
import { writeHtml } from '../document/html.js';
import { type DocumentModel, pullDocument, type RenderedChart } from '../document/model.js';
import { type TypstDocument, writeTypst } from '../document/typst.js';
import { type Problem, type Warning, WarningLog } from '../errors.js';
import type { RenderPool } from '../pool/pool.js';
import { pageDefaults } from '../spec/defaults.js';
import type { Params } from '../spec/params.js';
import type { Report } from '../spec/schema.js';
import { publishSkipped, tracePhase, traceWrite, traceWriteAsync } from '../telemetry/trace.js';
import { ChartRun } from './chart-run.js';
import { PhaseClock } from './clock.js';
import { compileReport } from './compile.js';
import { type DataContext, openPlanData, type PlanDataSource } from './data.js';
import { OutputFormat } from './format.js';
import { reportInputs } from './inputs.js';
import type { FrameRun } from './kept-frames.js';
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
import { fillValues } from './values.js';

export { OutputFormat };

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
  /** HTML: live charts (see `RenderOptions.interactive`); defaults to the report's `interactive`. */
  readonly interactive?: boolean | undefined;
  readonly pool: RenderPool;
  readonly cache?: TieredCache | undefined;
  readonly onProgress?: ProgressListener | undefined;
  readonly onChart?: ((done: number, total: number, chart: ChartInfo) => void) | undefined;
  /** Told of the SHA-256 of each data file read whole (see `DataContext.onRead`). */
  readonly onRead?: ((path: string, sha256: string) => void) | undefined;
  /** The frames of the plan's queries, already at hand (a burst's slice); by default read now. */
  readonly data?: PlanDataSource | undefined;
  /** Frames kept from earlier renders, reused while their data is unchanged (see `KeptFrames`). */
  readonly frames?: FrameRun | undefined;
  /**
   * Writes the document from its model in place of the format's writer (a preview's page of
   * blocks); its text is the result's `output`. Defaults to the writer of `format`.
   */
  readonly writer?: ((model: DocumentModel) => Promise<string>) | undefined;
  /** Compiles a PDF elsewhere (a burst's PDF process, see `startPdfProcess`); by default on this thread. */
  readonly compile?: ((doc: TypstDocument) => Promise<Uint8Array>) | undefined;
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
  const clock = new PhaseClock(t0);
  const warnings = new WarningLog();
  const given = run.data;
  const data = given
    ? { source: given, read: tracePhase('data', () => given.all()) }
    : readData(plan, {
        ...prepared,
        warn: (w) => warnings.add(withFile(w, file)),
        onRead: run.onRead,
        frames: run.frames,
      });
  const dataRead = clock.markWhen('dataRead', data.read);
  dataRead.catch(() => {}); // awaited below, unless writing fails first
  // Only the HTML writer makes charts live; a preview's own writer does not.
  const interactive = format === 'html' && !run.writer && (run.interactive ?? report.interactive ?? false);
  const charts = new ChartRun(plan, data.source, {
    pool: run.pool,
    cache: run.cache,
    interactive,
    warn: (w) => warnings.add(w),
    onProgress: (e) => {
      emitProgress(run.onProgress, e);
      if (e.kind !== 'done' || !run.onChart) return;
      const chart = charts.done.get(e.id);
      if (chart) run.onChart(e.done, e.total, chartInfo(chart));
    },
  });
  const tables = lazyPlanTables(plan, data.source, file, (use, frame) => charts.drawFrame(use, frame));
  // Text with values waits for the datasets it reads, while the charts are drawn.
  const filled = fillValues(plan, data.source, prepared.params, file);
  const pulled = await tracePhase('charts', () =>
    pullDocument({
      title: report.title,
      subtitle: report.subtitle,
      author: report.author,
      date: report.date,
      page: {
        size: report.page?.size ?? pageDefaults.size,
        orientation: report.page?.orientation ?? pageDefaults.orientation,
      },
      blocks: plan.blocks,
      ...(interactive ? { interactive } : {}),
      charts: charts.charts,
      tables: tables.tables,
    }),
  );
  const values = await filled;
  const model = values.blocks === plan.blocks ? pulled : { ...pulled, blocks: values.blocks };
  const { writer } = run;
  const written = await tracePhase('document', async () =>
    writer
      ? { output: await writer(model), files: new Map(), unreadable: new Map() }
      : writeDocument(model, format, plan, run.cache, run.compile),
  );
  await dataRead;
  if (charts.lastDoneAt !== undefined) clock.mark('chartsReady', charts.lastDoneAt);
  clock.mark('written');

  const done = written.unreadable.size ? new Map([...charts.done, ...written.unreadable]) : charts.done;
  const problems = [
    ...failures(inPlanOrder(plan.charts.keys(), done), inPlanOrder(plan.tables.keys(), tables.done), file),
    ...values.problems,
  ];
  const infos = chartInfos(plan, done);
  const stats = renderStats(infos, clock.ms(), charts.cache);
  for (const s of plan.skipped) publishSkipped(s);
  const { output, files } = written;
  const inputs = reportInputs(prepared);
  return { output, format, files, inputs, charts: infos, stats, problems, warnings: warnings.warnings };
}

/** Starts every dataset's scan now, in the data phase; `read` settles once all are read. */
function readData(plan: Plan, ctx: DataContext): { source: PlanDataSource; read: Promise<unknown> } {
  let source!: PlanDataSource;
  const read = tracePhase('data', () => {
    source = openPlanData(plan, ctx, { eager: true });
    return source.all();
  });
  return { source, read };
}

/** A written document, and the charts Typst could not read (now placeholders), by id. */
interface Written {
  readonly output: Uint8Array | string;
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly unreadable: ReadonlyMap<string, RenderedChart>;
}

async function writeDocument(
  model: DocumentModel,
  format: OutputFormat,
  plan: Plan,
  cache: TieredCache | undefined,
  compile: ReportRun['compile'],
): Promise<Written> {
  const none = new Map<never, never>();
  if (format === 'html') {
    const output = await traceWriteAsync('html', model.charts.size, () => writeHtml(model));
    return { output, files: none, unreadable: none };
  }
  const typst = traceWrite('typ', model.charts.size, () => writeTypst(model));
  if (format === 'typ') return { output: typst.source, files: typst.files, unreadable: none };
  const compiled = await compileReport(model, typst, plan, cache, compile);
  return { output: compiled.pdf, files: none, unreadable: compiled.failed };
}

function inPlanOrder<T>(ids: Iterable<string>, done: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...ids].flatMap((id) => (done.has(id) ? [[id, done.get(id) as T] as const] : [])));
}
