import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { DocumentStore } from '../cache/documents.js';
import type { FileRoots } from '../data/sources/roots.js';
import type { Warning } from '../errors.js';
import { readRegularFile } from '../spec/read.js';
import type { Report } from '../spec/schema.js';
import { VERSION } from '../version.js';
import type { OutputFormat, RenderResult } from './report.js';
import { type ChartInfo, renderStats } from './summary.js';

/**
 * Reruns of an unchanged report: a document rendered from a report file whose inputs (the
 * report's bytes, its params, every data file's bytes) are all the same as a stored render's is
 * that render's document, so it is written again without reading data or drawing. What a
 * render was made from is kept as a manifest beside the document, both verified entries of the
 * cache folder. Only renders that can be known from their files are kept: no failed chart or
 * table, data from CSV, JSON, NDJSON or inline rows only (a database can change under the same
 * file or URL), inputs within `MAX_RERUN_INPUT_BYTES`.
 */

/** Bytes of data files hashed at most to keep a document: 256 MiB. Larger inputs always render. */
export const MAX_RERUN_INPUT_BYTES = 256 * 1024 * 1024;

const MANIFEST_VERSION = 1;

interface Manifest {
  readonly v: typeof MANIFEST_VERSION;
  readonly inputs: readonly { readonly path: string; readonly sha256: string }[];
  readonly charts: readonly ChartInfo[];
  readonly warnings: readonly Warning[];
}

/** What identifies a rerun before the report is parsed. */
export interface RerunRequest {
  readonly file: string;
  readonly format: OutputFormat;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly maxReportBytes: number;
  readonly roots?: FileRoots | undefined;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The manifest's key: the version, the format, the report's path and bytes, the params given. */
function manifestKey(req: RerunRequest, report: Uint8Array): string {
  const params = Object.entries(req.params ?? {})
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(JSON.stringify([VERSION, req.format, resolve(req.file), sha256(report), params]));
}

const outputKey = (manifest: string) => `${manifest}-output`;

/** The stored document of an unchanged rerun, as a render result; undefined to render. */
export async function reuseDocument(
  store: DocumentStore,
  req: RerunRequest,
  t0: number,
): Promise<RenderResult | undefined> {
  const report = await readRegularFile(req.file, req.maxReportBytes, 'report file').catch(() => undefined);
  if (report === undefined) return undefined;
  const key = manifestKey(req, report);
  const stored = await store.get(key, manifestProblem);
  if (stored === undefined) return undefined;
  const manifest = JSON.parse(Buffer.from(stored).toString('utf8')) as Manifest;
  for (const input of manifest.inputs) {
    try {
      // Each data file is where the report's roots allow, as when it was first read.
      await req.roots?.check(input.path, { file: req.file });
      const bytes = await readRegularFile(input.path, MAX_RERUN_INPUT_BYTES, 'data file');
      if (sha256(bytes) !== input.sha256) return undefined;
    } catch {
      return undefined;
    }
  }
  const document = await store.get(outputKey(key), outputProblem(req.format));
  if (document === undefined) return undefined;
  const charts = manifest.charts.map((c) =>
    c.status === 'rendered' ? { ...c, status: 'cached' as const, ms: 0 } : { ...c, ms: 0 },
  );
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  return {
    output: req.format === 'pdf' ? document : Buffer.from(document).toString('utf8'),
    format: req.format,
    files: new Map(),
    inputs: [resolve(req.file), ...manifest.inputs.map((i) => i.path)],
    charts,
    stats: {
      ...renderStats(
        charts,
        { total: ms, data: 0, charts: 0, document: ms },
        { hits: 0, misses: 0, bytes: 0 },
      ),
      document: 'cached',
    },
    problems: [],
    warnings: manifest.warnings,
  };
}

/** Keeps a finished render for reruns when it can be known from its files (see above). */
export async function rememberDocument(
  store: DocumentStore,
  req: RerunRequest,
  report: Report,
  result: RenderResult,
): Promise<void> {
  if (result.format === 'typ' || result.problems.length > 0) return;
  if (Object.values(report.datasets).some((d) => !['csv', 'json', 'ndjson', 'inline'].includes(d.source)))
    return;
  try {
    const reportBytes = await readRegularFile(req.file, req.maxReportBytes, 'report file');
    const inputs: Manifest['inputs'][number][] = [];
    let total = 0;
    for (const path of result.inputs) {
      if (path === resolve(req.file)) continue;
      const bytes = await readRegularFile(path, MAX_RERUN_INPUT_BYTES - total, 'data file');
      total += bytes.byteLength;
      inputs.push({ path, sha256: sha256(bytes) });
    }
    const key = manifestKey(req, reportBytes);
    const output = typeof result.output === 'string' ? Buffer.from(result.output) : result.output;
    const manifest: Manifest = {
      v: MANIFEST_VERSION,
      inputs,
      charts: result.charts.map(({ error: _, ...c }) => c),
      warnings: result.warnings,
    };
    // The document first: a manifest is never found without its document.
    await store.set(outputKey(key), output);
    await store.set(key, Buffer.from(JSON.stringify(manifest)));
  } catch {
    // Inputs that changed or grew past the limit while rendering: nothing is kept.
  }
}

function manifestProblem(text: string): string | undefined {
  try {
    const m = JSON.parse(text) as Partial<Manifest>;
    const fine =
      m.v === MANIFEST_VERSION &&
      Array.isArray(m.inputs) &&
      m.inputs.every((i) => typeof i?.path === 'string' && typeof i.sha256 === 'string') &&
      Array.isArray(m.charts) &&
      Array.isArray(m.warnings);
    return fine ? undefined : 'not a document manifest';
  } catch {
    return 'not JSON';
  }
}

function outputProblem(format: OutputFormat): (text: string) => string | undefined {
  const start = format === 'pdf' ? '%PDF-' : '<!doctype html>';
  return (text) =>
    text.startsWith(start) ? undefined : `not ${format === 'pdf' ? 'a PDF' : 'an HTML page'}`;
}
