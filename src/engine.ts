import { resolve } from 'node:path';
import { documentStore } from './cache/documents.js';
import { createCache } from './cache/index.js';
import type { CacheOptions } from './cache/options.js';
import type { CacheStats } from './cache/stats.js';
import { TieredCache } from './cache/tiered.js';
import { dropSpareReaders, spareReaders } from './data/sources/csv-spare.js';
import { type FileAccessOptions, fileRoots } from './data/sources/roots.js';
import type { LazyCharts, RenderedChart } from './document/model.js';
import { ChartpressError, problem, type Warning, WarningLog } from './errors.js';
import { frameToRows, type Row, type Value } from './frame.js';
import { lazyModule } from './lazy-module.js';
import type { EachOptions } from './pipeline/burst.js';
import { keyVersions } from './pipeline/charts.js';
import { OutputFormat } from './pipeline/format.js';
import { reportInputs } from './pipeline/inputs.js';
import type { ProgressListener } from './pipeline/progress.js';
import type { BurstSummary, PdfProcessHolder, RenderEachOptions } from './pipeline/render-each.js';
import type { Prepared, RenderResult } from './pipeline/report.js';
import { RenderReads, rememberDocument, reuseDocument } from './pipeline/rerun.js';
import { type ChartInfo, chartInfo, type RenderStats, withFile } from './pipeline/summary.js';
import { type PoolOptions, type PoolStats, RenderPool } from './pool/index.js';
import { DEFAULT_MAX_REPORT_BYTES } from './spec/limits.js';
import { ReportMemo } from './spec/memo.js';
import type { ParamInput } from './spec/params.js';
import type { ReportInput } from './spec/schema.js';
import { traceReport } from './telemetry/trace.js';

// Loaded when a method first needs them, so that `--version` and a server's start stay light.
const prepareModule = lazyModule(() => import('./pipeline/prepare.js'));
const reportModule = lazyModule(() => import('./pipeline/report.js'));
const renderEachModule = lazyModule(() => import('./pipeline/render-each.js'));
const burstModule = lazyModule(() => import('./pipeline/burst.js'));
const dataModule = lazyModule(() => import('./pipeline/data.js'));
const chartRunModule = lazyModule(() => import('./pipeline/chart-run.js'));
const chartFileModule = lazyModule(() => import('./chart-file.js'));

export type { ChartInfo, RenderResult, RenderStats };
export { OutputFormat };

/** Engine options. Each limit has a default; the resolved options are frozen. */
export interface EngineOptions {
  /**
   * Where rendered charts are kept between renders: cache options, a cache made with
   * `createCache()` (shared by engines; its owner closes it), or `false` for none. Defaults to
   * memory only (100 MiB, 5 minutes).
   */
  readonly cache?: CacheOptions | ChartCache | false;
  /** How charts are drawn: threads, timeouts, worker recycling, memory guard (see `PoolOptions`). */
  readonly pool?: PoolOptions;
  readonly limits?: {
    /** Largest report file read, in bytes. Defaults to 5 MiB. */
    readonly maxReportBytes?: number;
  };
  /**
   * Which files reports may read: `{ roots: ['/srv/reports'] }` refuses (`CP_ERR_PATH_DENIED`)
   * a report file or data file that is not under one of the folders, symlinks resolved. Defaults
   * to no restriction.
   */
  readonly files?: FileAccessOptions;
}

export interface RenderOptions {
  /** Output format. Defaults to `pdf`. */
  readonly format?: OutputFormat;
  /** Param values by name; strings are coerced to the declared type. */
  readonly params?: ParamInput;
  /**
   * HTML only: live charts (tooltips, legend toggling, zoom on long series), the ECharts runtime
   * embedded once, each chart's static SVG kept as the fallback. PDF and Typst ignore it.
   * Defaults to the report's `interactive`, else false.
   */
  readonly interactive?: boolean;
  /** Folder that dataset paths are relative to, for a report given as an object. Defaults to the cwd. */
  readonly baseDir?: string;
  /** Told as each chart is queued for rendering, starts, and is done (see `ProgressEvent`). */
  readonly onProgress?: ProgressListener;
  /** Called after each chart, with how many are done of how many. */
  readonly onChart?: (done: number, total: number, chart: ChartInfo) => void;
  /**
   * Told of each distinct warning as it is raised, for `charts()` and `data()`; `render()`
   * returns them in `result.warnings`.
   */
  readonly onWarning?: (warning: Warning) => void;
}

