import { COLLECT_EVERY_DOCUMENTS, collectGarbage } from '../collect.js';
import { type PdfProcess, startPdfProcess } from '../document/pdf-process.js';
import type { TypstDocument } from '../document/typst.js';
import { ChartpressError, type Problem, problem, type Warning } from '../errors.js';
import type { Value } from '../frame.js';
import type { Params } from '../spec/params.js';
import { BurstData, type BurstScans, burstValues, type EachOptions, planDocuments } from './burst.js';
import type { OutputFormat } from './format.js';
import { type Prepared, type RenderResult, type ReportRun, renderReport } from './report.js';

/** Fewest PDF documents in a burst for Typst to compile them in a process of its own: 4. */
export const PDF_PROCESS_MIN_DOCUMENTS = 4;

/**
 * The PDF process of an engine's bursts: started by the first burst that uses it, kept for the
 * next ones (starting it costs a process and a compiler, its fonts loaded), closed with the engine.
 */
export interface PdfProcessHolder {
  process?: PdfProcess;
}

/**
 * Documents in flight at once in a burst, by default: 4. Memory stays flat however many there
 * are; with Typst compiling one document at a time in the PDF process, two in flight often both
 * waited on it while the pool had no chart to draw.
 */
export const DEFAULT_BURST_CONCURRENCY = 4;
const MAX_BURST_CONCURRENCY = 64;

/** One document of a burst, as it is done (or skipped, or failed before it had a document). */
export interface BurstResult {
  readonly value: Value;
  readonly params: Params;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** The document, when it was rendered (failed charts inside it are placeholders). */
  readonly result?: RenderResult;
  /** Why there is no document. */
  readonly error?: readonly Problem[];
  readonly ms: number;
}

export interface RenderEachOptions {
  /** The param that takes each value: its name (values from its `values:`), or where they come from. */
  readonly each: string | EachOptions;
  readonly format?: OutputFormat;
  /** The other params, the same for every document. */
  readonly params?: Readonly<Record<string, Value | undefined>>;
  readonly baseDir?: string;
  /** Documents rendered at once. Defaults to 4; at most 64. */
  readonly concurrency?: number;
  /** Values not to render (`--resume`: their output is there already). */
  readonly skip?: (value: Value, params: Params) => boolean | Promise<boolean>;
  /**
   * Told of each document as it is done, in the order they finish; awaited, so that writing a
   * document holds its place in flight (memory stays bounded).
   */
  readonly onDocument?: (doc: BurstResult) => void | Promise<void>;
  /** Told of each distinct warning of the batch's scans. */
  readonly onWarning?: (warning: Warning) => void;
  /** Told of the values once they are known, before the first document (a progress bar's total). */
  readonly onValues?: (values: readonly Value[]) => void;
}

export interface BurstSummary {
  readonly total: number;
  readonly ok: number;
  readonly failed: number;
  readonly skipped: number;
  readonly ms: number;
  /** How the queries were run: one scan per dataset for the batch, what was split, what was not. */
  readonly scans: BurstScans;
}

function concurrencyOf(n: number | undefined): number {
  if (n === undefined) return DEFAULT_BURST_CONCURRENCY;
  if (Number.isInteger(n) && n >= 1 && n <= MAX_BURST_CONCURRENCY) return n;
  throw new ChartpressError(
    problem(
      'CP_ERR_INVALID_VALUE',
      `concurrency: expected an integer from 1 to ${MAX_BURST_CONCURRENCY}, got ${n}`,
      {
        path: 'concurrency',
      },
    ),
  );
}

/**
 * Renders the report once for each value of a param: every dataset read once for the batch (see
 * `BurstData`), charts equal across documents drawn once (the cache), documents rendered a few at
 * a time, PDFs compiled in the PDF process of `run.pdfProcess` when there are
 * `PDF_PROCESS_MIN_DOCUMENTS` or more. A document that fails is reported and the batch goes on.
 */
export async function renderEach(
  base: Prepared,
  options: RenderEachOptions,
  run: Omit<ReportRun, 'format' | 'data' | 'compile'> & { readonly pdfProcess?: PdfProcessHolder },
): Promise<BurstSummary> {
  const t0 = performance.now();
  const each: EachOptions = typeof options.each === 'string' ? { param: options.each } : options.each;
  const concurrency = concurrencyOf(options.concurrency);
  const values = await burstValues(base, each);
  options.onValues?.(values);
  const planned = planDocuments(base, options.params ?? {}, each.param, values);
  const seen = new Set<string>();
  const warn = options.onWarning
    ? (w: Warning) => {
        const key = `${w.code}\u0000${w.path ?? ''}\u0000${w.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        options.onWarning?.(w);
      }
    : undefined;
  const docs = planned.flatMap((p) => (p.doc ? [p.doc] : []));
  const format = options.format ?? 'pdf';
  // Typst compiles in a process of its own once there are documents enough to pay for starting it.
  let compile: ((doc: TypstDocument) => Promise<Uint8Array>) | undefined;
  if (format === 'pdf' && docs.length >= PDF_PROCESS_MIN_DOCUMENTS && run.pdfProcess !== undefined) {
    run.pdfProcess.process ??= startPdfProcess();
    const pdfProcess = run.pdfProcess.process;
    compile = (doc) => pdfProcess.compile(doc);
  }
  const data = new BurstData(base, docs, each.param, warn);
  let ok = 0;
  let failed = 0;
  let skipped = 0;
  let next = 0;
  const report = async (doc: BurstResult) => {
    if (doc.status === 'ok') ok++;
    else if (doc.status === 'failed') failed++;
    else skipped++;
    await options.onDocument?.(doc);
    if (doc.status === 'ok' && ok % COLLECT_EVERY_DOCUMENTS === 0) collectGarbage();
  };
  const worker = async () => {
    while (next < planned.length) {
      const item = planned[next++];
      if (!item) break;
      const t = performance.now();
      const params = item.doc?.prepared.params ?? {};
      if (!item.doc) {
        await report({
          value: item.value,
          params,
          status: 'failed',
          error: item.error?.problems ?? [],
          ms: 0,
        });
        continue;
      }
      if (options.skip && (await options.skip(item.value, params))) {
        await report({ value: item.value, params, status: 'skipped', ms: 0 });
        continue;
      }
      let done: BurstResult;
      try {
        const result = await renderReport(
          item.doc.prepared,
          { ...run, format, data: data.source(item.doc), compile },
          t,
        );
        done = { value: item.value, params, status: 'ok', result, ms: performance.now() - t };
      } catch (e) {
        if (!(e instanceof ChartpressError)) throw e;
        done = { value: item.value, params, status: 'failed', error: e.problems, ms: performance.now() - t };
      }
      await report(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, planned.length)) }, worker));
  return { total: planned.length, ok, failed, skipped, ms: performance.now() - t0, scans: data.scans };
}
