import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DocumentStore } from '../cache/documents.js';
import { openFile } from '../data/sources/file.js';
import { isGlob } from '../data/sources/glob.js';
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
 * file or URL) and no glob path (a file may come to match it), inputs within `MAX_RERUN_INPUT_BYTES`.
 */

/** Bytes of data files hashed at most to keep a document: 256 MiB. Larger inputs always render. */
export const MAX_RERUN_INPUT_BYTES = 256 * 1024 * 1024;

const MANIFEST_VERSION = 1;

interface Manifest {
  readonly v: typeof MANIFEST_VERSION;
  /** SHA-256 of the document stored with it: a document written by another render is refused. */
  readonly document: string;
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
  /**
   * What else changes the picture: the versions in every chart key (chartpress, ECharts and its
   * drawing revision, the font) and the renderers registered by chart type.
   */
  readonly salt: string;
}

/** What a render that missed needs to keep its document: the report's bytes as first read. */
export interface RerunMiss {
  readonly report: Uint8Array;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/**
 * The manifest's key: the versions and renderers, the format, the report's path and bytes, the
 * params given, each with its type (`null`, `NaN` and `"null"` are three keys); undefined when
 * a param is a number JSON cannot write (it is for the render to refuse or read).
 */
function manifestKey(req: RerunRequest, report: Uint8Array): string | undefined {
  const params: [string, string, string][] = [];
  for (const [name, v] of Object.entries(req.params ?? {})) {
    if (typeof v === 'number' && !Number.isFinite(v)) return undefined;
    params.push([name, v === null ? 'null' : typeof v, String(v)]);
  }
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(JSON.stringify([VERSION, req.salt, req.format, resolve(req.file), sha256(report), params]));
}

const outputKey = (manifest: string) => `${manifest}-output`;

/** The stored document of an unchanged rerun, as a render result; undefined to render. */
export async function reuseDocument(
  store: DocumentStore,
  req: RerunRequest,
  t0: number,
): Promise<RenderResult | RerunMiss | undefined> {
  const report = await readRegularFile(req.file, req.maxReportBytes, 'report file').catch(() => undefined);
  if (report === undefined) return undefined;
  const miss = { report };
  const key = manifestKey(req, report);
  if (key === undefined) return undefined;
  const stored = await store.get(key, manifestProblem);
  if (stored === undefined) return miss;
  const manifest = JSON.parse(Buffer.from(stored).toString('utf8')) as Manifest;
  const now = await hashInputs(
    manifest.inputs.map((i) => i.path),
    req,
  );
  if (now === undefined || inputsDigest(now) !== inputsDigest(manifest.inputs)) return miss;
  const document = await store.get(outputKey(key), outputProblem(req.format));
  if (document === undefined || sha256(document) !== manifest.document) return miss;
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

/**
 * What one render read: the SHA-256 of each data file, taken as the source read it (null for a
 * file read twice with different bytes). The report's bytes are those the key was made from.
 */
export class RenderReads {
  readonly files = new Map<string, string | null>();

  constructor(readonly report: Uint8Array) {}

  add(path: string, sha256: string): void {
    const seen = this.files.get(path);
    this.files.set(path, seen === undefined || seen === sha256 ? sha256 : null);
  }
}

/**
 * Keeps a finished render for reruns when it can be known from its files (see above). The
 * digests are of the bytes the render read, so a file that changed while it was read is kept
 * with the version the document shows: the next rerun sees the difference and renders.
 */
export async function rememberDocument(
  store: DocumentStore,
  req: RerunRequest,
  report: Report,
  reads: RenderReads,
  result: RenderResult,
): Promise<void> {
  if (result.format === 'typ' || result.problems.length > 0) return;
  if (Object.values(report.datasets).some((d) => !['csv', 'json', 'ndjson', 'inline'].includes(d.source)))
    return;
  // A glob path reads whatever files match at the time: a file added would go unseen.
  if (Object.values(report.datasets).some((d) => 'path' in d && d.path !== undefined && isGlob(d.path)))
    return;
  const key = manifestKey(req, reads.report);
  if (key === undefined) return;
  const inputs: Manifest['inputs'][number][] = [];
  let total = 0;
  for (const [path, sha256] of reads.files) {
    if (sha256 === null) return;
    total += await stat(path).then(
      (s) => s.size,
      () => Number.POSITIVE_INFINITY,
    );
    // A rerun could not hash these within bounds: keeping the document would only take room.
    if (total > MAX_RERUN_INPUT_BYTES) return;
    inputs.push({ path, sha256 });
  }
  const output = typeof result.output === 'string' ? Buffer.from(result.output) : result.output;
  const manifest: Manifest = {
    v: MANIFEST_VERSION,
    document: sha256(output),
    inputs,
    charts: result.charts.map(({ error: _, ...c }) => c),
    // A cache tier that was down then says nothing of the stored document.
    warnings: result.warnings.filter((w) => w.code !== 'CP_WARN_CACHE_UNAVAILABLE'),
  };
  await store.set(outputKey(key), output);
  await store.set(key, Buffer.from(JSON.stringify(manifest)));
}

/**
 * The SHA-256 of each data file, in order, taken as the sources take it (`openFile`: bounded,
 * streamed, regular files only); undefined when one cannot be read within bounds.
 */
async function hashInputs(
  paths: readonly string[],
  req: RerunRequest,
): Promise<{ path: string; sha256: string }[] | undefined> {
  const inputs: { path: string; sha256: string }[] = [];
  let total = 0;
  try {
    for (const path of paths) {
      // Each data file is where the report's roots allow: the real path checked is the one read.
      const real = (await req.roots?.check(path, { file: req.file })) ?? path;
      let digest: string | undefined;
      const where = { file: req.file, path: 'datasets' };
      const stream = await openFile(
        { path: real, maxBytes: MAX_RERUN_INPUT_BYTES - total, where, onRead: (h) => (digest = h) },
        READ_SIZE,
      );
      for await (const chunk of stream) total += (chunk as Buffer).byteLength;
      if (digest === undefined) return undefined;
      inputs.push({ path, sha256: digest });
    }
  } catch {
    return undefined;
  }
  return inputs;
}

/** Bytes read at a time when hashing data files: 1 MiB. */
const READ_SIZE = 1024 * 1024;

const inputsDigest = (inputs: readonly { readonly path: string; readonly sha256: string }[]) =>
  sha256(JSON.stringify(inputs.map((i) => [i.path, i.sha256])));

function manifestProblem(text: string): string | undefined {
  try {
    const m = JSON.parse(text) as Partial<Manifest>;
    const fine =
      m.v === MANIFEST_VERSION &&
      typeof m.document === 'string' &&
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
