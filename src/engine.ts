import { resolve } from 'node:path';
import { createCache } from './cache/index.js';
import type { CacheOptions } from './cache/options.js';
import type { CacheStats } from './cache/stats.js';
import { TieredCache } from './cache/tiered.js';
import { loadChartFile } from './chart-file.js';
import { frameToRows, type Row } from './data/frame.js';
import { writeHtml } from './document/html.js';
import type { RenderedChart, TableData } from './document/model.js';
import { compilePdf } from './document/pdf.js';
import { writeTypst } from './document/typst.js';
import { ChartpressError, type Problem, problem, type Warning, WarningLog } from './errors.js';
import { renderPlanCharts } from './pipeline/charts.js';
import { runPlanData } from './pipeline/data.js';
import { type Plan, planReport } from './pipeline/plan.js';
import { checkReport } from './spec/normalize.js';
import { type ParamInput, type Params, resolveParams } from './spec/params.js';
import { DEFAULT_MAX_REPORT_BYTES, loadReportFile, validateReport } from './spec/parse.js';
import type { ChartType, Report, ReportInput } from './spec/schema.js';

export const OutputFormat = { pdf: 'pdf', html: 'html', typ: 'typ' } as const;
export type OutputFormat = keyof typeof OutputFormat;

/** Engine options. Each limit has a default; the resolved options are frozen. */
export interface EngineOptions {
  /**
   * Where rendered charts are kept between renders: cache options, a cache made with
   * `createCache()` (shared by engines; its owner closes it), or `false` for none. Defaults to
   * memory only (100 MiB, 5 minutes).
   */
  readonly cache?: CacheOptions | ChartCache | false;
  readonly limits?: {
    /** Largest report file read, in bytes. Defaults to 5 MiB. */
    readonly maxReportBytes?: number;
  };
}

export interface RenderOptions {
  /** Output format. Defaults to `pdf`. */
  readonly format?: OutputFormat;
  /** Param values by name; strings are coerced to the declared type. */
  readonly params?: ParamInput;
  /** Folder that dataset paths are relative to, for a report given as an object. Defaults to the cwd. */
  readonly baseDir?: string;
  /** Called after each chart, with how many are done of how many. */
  readonly onChart?: (done: number, total: number, chart: ChartInfo) => void;
}

/** What became of one chart of a report. */
export interface ChartInfo {
  readonly id: string;
  readonly type: ChartType;
  /** Content key; empty for a skipped chart. */
  readonly key: string;
  readonly status: 'rendered' | 'cached' | 'failed' | 'skipped';
  readonly ms: number;
  /** Size of the chart's SVG in bytes. */
  readonly bytes: number;
  readonly error?: Problem | undefined;
}

/** A chart cache made with `createCache()`. */
export type ChartCache = TieredCache;

/** The object `--stats json` prints. */
export interface RenderStats {
  readonly charts: { total: number; rendered: number; cached: number; failed: number; skipped: number };
  readonly ms: { total: number; data: number; charts: number; document: number };
  /**
   * This render's cache lookups (one per distinct chart): found, not found (rendered), and the
   * stored (compressed) size of the entries it read or wrote.
   */
  readonly cache: { hits: number; misses: number; bytes: number };
}

export interface RenderResult {
  /** The PDF bytes, or the HTML / Typst source. */
  readonly output: Uint8Array | string;
  readonly format: OutputFormat;
  /** Files the Typst source reads (`charts/<key>.svg`), for `typ` output. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly charts: readonly ChartInfo[];
  readonly stats: RenderStats;
  /** Problems that did not stop the report (failed charts and tables), one per failure. */
  readonly problems: readonly Problem[];
  /** Things worth knowing that failed nothing (skipped invalid values, say), each once. */
  readonly warnings: readonly Warning[];
}

