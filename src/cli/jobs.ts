import { queueUnavailable, renderQueue } from '../jobs/queue.js';
import { ExitCode, type Io, reportError } from './output.js';

/**
 * `chartpress jobs --redis URL [--retry]`: the queue's counts and its failed jobs, each with its
 * batch, values and error; `--retry` puts the failed ones back in the queue.
 */
export async function jobsCommand(
  flags: { redis: string; retry?: boolean; queuePrefix?: string },
  io: Io,
): Promise<number> {
  let queue: ReturnType<typeof renderQueue> | undefined;
  try {
    queue = renderQueue(flags.redis, flags.queuePrefix);
    const counts = await queue
      .getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')
      .catch((e: unknown) => {
        throw queueUnavailable(flags.redis, e);
      });
    io.stdout(
      `waiting ${counts.waiting ?? 0}, active ${counts.active ?? 0}, delayed ${counts.delayed ?? 0}, ` +
        `completed ${counts.completed ?? 0}, failed ${counts.failed ?? 0}`,
    );
    const failed = await queue.getFailed();
    for (const job of failed) {
      const values = job.data.values.map((v) => JSON.stringify(v)).join(', ');
      io.stdout(
        `failed ${job.id} (batch ${job.data.batch}; ${job.data.param}: ${values}): ${(job.failedReason ?? '').split('\n')[0]}`,
      );
      if (flags.retry) await job.retry('failed');
    }
    if (flags.retry && failed.length > 0) io.stdout(`${failed.length} failed jobs queued again`);
    return ExitCode.ok;
  } catch (e) {
    return reportError(io, e);
  } finally {
    await queue?.close();
  }
}
