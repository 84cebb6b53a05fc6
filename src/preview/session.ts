import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createCache } from '../cache/index.js';
import type { CacheOptions } from '../cache/options.js';
import type { TieredCache } from '../cache/tiered.js';
import { FileRoots } from '../data/sources/roots.js';
import type { DocumentModel } from '../document/model.js';
import { ChartpressError, isChartpressError, type Problem, problem, type Warning } from '../errors.js';
import type { Value } from '../frame.js';
import { reportInputs, withMatches } from '../pipeline/inputs.js';
import { KeptFrames } from '../pipeline/kept-frames.js';
import { prepareReport } from '../pipeline/prepare.js';
import { type Prepared, renderReport } from '../pipeline/report.js';
import { type PoolOptions, RenderPool } from '../pool/index.js';
import { DEFAULT_MAX_REPORT_BYTES } from '../spec/limits.js';
import type { ParamInput } from '../spec/params.js';
import { readRegularFile } from '../spec/read.js';
import { PerformanceMonitor } from '../telemetry/monitor.js';
import { traceReport } from '../telemetry/trace.js';
import { BlockWriter, type PageBlock, type PageSize } from './blocks.js';

/** What a session renders with; every field has a default. */
export interface SessionOptions {
  /** Param values to start with; strings are read as the param's type. */
  readonly params?: ParamInput;
  /** Folders the report and its data files must lie under. Defaults to the report's folder and the current folder. */
  readonly roots?: readonly string[];
  /** The render pool (see `PoolOptions`). */
  readonly pool?: PoolOptions;
  /** The chart cache. Defaults to memory only, 100 MiB, entries kept for the whole session. */
  readonly cache?: CacheOptions;
  /** Largest report file, in bytes. Defaults to 5 MiB. */
  readonly maxReportBytes?: number;
  /** Bytes of query frames kept between renders (see `KeptFrames`). Defaults to 256 MiB. */
  readonly keptFrameBytes?: number;
}

/** A param as the page's form shows it. */
export interface ParamField {
  readonly name: string;
  readonly type: 'string' | 'number' | 'boolean' | 'date';
  /** The allowed values, when the report lists them. */
  readonly values?: readonly Value[] | undefined;
  /** The value this render used (null: unset). */
  readonly value: Value;
  readonly default?: Value | undefined;
  readonly description?: string | undefined;
}

/** What one render recomputed and how long it took. */
export interface PreviewStats {
  /** Charts by what became of them in this render, from its progress events. */
  readonly charts: { readonly rendered: number; readonly cached: number; readonly failed: number };
  /** Datasets read in this render, and those whose frames were kept from an earlier one. */
  readonly datasets: { readonly scanned: readonly string[]; readonly reused: readonly string[] };
  /** Blocks of the page, and how many differ from the render before. */
  readonly blocks: { readonly total: number; readonly changed: number };
  /** Phase times, from the performance monitor: they add up to `total`. */
  readonly ms: {
    readonly total: number;
    readonly data: number;
    readonly charts: number;
    readonly document: number;
  };
  /** This render's chart cache lookups, and its rows read, from the performance monitor. */
  readonly cache: { readonly hits: number; readonly misses: number };
  readonly rows: number;
}

/** A render that made a page: what the page shows. */
export interface PreviewRender {
  /** The render's number in the session (every attempt counts). */
  readonly version: number;
  readonly title: string;
  readonly page: PageSize;
  readonly header: PageBlock;
  readonly blocks: readonly PageBlock[];
  readonly params: readonly ParamField[];
  readonly stats: PreviewStats;
  /** Failed charts and tables (drawn as placeholders). */
  readonly problems: readonly Problem[];
  /** Warnings of the render (values skipped as invalid, say), each once. */
  readonly warnings: readonly Warning[];
  /** What the session itself has to say (a param given that the report no longer declares). */
  readonly notices: readonly string[];
}

/** What the page is told, in order. */
export type PreviewEvent =
  | { readonly type: 'rendering'; readonly version: number }
  | { readonly type: 'rendered'; readonly render: PreviewRender }
  | { readonly type: 'failed'; readonly version: number; readonly problems: readonly Problem[] };

/**
 * One report being previewed: keeps the render pool, the chart cache (memory), the frames of the
 * datasets' queries and the last good render. Renders never overlap: a change while a render
 * runs queues one more, and more changes meanwhile join that one. Each render reads the report
 * again; charts whose key is unchanged come from the cache, queries whose data and params are
 * unchanged from the kept frames, so an edit costs what it changed.
 */
