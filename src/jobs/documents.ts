import { refuseClobber } from '../cli/clobber.js';
import { writeOutput } from '../cli/write.js';
import { ChartpressError, type Problem } from '../errors.js';
import type { Value } from '../frame.js';
import type { BurstResult } from '../pipeline/render-each.js';

/** A document of a batch and how it went: a line of `manifest.json`. */
export interface ManifestEntry {
  readonly value: Value;
  readonly file: string;
  readonly bytes: number;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly error?: { readonly code: string; readonly message: string };
  /** Charts drawn as placeholders inside a document that was written. */
  readonly chartsFailed?: number;
  readonly ms: number;
}

/** A value as part of a file name: no separator, no `..`, nothing a shell or a file system minds. */
export function fileSafe(value: Value): string {
  const text = String(value)
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .slice(0, 120);
  return text === '' || /^\.+$/.test(text) ? '_' : text;
}

/** The file of a value: `{<param>}` in the output name replaced by the value, made safe. */
export function fileOf(output: string, param: string, value: Value): string {
  return output.split(`{${param}}`).join(fileSafe(value));
}

export function failedEntry(
  base: { value: Value; file: string; ms: number },
  p: Problem | undefined,
): ManifestEntry {
  const error = p
    ? { code: p.code, message: p.message }
    : { code: 'CP_ERR_INTERNAL', message: 'no document' };
  return { ...base, bytes: 0, status: 'failed', error };
}

/**
 * Writes a document of a batch (atomically, never over one of its inputs) and says how it went; a
 * document the batch could not make, or write, is a failed entry.
 */
export async function writeDocument(doc: BurstResult, file: string): Promise<ManifestEntry> {
  const base = { value: doc.value, file, ms: Math.round(doc.ms) };
  if (doc.status === 'skipped') return { ...base, bytes: 0, status: 'skipped' };
  if (doc.status === 'failed' || !doc.result) return failedEntry(base, doc.error?.[0]);
  try {
    await refuseClobber([file], doc.result.inputs);
    await writeOutput(file, doc.result.output);
  } catch (e) {
    if (e instanceof ChartpressError) return failedEntry(base, e.problems[0]);
    throw e;
  }
  const { output } = doc.result;
  const bytes = typeof output === 'string' ? Buffer.byteLength(output) : output.byteLength;
  const chartsFailed = doc.result.stats.charts.failed;
  return { ...base, bytes, status: 'ok', ...(chartsFailed > 0 ? { chartsFailed } : {}) };
}