/** A chart cache made with `createCache()`. */
export type ChartCache = TieredCache;

export interface Engine {
  /** Renders a report file (YAML or JSON) or a report object to a document. */
  render(report: string | ReportInput, options?: RenderOptions): Promise<RenderResult>;
  /**
   * The charts the report places with these params, by id, each behind a memoized async getter:
   * nothing is read or drawn until a getter is called, and a chart is drawn once however often
   * it is asked for. A failed chart resolves to its placeholder (with `error`).
   */
  charts(
    report: string | ReportInput,
    options?: Pick<RenderOptions, 'params' | 'baseDir' | 'onProgress' | 'onWarning'>,
  ): Promise<LazyCharts>;
  /**
   * Each reached chart's and table's aggregated data, by id: first the charts, by name (an inline
   * chart by its body path, `body[2].chart`), then the tables, by body path (`body[4].table`),
   * then the named values that reached text shows (`values.<name>`). Warnings (values skipped
   * as invalid, say) go to `options.onWarning`, each distinct one once, before the promise
   * resolves.
   */
  data(
    report: string | ReportInput,
    options?: Pick<RenderOptions, 'params' | 'baseDir' | 'onWarning'>,
  ): Promise<Record<string, Row[]>>;
  /**
   * Renders one chart file (a chart definition as in `charts:`, YAML or JSON) to SVG. Its data
   * comes from `options.data` (a CSV, JSON or NDJSON file) or from a `dataset:` field in the file.
   */
  chart(file: string, options?: ChartFileOptions): Promise<ChartFileResult>;
  /**
   * Renders the report once for each value of a param (bursting): every dataset is read once for
   * the whole batch, charts equal across documents are drawn once, and documents come to
   * `options.onDocument` as they are done, a few at a time. A document that fails does not stop
   * the batch. Resolves to the counts, once every document is done.
   */
  renderEach(report: string | ReportInput, options: RenderEachOptions): Promise<BurstSummary>;
  /** The values `renderEach` would render a document for, in order, without rendering. */
  eachValues(
    report: string | ReportInput,
    each: string | EachOptions,
    options?: Pick<RenderOptions, 'params' | 'baseDir'>,
  ): Promise<Value[]>;
  /** Starts the worker threads now and waits until each is ready, so the next render pays no start-up. */
  warmup(): Promise<void>;
  /** The cache's counters (per tier: hits, misses, entries, bytes, ...); undefined without a cache. */
  cacheStats(): CacheStats | undefined;
  /** What the render pool is doing: threads alive, renders running and queued, recycled, timed out. */
  poolStats(): PoolStats;
  /**
   * Cancels charts still waiting, lets those under way finish, ends every worker and closes the
   * cache's connections. The engine cannot be used afterwards.
   */
  close(): Promise<void>;
}

export interface ChartFileOptions {
  /** Data file for the chart: `.csv`, `.json` (an array of objects) or `.ndjson`. */
  readonly data?: string;
  readonly params?: ParamInput;
}

export interface ChartFileResult {
  readonly svg: string;
  readonly chart: ChartInfo;
  /** Absolute paths of the files the chart reads: the chart file and its data file. */
  readonly inputs: readonly string[];
  /** Things worth knowing that failed nothing (values skipped as invalid, say), each once. */
  readonly warnings: readonly Warning[];
}

