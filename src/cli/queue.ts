import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Engine, OutputFormat } from '../engine.js';
import { ChartpressError, problem } from '../errors.js';
import { submitBatch, waitForBatch } from '../jobs/producer.js';
import { queueUnavailable, renderQueue } from '../jobs/queue.js';
import type { EachOptions } from '../pipeline/burst.js';
import { ExitCode, humanBytes, type Io, parseParams, progressBar } from './output.js';
import { removeOrphanTemps, writeOutput } from './write.js';

export interface QueueFlags {
  readonly output: string;
  readonly param: readonly string[];
  readonly queue: string;
  readonly detach?: boolean | undefined;
  readonly slice?: string | undefined;
  readonly queuePrefix?: string | undefined;
  readonly quiet?: boolean | undefined;
}

function sliceOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (n >= 1 && n <= 100_000) return n;
  throw new ChartpressError(
    problem('CP_ERR_USAGE', `--slice expects 1 to 100000 values per job, got "${value}"`),
  );
}

/**
 * `render --each ... --queue redis://...`: the burst split into jobs of `--slice` values on the
 * Redis queue, for `chartpress worker` processes on any machine. Waits, showing progress across
 * the fleet, then writes the manifest; `--detach` prints the batch id and returns at once.
 */
export async function queueCommand(
  engine: Engine,
  reportFile: string,
  each: EachOptions,
  flags: QueueFlags,
  format: OutputFormat,
  io: Io,
): Promise<number> {
  const params = parseParams(flags.param);
  const values = await engine.eachValues(reportFile, each, { params });
  const output = resolve(flags.output);
  const spec = {
    report: resolve(reportFile),
    param: each.param,
    values,
    params,
    format: format === 'html' ? ('html' as const) : ('pdf' as const),
    output,
    slice: sliceOf(flags.slice),
  };
  const queue = renderQueue(flags.queue, flags.queuePrefix);
  try {
    const { batch, jobs } = await submitBatch(queue, spec).catch((e: unknown) => {
      throw queueUnavailable(flags.queue, e);
    });
    if (flags.detach) {
      io.stdout(`${batch}: ${values.length} documents in ${jobs.length} jobs`);
      return ExitCode.ok;
    }
    const progress = progressBar(io, !flags.quiet, 'documents');
    const t0 = performance.now();
    const { documents, failed } = await waitForBatch(queue, jobs, spec, (done) =>
      progress.update(done, values.length),
    );
    progress.end();
    // Every job is over: a temporary file beside a document is a killed worker's, never finished.
    await removeOrphanTemps(documents.map((d) => d.file));
    const manifestFile = join(dirname(output), 'manifest.json');
    await writeOutput(
      manifestFile,
      `${JSON.stringify({ report: basename(reportFile), batch, documents }, null, 1)}\n`,
    );
    for (const d of documents)
      if (d.status === 'failed' && d.error)
        io.stderr(`${d.error.code} ${relative(process.cwd(), d.file) || d.file}: ${d.error.message}`);
    const ok = documents.filter((d) => d.status === 'ok');
    const bytes = ok.reduce((n, d) => n + d.bytes, 0);
    if (!flags.quiet)
      io.stdout(
        `${basename(reportFile)} --each ${each.param} on the queue (batch ${batch}): ${values.length} documents ` +
          `(${humanBytes(bytes)}): ${ok.length} ok, ${documents.length - ok.length} failed, ${failed.length} jobs failed ` +
          `in ${((performance.now() - t0) / 1000).toFixed(1)} s; manifest ${relative(process.cwd(), manifestFile) || manifestFile}`,
      );
    const chartsFailed = ok.some((d) => (d.chartsFailed ?? 0) > 0);
    return ok.length < values.length || chartsFailed ? ExitCode.failed : ExitCode.ok;
  } finally {
    await queue.close();
  }
}
