import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Engine, OutputFormat } from '../engine.js';
import { ChartpressError, formatProblem, problem } from '../errors.js';
import type { Value } from '../frame.js';
import { failedEntry, fileOf, type ManifestEntry, writeDocument } from '../jobs/documents.js';
import type { EachOptions } from '../pipeline/burst.js';
import type { BurstResult } from '../pipeline/render-each.js';
import { ExitCode, humanBytes, type Io, parseParams, progressBar } from './output.js';
import { writeOutput } from './write.js';

/** Largest manifest `--resume` reads back. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** The manifest is written again after this many documents (and at the end). */
const MANIFEST_EVERY = 50;

/**
 * `--each store` (values from the param's `values:`) or `--each store=stores.id` (the distinct
 * values of column `id` of dataset `stores`).
 */
export function parseEach(spec: string): EachOptions {
  const m = /^([A-Za-z_][\w-]*)(?:=([^.=]+)\.(.+))?$/.exec(spec);
  if (!m?.[1])
    throw new ChartpressError(
      problem('CP_ERR_USAGE', `--each expects <param> or <param>=<dataset>.<field>, got "${spec}"`),
    );
  return m[2] && m[3] ? { param: m[1], from: m[2], field: m[3] } : { param: m[1] };
}

/** Entries of an earlier run's manifest; nothing when there is none or it is not one of ours. */
async function readManifest(file: string): Promise<Map<string, ManifestEntry>> {
  const out = new Map<string, ManifestEntry>();
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) return out;
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const entries = (parsed as { documents?: unknown }).documents;
    if (!Array.isArray(entries)) return out;
    for (const e of entries as Partial<ManifestEntry>[])
      if (typeof e?.file === 'string' && typeof e.bytes === 'number' && e.status === 'ok')
        out.set(e.file, e as ManifestEntry);
  } catch {
    // No manifest, or not JSON: every document is rendered.
  }
  return out;
}

export interface BurstFlags {
  readonly output: string;
  readonly each: string;
  readonly format?: OutputFormat | undefined;
  readonly param: readonly string[];
  readonly resume?: boolean | undefined;
  readonly quiet?: boolean | undefined;
  readonly queue?: string | undefined;
  readonly detach?: boolean | undefined;
  readonly slice?: string | undefined;
  readonly queuePrefix?: string | undefined;
}

/**
 * `chartpress render report.yaml --each store -o 'out/{store}.pdf'`: a document for each value,
 * written atomically as it is done, and `out/manifest.json` listing every one (value, file,
 * bytes, status, error, ms). `--resume` skips the documents an earlier run wrote whole.
 */
export async function burstCommand(
  engine: Engine,
  reportFile: string,
  flags: BurstFlags,
  format: OutputFormat,
  io: Io,
): Promise<number> {
  const each = parseEach(flags.each);
  const slot = `{${each.param}}`;
  if (!flags.output.includes(slot))
    throw new ChartpressError(
      problem(
        'CP_ERR_USAGE',
        `-o must name each document by its value: put ${slot} in it, e.g. out/${slot}.${format}`,
      ),
    );
  const folder = dirname(flags.output);
  if (folder.includes('{'))
    throw new ChartpressError(
      problem('CP_ERR_USAGE', `the folder of -o holds the manifest: put ${slot} in the file name only`),
    );
  if (flags.queue !== undefined) {
    if (flags.resume) throw new ChartpressError(problem('CP_ERR_USAGE', '--resume does not go with --queue'));
    const { queueCommand } = await import('./queue.js');
    return queueCommand(engine, reportFile, each, { ...flags, queue: flags.queue }, format, io);
  }
  const manifestFile = join(folder, 'manifest.json');
  const earlier = flags.resume ? await readManifest(manifestFile) : new Map<string, ManifestEntry>();
  const entries: ManifestEntry[] = [];
  const owners = new Map<string, Value>();
  const progress = progressBar(io, !flags.quiet, 'documents');
  let total = 0;
  let chartsFailed = 0;
  const writeManifest = () =>
    writeOutput(
      manifestFile,
      `${JSON.stringify({ report: basename(reportFile), documents: entries }, null, 1)}\n`,
    );

  const onDocument = async (doc: BurstResult) => {
    const file = fileOf(flags.output, each.param, doc.value);
    const entry = await settle(doc, file);
    entries.push(entry);
    if (entry.status === 'failed' && entry.error)
      io.stderr(`${entry.error.code} ${relative(process.cwd(), file) || file}: ${entry.error.message}`);
    progress.update(entries.length, total);
    if (entries.length % MANIFEST_EVERY === 0) await writeManifest();
  };

  const settle = async (doc: BurstResult, file: string): Promise<ManifestEntry> => {
    const other = owners.get(file);
    if (other !== undefined && other !== doc.value)
      return failedEntry(
        { value: doc.value, file, ms: Math.round(doc.ms) },
        problem('CP_ERR_OUTPUT_CLOBBER', `${file} is also the file of ${JSON.stringify(other)}`),
      );
    owners.set(file, doc.value);
    if (doc.status === 'skipped')
      return { value: doc.value, file, bytes: earlier.get(file)?.bytes ?? 0, status: 'skipped', ms: 0 };
    const entry = await writeDocument(doc, file);
    chartsFailed += entry.chartsFailed ?? 0;
    for (const p of doc.result?.problems ?? [])
      io.stderr(`${formatProblem(p)} (${relative(process.cwd(), file) || file})`);
    return entry;
  };

  const summary = await engine.renderEach(reportFile, {
    each,
    format,
    params: parseParams(flags.param),
    onDocument,
    onValues: (values) => {
      total = values.length;
    },
    skip: async (value) => {
      if (!flags.resume) return false;
      const file = fileOf(flags.output, each.param, value);
      const before = earlier.get(file);
      if (!before) return false;
      const info = await stat(file).catch(() => undefined);
      return info?.isFile() === true && info.size === before.bytes;
    },
  });
  progress.end();
  await writeManifest();
  const bytes = entries.reduce((n, e) => n + (e.status === 'ok' ? e.bytes : 0), 0);
  const count = (status: ManifestEntry['status']) => entries.filter((e) => e.status === status).length;
  const failed = count('failed');
  if (!flags.quiet)
    io.stdout(
      `${basename(reportFile)} --each ${each.param}: ${summary.total} documents (${humanBytes(bytes)}): ` +
        `${count('ok')} ok, ${failed} failed, ${count('skipped')} skipped in ${(summary.ms / 1000).toFixed(1)} s; ` +
        `each dataset read once (${summary.scans.splitQueries} queries split, ${summary.scans.perDocumentQueries} per document); ` +
        `manifest ${relative(process.cwd(), manifestFile) || manifestFile}`,
    );
  return failed > 0 || chartsFailed > 0 ? ExitCode.failed : ExitCode.ok;
}