export class PreviewSession {
  readonly file: string;
  readonly #pool: RenderPool;
  readonly #cache: TieredCache;
  readonly #roots: FileRoots;
  readonly #kept: KeptFrames;
  readonly #monitor: PerformanceMonitor;
  readonly #writer = new BlockWriter();
  readonly #maxReportBytes: number;
  readonly #listeners = new Set<(e: PreviewEvent) => void>();
  #params: Record<string, Value>;
  #version = 0;
  #good: PreviewRender | undefined;
  /** The report and params of the last good render, for its PDF. */
  #shown: Prepared | undefined;
  #failed: { readonly version: number; readonly problems: readonly Problem[] } | undefined;
  #inputs: readonly string[];
  #chain: Promise<unknown> = Promise.resolve();
  /** The last report prepared, by its text and params. */
  #prepared: { readonly key: string; readonly prepared: Prepared } | undefined;
  #queued: Promise<void> | undefined;
  #closed = false;

  constructor(file: string, options: SessionOptions = {}) {
    this.file = resolve(file);
    // Null-prototype: a param named `__proto__` from the form is a name like any other.
    this.#params = Object.assign(Object.create(null) as Record<string, Value>, options.params);
    this.#pool = new RenderPool(options.pool);
    this.#cache = createCache({ memory: { ttl: 0 }, ...options.cache });
    this.#roots = new FileRoots(options.roots ?? [dirname(this.file), process.cwd()]);
    this.#kept = new KeptFrames({ maxBytes: options.keptFrameBytes });
    this.#monitor = new PerformanceMonitor().attach();
    this.#maxReportBytes = options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES;
    this.#inputs = [this.file];
  }

  /** The last render that made a page; undefined before the first. */
  get good(): PreviewRender | undefined {
    return this.#good;
  }

  /** The problems of the last render when it made no page (the page keeps the last good one). */
  get failed(): { readonly version: number; readonly problems: readonly Problem[] } | undefined {
    return this.#failed;
  }

  /**
   * The files the report reads (the report itself first), as of the last render that got that
   * far; a glob path as its absolute pattern, followed by the files it matched then.
   */
  get inputs(): readonly string[] {
    return this.#inputs;
  }

  /** The params given (by the command line or the form), by name. */
  get params(): Readonly<Record<string, Value>> {
    return this.#params;
  }

