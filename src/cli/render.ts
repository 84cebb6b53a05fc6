import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { CacheOptions } from '../cache/options.js';
import { createEngine, type Engine, type OutputFormat } from '../engine.js';
import { ChartpressError, formatWarning, problem } from '../errors.js';
import type { PoolOptions } from '../pool/index.js';
import { maxThreads } from '../pool/options.js';
import { MAX_TIMEOUT_MS } from '../spec/limits.js';
import { refuseClobber } from './clobber.js';
import type { RenderFlags } from './main.js';
import {
  ExitCode,
  humanBytes,
  type Io,
  parseParams,
  printProblems,
  progressBar,
  reportError,
} from './output.js';
import { writeOutput } from './write.js';

const FORMATS: Readonly<Record<string, OutputFormat>> = {
  '.pdf': 'pdf',
  '.html': 'html',
  '.htm': 'html',
  '.typ': 'typ',
};

/** The CLI keeps charts in memory and in a folder, so a second run renders nothing; Redis on request. */
function cacheOptions(
  flags: Pick<RenderFlags, 'cache' | 'cacheDir' | 'redis' | 'reuse'>,
): CacheOptions | false {
  if (!flags.cache) return false;
  return {
    memory: true,
    disk: resolve(flags.cacheDir ?? DEFAULT_CACHE_DIR),
    redis: flags.redis ?? false,
    documents: flags.reuse !== false,
  };
}

/** The cache folder of the CLI, relative to the current folder. */
const DEFAULT_CACHE_DIR = '.chartpress-cache';

/**
 * `--concurrency` (at most 4 × the CPU count) and `--chart-timeout` (at most 2^31 - 1 ms) as pool
 * options; a bad number is a usage error.
 */
function poolOptions(flags: Pick<RenderFlags, 'concurrency' | 'chartTimeout'>): PoolOptions {
  const count = (flag: string, value: string | undefined, max: number) => {
    if (value === undefined) return undefined;
    // Decimal digits only: `0x10` and `1e3` are not what a user means by a count.
    const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isInteger(n) && n >= 1 && n <= max) return n;
    throw new ChartpressError(
      problem('CP_ERR_USAGE', `${flag} expects a whole number from 1 to ${max}, got "${value}"`),
    );
  };
  const threads = count('--concurrency', flags.concurrency, maxThreads());
  const timeoutMs = count('--chart-timeout', flags.chartTimeout, MAX_TIMEOUT_MS);
  return { ...(threads ? { threads } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
}

/** `chartpress render`: report -> document, failures printed per chart, stats on request. */
export async function renderCommand(reportFile: string, flags: RenderFlags, io: Io): Promise<number> {
  let engine: Engine;
  try {
    engine = createEngine({ cache: cacheOptions(flags), pool: poolOptions(flags) });
  } catch (e) {
    return reportError(io, e);
  }
  // The monitor (and its histograms' module) loads only when its figures are asked for.
  const monitor =
    flags.stats || flags.timings
      ? new (await import('../telemetry/monitor.js')).PerformanceMonitor({
          cacheStats: () => engine.cacheStats(),
        }).attach()
      : undefined;
  const progress = progressBar(io, !flags.quiet);
  try {
    const format = flags.format ?? FORMATS[extname(flags.output).toLowerCase()];
    if (!format) {
      throw new ChartpressError(
        problem('CP_ERR_USAGE', `cannot tell the format of "${flags.output}"`, {
          hint: 'use .pdf, .html or .typ, or --format',
        }),
      );
    }
    if (flags.each !== undefined) {
      if (format === 'typ')
        throw new ChartpressError(problem('CP_ERR_USAGE', '--each writes PDF or HTML documents, not .typ'));
      progress.end();
      const { burstCommand } = await import('./burst.js');
      return await burstCommand(engine, reportFile, { ...flags, each: flags.each }, format, io);
    }
    if (flags.resume) throw new ChartpressError(problem('CP_ERR_USAGE', '--resume goes with --each'));
    // The report file is known now: refuse before spending the render.
    await refuseClobber([flags.output], [reportFile]);
    const result = await engine.render(reportFile, {
      format,
      params: parseParams(flags.param),
      ...(flags.interactive ? { interactive: true } : {}),
      onProgress: (e) => {
        if (e.kind === 'done') progress.update(e.done, e.total);
      },
    });
    progress.end();
    // Only `.typ` output has files beside it. They are written first, so the source never
    // names a chart file that is not there.
    const files = [...result.files].map(
      ([path, bytes]) => [join(dirname(flags.output), path), bytes] as const,
    );
    await refuseClobber([flags.output, ...files.map(([path]) => path)], result.inputs);
    for (const [path, bytes] of files) await writeOutput(path, bytes);
    await writeOutput(flags.output, result.output);
    printProblems(io, result.problems);
    for (const w of result.warnings) io.stderr(formatWarning(w));
    const { charts, ms } = result.stats;
    if (!flags.quiet) {
      const size =
        typeof result.output === 'string' ? Buffer.byteLength(result.output) : result.output.byteLength;
      io.stdout(
        `${basename(reportFile)} -> ${relative(process.cwd(), flags.output) || flags.output} (${humanBytes(size)}): ` +
          `${charts.total} charts, ${charts.rendered} rendered, ${charts.cached} cached, ${charts.failed} failed, ` +
          `${charts.skipped} skipped in ${Math.round(ms.total)} ms` +
          (result.stats.document === 'cached' ? ' (inputs unchanged: the stored document)' : ''),
      );
    }
    if (flags.timings && monitor)
      io.stdout((await import('../telemetry/timings.js')).formatTimings(monitor.snapshot()));
    if (flags.stats === 'json') io.stdout(JSON.stringify({ ...result.stats, metrics: monitor?.snapshot() }));
    return result.problems.length > 0 ? ExitCode.failed : ExitCode.ok;
  } catch (e) {
    progress.end();
    return reportError(io, e);
  } finally {
    monitor?.detach();
    await engine.close();
  }
}
