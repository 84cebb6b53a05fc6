import { resolve } from 'node:path';
import { createEngine } from '../engine.js';
import { ChartpressError, problem } from '../errors.js';
import { startRenderWorker } from '../jobs/worker.js';
import { ExitCode, type Io, reportError } from './output.js';

export interface WorkerFlags {
  redis: string;
  concurrency?: string;
  root?: string;
  lockMs?: string;
  queuePrefix?: string;
}

function count(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (n >= min && n <= max) return n;
  throw new ChartpressError(problem('CP_ERR_USAGE', `${flag} expects ${min} to ${max}, got "${value}"`));
}

/**
 * `chartpress worker --redis URL`: renders jobs from the queue until SIGTERM or SIGINT, charts
 * shared with every other worker through the Redis cache. The first signal lets the jobs under
 * way finish (a job that cannot is taken over by another worker once its lock runs out); a second
 * one exits at once.
 */
export async function workerCommand(flags: WorkerFlags, io: Io): Promise<number> {
  try {
    const concurrency = count('--concurrency', flags.concurrency, 1, 64);
    const lockMs = count('--lock-ms', flags.lockMs, 1000, 3_600_000);
    const engine = createEngine({
      cache: { memory: true, disk: false, redis: flags.redis },
      ...(flags.root ? { files: { roots: [resolve(flags.root)] } } : {}),
    });
    await engine.warmup();
    const worker = startRenderWorker(engine, {
      redis: flags.redis,
      ...(flags.queuePrefix ? { prefix: flags.queuePrefix } : {}),
      ...(flags.root ? { root: resolve(flags.root) } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(lockMs ? { lockMs } : {}),
      onJob: (j) =>
        io.stderr(
          j.failed
            ? `job ${j.id} failed: ${j.error?.split('\n')[0] ?? ''}`
            : `job ${j.id}: ${j.documents} documents`,
        ),
    });
    await worker.waitUntilReady();
    io.stderr(`chartpress worker: taking jobs from ${new URL(flags.redis).host}`);
    return await new Promise<number>((done) => {
      let stopping = false;
      const stop = () => {
        if (stopping) process.exit(ExitCode.failed);
        stopping = true;
        io.stderr('chartpress worker: finishing the jobs under way (a second signal exits at once)');
        worker
          .close()
          .then(() => engine.close())
          .then(
            () => done(ExitCode.ok),
            (e: unknown) => done(reportError(io, e)),
          );
      };
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.removeAllListeners(signal);
        process.on(signal, stop);
      }
    });
  } catch (e) {
    return reportError(io, e);
  }
}