  /** Tells `listener` every event from now on; returns the function that stops it. */
  subscribe(listener: (e: PreviewEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Renders the report as it is on disk now. While a render runs, one more is queued and every
   * call meanwhile joins it: renders never overlap, and a burst of saves costs two renders at most.
   */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#queued ??= this.#serial(() => {
      this.#queued = undefined;
      return this.#render();
    });
    return this.#queued;
  }

  /** Sets params (null or undefined: back to the default) and renders with them. */
  setParams(values: Readonly<Record<string, Value | undefined>>): Promise<void> {
    for (const [name, value] of Object.entries(values)) {
      if (value === null || value === undefined) delete this.#params[name];
      else this.#params[name] = value;
    }
    return this.refresh();
  }

  /** The PDF of what the page shows: the last good render's report and params. */
  pdf(): Promise<Uint8Array> {
    return this.#serial(async () => {
      const shown = this.#shown;
      if (!shown)
        throw new ChartpressError(
          problem('CP_ERR_NOT_FOUND', 'the report has not been rendered yet', {
            hint: 'fix the problems the page shows, then download the PDF',
          }),
        );
      const result = await traceReport('pdf', () =>
        renderReport(
          shown,
          { format: 'pdf', pool: this.#pool, cache: this.#cache, frames: this.#kept.run() },
          performance.now(),
        ),
      );
      return result.output as Uint8Array;
    });
  }

  /** Stops rendering (the render under way finishes), ends the workers, drops the cache. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await this.#chain.catch(() => {});
    this.#monitor.detach();
    await this.#pool.close();
    await this.#cache.close();
    this.#kept.clear();
  }

  /** Runs `fn` after everything before it: one render (or PDF) at a time. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn);
    this.#chain = next.catch(() => {});
    return next;
  }

  #emit(e: PreviewEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(e);
      } catch {
        // A listener (a page gone away) must not stop the others.
      }
    }
  }

  async #render(): Promise<void> {
    if (this.#closed) return;
    const version = ++this.#version;
    this.#emit({ type: 'rendering', version });
    const t0 = performance.now();
    this.#monitor.reset();
    const frames = this.#kept.run();
    const charts = { rendered: 0, cached: 0, failed: 0 };
    let page: ReturnType<BlockWriter['write']> | undefined;
    try {
      const { prepared, notices } = await this.#prepare();
      this.#inputs = await withMatches(reportInputs(prepared), this.#roots);
      const result = await traceReport('html', async (trace) => {
        if (trace) trace.title = prepared.report.title;
        return renderReport(
          prepared,
          {
            format: 'html',
            pool: this.#pool,
            cache: this.#cache,
            frames,
            onProgress: (e) => {
              if (e.kind === 'done') charts[e.status]++;
            },
            writer: async (model: DocumentModel) => {
              page = this.#writer.write(model);
              return page.blocks.map((b) => b.html).join('\n');
            },
          },
          t0,
        );
      });
      if (!page) throw new Error('the preview writer was not called');
      const before = new Set(this.#good?.blocks.map((b) => b.hash));
      const snap = this.#monitor.snapshot();
      const ms = snap.phaseMs;
      const good: PreviewRender = {
        version,
        title: prepared.report.title,
        page: page.page,
        header: page.header,
        blocks: page.blocks,
        params: paramFields(prepared),
        stats: {
          charts,
          datasets: { scanned: [...frames.scanned], reused: [...frames.reused] },
          blocks: {
            total: page.blocks.length,
            changed: page.blocks.filter((b) => !before.has(b.hash)).length,
          },
          // One report traced: the monitor's phase times are this render's (`--stats json` ms).
          ms:
            ms.total > 0
              ? { total: ms.total, data: ms.data, charts: ms.charts, document: ms.document }
              : result.stats.ms,
          cache: { hits: snap.cache.hits, misses: snap.cache.misses },
          rows: snap.data.rows,
        },
        problems: result.problems,
        warnings: result.warnings,
        notices,
      };
      this.#good = good;
      this.#shown = prepared;
      this.#failed = undefined;
      this.#emit({ type: 'rendered', render: good });
    } catch (e) {
      const problems = isChartpressError(e)
        ? e.problems
        : [problem('CP_ERR_INTERNAL', `the preview could not render: ${(e as Error)?.message ?? String(e)}`)];
      this.#failed = { version, problems };
      this.#emit({ type: 'failed', version, problems });
    }
  }

  /**
   * The report as on disk, with the params given. A param given but no longer declared (the
   * report was edited) is dropped, not an error: the form offers the report's params only.
   */
  async #prepare(): Promise<{ prepared: Prepared; notices: string[] }> {
    await this.#roots.check(this.file, { file: this.file });
    const bytes = await readRegularFile(this.file, this.#maxReportBytes, 'report file');
    const notices: string[] = [];
    for (;;) {
      // The same text with the same params plans the same: a data file's edit parses nothing.
      const key = `${createHash('sha256').update(bytes).digest('hex')}\0${JSON.stringify(Object.entries(this.#params).sort())}`;
      if (this.#prepared?.key === key) return { prepared: this.#prepared.prepared, notices };
      try {
        const prepared = await prepareReport(
          this.file,
          { params: this.#params },
          this.#maxReportBytes,
          this.#roots,
          bytes,
        );
        this.#prepared = { key, prepared };
        return { prepared, notices };
      } catch (e) {
        const unknown = isChartpressError(e)
          ? e.problems.flatMap((p) => {
              const name = p.path?.replace(/^params\./, '');
              return p.code === 'CP_ERR_UNKNOWN_PARAM' &&
                name !== undefined &&
                Object.hasOwn(this.#params, name)
                ? [name]
                : [];
            })
          : [];
        if (unknown.length === 0) throw e;
        for (const name of unknown) {
          delete this.#params[name];
          notices.push(`param "${name}" is not declared by the report: ignored`);
        }
      }
    }
  }
}

function paramFields(prepared: Prepared): ParamField[] {
  return Object.entries(prepared.report.params ?? {}).map(([name, def]) => ({
    name,
    type: def.type,
    values: def.values,
    value: prepared.params[name] ?? null,
    default: def.default,
    description: def.description,
  }));
}