export interface Engine {
  /** Renders a report file (YAML or JSON) or a report object to a document. */
  render(report: string | ReportInput, options?: RenderOptions): Promise<RenderResult>;
  /** Each reached chart's aggregated data, by chart id. */
  data(
    report: string | ReportInput,
    options?: Pick<RenderOptions, 'params' | 'baseDir'>,
  ): Promise<Record<string, Row[]>>;
  /**
   * Renders one chart file (a chart definition as in `charts:`, YAML or JSON) to SVG. Its data
   * comes from `options.data` (a CSV, JSON or NDJSON file) or from a `dataset:` field in the file.
   */
  chart(file: string, options?: ChartFileOptions): Promise<ChartFileResult>;
  /** The cache's counters (per tier: hits, misses, entries, bytes, ...); undefined without a cache. */
  cacheStats(): CacheStats | undefined;
  /** Ends workers and connections. The engine cannot be used afterwards. */
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
}

interface Prepared {
  readonly report: Report;
  readonly params: Params;
  readonly plan: Plan;
  readonly baseDir: string;
  readonly file?: string | undefined;
}

/**
 * Creates an engine. The pipeline of one render:
 *
 *   report ─► validate ─► plan (params, when) ─► one scan per dataset ─► charts ─► document
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const limits = Object.freeze({
    maxReportBytes: options.limits?.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES,
  });
  let closed = false;
  const ownCache = options.cache !== false && !(options.cache instanceof TieredCache);
  const cache =
    options.cache === false
      ? undefined
      : options.cache instanceof TieredCache
        ? options.cache
        : createCache(options.cache);

  const prepare = async (
    input: string | ReportInput,
    opts: Pick<RenderOptions, 'params' | 'baseDir'>,
  ): Promise<Prepared> => {
    if (closed) throw new ChartpressError(problem('CP_ERR_USAGE', 'the engine is closed'));
    const loaded =
      typeof input === 'string'
        ? await loadReportFile(input, limits.maxReportBytes)
        : { input: input as unknown, file: undefined, baseDir: resolve(opts.baseDir ?? '.') };
    const report = validateReport(loaded.input, loaded.file);
    checkReport(report, loaded.file);
    const params = resolveParams(report, opts.params, loaded.file);
    return { report, params, plan: planReport(report, params), baseDir: loaded.baseDir, file: loaded.file };
  };

  return {
    async render(input, opts = {}) {
      const format = opts.format ?? 'pdf';
      const t0 = performance.now();
      const prepared = await prepare(input, opts);
      const { report, plan } = prepared;
      const warnings = new WarningLog();
      const data = await runPlanData(plan, {
        ...prepared,
        warn: (w) => warnings.add(withFile(w, prepared.file)),
      });
      const t1 = performance.now();
      const { charts, cache: cacheRun } = await renderPlanCharts(plan, data, {
        cache,
        inflate: format !== 'pdf',
        onProgress: (done, total, chart) => opts.onChart?.(done, total, info(chart)),
        warn: (w) => warnings.add(w),
      });
      const t2 = performance.now();
      const tables = new Map<string, TableData>();
      const failures: { problem: Problem; what: string }[] = [];
      for (const chart of charts.values()) {
        if (chart.error)
          failures.push({ problem: withFile(chart.error, prepared.file), what: `chart ${chart.id}` });
      }
      for (const [id, use] of plan.tables) {
        const failure =
          data.failed.get(id) ?? checkTableColumns(use.table, data.frames.get(id), use.path, prepared.file);
        const frame = data.frames.get(id);
        tables.set(id, {
          table: use.table,
          frame: frame && !failure ? frame : { fields: [], columns: {}, length: 0 },
          error: failure,
        });
        if (failure) failures.push({ problem: withFile(failure, prepared.file), what: `table ${id}` });
      }
      const problems = mergeFailures(failures);
      const model = {
        title: report.title,
        subtitle: report.subtitle,
        author: report.author,
        date: report.date,
        page: { size: report.page?.size ?? 'a4', orientation: report.page?.orientation ?? 'portrait' },
        blocks: plan.blocks,
        charts,
        tables,
      } as const;
      let output: Uint8Array | string;
      let files: ReadonlyMap<string, Uint8Array> = new Map();
      if (format === 'html') output = writeHtml(model);
      else {
        const typst = writeTypst(model);
        files = typst.files;
        output = format === 'pdf' ? compilePdf(typst) : typst.source;
      }
      const t3 = performance.now();
      const infos = [...charts.values()].map(info);
      for (const s of plan.skipped)
        infos.push({ id: s.id, type: s.type, key: '', status: 'skipped', ms: 0, bytes: 0 });
      const count = (status: ChartInfo['status']) => infos.filter((c) => c.status === status).length;
      const rendered = count('rendered');
      const stats: RenderStats = {
        charts: {
          total: infos.length,
          rendered,
          cached: count('cached'),
          failed: count('failed'),
          skipped: count('skipped'),
        },
        ms: { total: round(t3 - t0), data: round(t1 - t0), charts: round(t2 - t1), document: round(t3 - t2) },
        cache: cacheRun,
      };
      return { output, format, files, charts: infos, stats, problems, warnings: warnings.warnings };
    },

    async data(input, opts = {}) {
      const prepared = await prepare(input, opts);
      const data = await runPlanData(prepared.plan, prepared);
      const failures = [...prepared.plan.charts.keys()].flatMap((id) => {
        const p = data.failed.get(id);
        return p ? [withFile(p, prepared.file)] : [];
      });
      if (failures.length) throw new ChartpressError(failures);
      const out: Record<string, Row[]> = {};
      for (const id of prepared.plan.charts.keys()) {
        const frame = data.frames.get(id);
        out[id] = frame ? frameToRows(frame) : [];
      }
      return out;
    },

    async chart(file, opts = {}) {
      const { id, report, baseDir } = await loadChartFile(file, opts.data, limits.maxReportBytes);
      const prepared = await prepare(report, { params: opts.params, baseDir });
      const data = await runPlanData(prepared.plan, prepared);
      const { charts } = await renderPlanCharts(prepared.plan, data, { cache, inflate: true });
      const chart = charts.get(id);
      if (!chart) throw new Error(`chart "${id}" was not planned`);
      return { svg: chart.svg, chart: info(chart) };
    },

    cacheStats() {
      return cache?.stats();
    },

    async close() {
      closed = true;
      if (ownCache) await cache?.close();
    },
  };
}

function info(c: RenderedChart): ChartInfo {
  return {
    id: c.id,
    type: c.type,
    key: c.key,
    status: c.status,
    ms: round(c.ms),
    bytes: c.bytes ?? Buffer.byteLength(c.svg),
    ...(c.error ? { error: c.error } : {}),
  };
}

function checkTableColumns(
  table: TableData['table'],
  frame: TableData['frame'] | undefined,
  path: string,
  file: string | undefined,
): Problem | undefined {
  if (!table.columns || !frame || frame.length === 0) return undefined;
  for (const [i, c] of table.columns.entries()) {
    const field = typeof c === 'string' ? c : c.field;
    if (!frame.fields.includes(field)) {
      return problem(
        'CP_ERR_UNKNOWN_COLUMN',
        `column "${field}" is not in the table's data; columns: ${frame.fields.join(', ')}`,
        {
          file,
          path: `${path}.columns[${i}]`,
        },
      );
    }
  }
  return undefined;
}

/**
 * One problem per line: a dataset that fails every chart on it is printed once, naming the
 * charts and tables it kept from being drawn.
 */
function mergeFailures(failures: readonly { problem: Problem; what: string }[]): Problem[] {
  const groups = new Map<string, { problem: Problem; whats: string[] }>();
  for (const { problem: p, what } of failures) {
    const key = `${p.code}\u0000${p.file}\u0000${p.path}\u0000${p.message}`;
    const group = groups.get(key) ?? { problem: p, whats: [] };
    group.whats.push(what);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ problem: p, whats }) => {
    const named = whats.length === 1 && p.path?.startsWith(`charts.${whats[0]?.replace(/^chart /, '')}.`);
    return named ? p : { ...p, message: `${p.message} (failed: ${whats.join(', ')})` };
  });
}

function withFile<T extends { readonly file?: string | undefined }>(p: T, file: string | undefined): T {
  return p.file !== undefined || file === undefined ? p : { ...p, file };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