/**
 * Creates an engine. The pipeline of one render, each dataset's charts drawn as soon as it is
 * read, while the next is read:
 *
 *   report ─► validate ─► plan (params, when) ─► one scan per dataset ─┬─► document
 *                                         key ─► cache ─► pool (render) ┘
 *
 * The document writer pulls the charts it embeds; nothing else is drawn.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const limits = Object.freeze({
    maxReportBytes: options.limits?.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES,
  });
  if (!(Number.isSafeInteger(limits.maxReportBytes) && limits.maxReportBytes >= 1)) {
    const got = JSON.stringify(limits.maxReportBytes) ?? String(limits.maxReportBytes);
    const message = `limits.maxReportBytes: expected an integer of at least 1, got ${got}`;
    throw new ChartpressError(problem('CP_ERR_INVALID_VALUE', message, { path: 'limits.maxReportBytes' }));
  }
  const pool = new RenderPool(options.pool);
  const roots = fileRoots(options.files);
  let closed = false;
  // Started by the first burst of PDFs that uses it.
  const pdfProcess: PdfProcessHolder = {};
  const ownCache = options.cache !== false && !(options.cache instanceof TieredCache);
  const cache =
    options.cache === false
      ? undefined
      : options.cache instanceof TieredCache
        ? options.cache
        : createCache(options.cache);
  // Whole documents for reruns, beside the charts in the cache folder.
  const documents = ownCache && options.cache ? documentStore(options.cache as CacheOptions) : undefined;

  // Report and chart files validated before, by their text: reruns skip the YAML and the schema.
  const reports = new ReportMemo();

  const prepare = async (
    input: string | ReportInput,
    opts: Pick<RenderOptions, 'params' | 'baseDir'>,
    bytes?: Uint8Array,
  ): Promise<Prepared> => {
    if (closed) throw new ChartpressError(problem('CP_ERR_USAGE', 'the engine is closed'));
    if (typeof input === 'string') await roots?.check(input, { file: input });
    // A large CSV file's reader threads start while the report is validated and planned.
    else void spareReaders(input, resolve(opts.baseDir ?? '.'), roots);
    const { prepareReport } = await prepareModule();
    return prepareReport(input, opts, limits.maxReportBytes, roots, bytes, reports);
  };

  return {
    render(input, opts = {}) {
      const format = opts.format ?? 'pdf';
      // Callers without TypeScript (or with a cast) may name any format: refuse it, not fall back.
      if (!Object.hasOwn(OutputFormat, format)) {
        const got = JSON.stringify(format) ?? String(format);
        return Promise.reject(
          new ChartpressError(
            problem('CP_ERR_INVALID_ENUM', `format: expected one of pdf|html|typ, got ${got}`, {
              path: 'format',
            }),
          ),
        );
      }
      return traceReport(format, async (trace) => {
        const t0 = performance.now();
        const rerun =
          documents && typeof input === 'string' && format !== 'typ'
            ? {
                file: input,
                format,
                params: opts.params,
                maxReportBytes: limits.maxReportBytes,
                roots,
                // A static and a live page of one report are two documents.
                salt: JSON.stringify([
                  keyVersions,
                  Object.entries(pool.options.renderers).sort(),
                  ...(opts.interactive ? ['interactive'] : []),
                ]),
              }
            : undefined;
        let reads: RenderReads | undefined;
        if (rerun) {
          if (closed) throw new ChartpressError(problem('CP_ERR_USAGE', 'the engine is closed'));
          await roots?.check(rerun.file, { file: rerun.file });
          const reused = await reuseDocument(documents!, rerun, t0);
          if (reused && 'output' in reused) return reused;
          if (reused) reads = new RenderReads(reused.report);
        }
        const prepared = await prepare(input, opts, reads?.report);
        if (trace) trace.title = prepared.report.title;
        const { renderReport } = await reportModule();
        const onRead = reads && ((path: string, sha256: string) => reads.add(path, sha256));
        const result = await renderReport(prepared, { ...opts, pool, cache, onRead }, t0);
        if (rerun && reads) await rememberDocument(documents!, rerun, prepared.report, reads, result);
        return result;
      });
    },

    async renderEach(input, opts) {
      const format = opts.format ?? 'pdf';
      if (!Object.hasOwn(OutputFormat, format)) {
        const got = JSON.stringify(format) ?? String(format);
        throw new ChartpressError(
          problem('CP_ERR_INVALID_ENUM', `format: expected one of pdf|html|typ, got ${got}`, {
            path: 'format',
          }),
        );
      }
      const prepared = await prepare(input, { params: opts.params, baseDir: opts.baseDir });
      const { renderEach } = await renderEachModule();
      return renderEach(prepared, opts, { pool, cache, pdfProcess });
    },

    async eachValues(input, each, opts = {}) {
      const prepared = await prepare(input, opts);
      const { burstValues } = await burstModule();
      return burstValues(prepared, typeof each === 'string' ? { param: each } : each);
    },

    async charts(input, opts = {}) {
      const prepared = await prepare(input, opts);
      const warn = onceEach(prepared.file, opts.onWarning);
      const [{ openPlanData }, { lazyPlanCharts }] = await Promise.all([dataModule(), chartRunModule()]);
      const data = openPlanData(prepared.plan, { ...prepared, warn });
      return lazyPlanCharts(prepared.plan, data, { pool, cache, warn, onProgress: opts.onProgress }).charts;
    },

    async data(input, opts = {}) {
      const prepared = await prepare(input, opts);
      const { runPlanData } = await dataModule();
      const data = await runPlanData(prepared.plan, {
        ...prepared,
        warn: onceEach(prepared.file, opts.onWarning),
      });
      const { plan } = prepared;
      // Named values (`values:`) the reached text shows, by their id `values.<name>`.
      const values = [...(plan.values?.values() ?? [])].flatMap((v) =>
        v.id.startsWith('values.') ? [v.id] : [],
      );
      const ids = [...plan.charts.keys(), ...plan.tables.keys(), ...values];
      const failed = ids.flatMap((id) => {
        const p = data.failed.get(id);
        return p ? [withFile(p, prepared.file)] : [];
      });
      if (failed.length) throw new ChartpressError(failed);
      // Own properties whatever the id (a chart may be named `__proto__`).
      return Object.fromEntries(
        ids.map((id) => {
          const frame = data.frames.get(id);
          return [id, frame ? frameToRows(frame) : []];
        }),
      );
    },

    async chart(file, opts = {}) {
      if (closed) throw new ChartpressError(problem('CP_ERR_USAGE', 'the engine is closed'));
      await roots?.check(file, { file });
      const [{ loadChartFile }, { planPrepared }] = await Promise.all([chartFileModule(), prepareModule()]);
      const { id, report, baseDir } = await loadChartFile(file, opts.data, limits.maxReportBytes, reports);
      void spareReaders(report, baseDir, roots);
      const prepared = planPrepared(report, { params: opts.params }, { baseDir, file: undefined }, roots);
      const warnings = new WarningLog();
      const warn = (w: Warning) => warnings.add(withFile(w, file));
      const [{ openPlanData }, { lazyPlanCharts }] = await Promise.all([dataModule(), chartRunModule()]);
      const data = openPlanData(prepared.plan, { ...prepared, warn });
      const get = lazyPlanCharts(prepared.plan, data, { pool, cache, warn }).charts.get(id);
      if (!get) throw new Error(`chart "${id}" was not planned`);
      const chart: RenderedChart = await get();
      const inputs = reportInputs({ ...prepared, file });
      return { svg: chart.svg, chart: chartInfo(chart), inputs, warnings: warnings.warnings };
    },

    async warmup() {
      if (closed) throw new ChartpressError(problem('CP_ERR_USAGE', 'the engine is closed'));
      await pool.warmup();
    },

    cacheStats() {
      return cache?.stats();
    },

    poolStats() {
      return pool.stats();
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
      await pdfProcess.process?.close();
      if (ownCache) await cache?.close();
      await documents?.close();
      await dropSpareReaders();
    },
  };
}

/** A warning sink that passes each distinct warning on once, with the report file named. */
function onceEach(
  file: string | undefined,
  listener?: (w: Warning) => void,
): ((w: Warning) => void) | undefined {
  if (!listener) return undefined;
  const log = new WarningLog();
  return (w) => {
    const before = log.size;
    const named = withFile(w, file);
    log.add(named);
    if (log.size > before) listener(named);
  };
}
