import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Value } from '../frame.js';
import { fileOf } from './documents.js';
import {
  DEFAULT_SLICE,
  JOB_ATTEMPTS,
  JOB_BACKOFF_MS,
  type JobDocument,
  KEEP_COMPLETED_S,
  KEEP_FAILED_S,
  type RenderJob,
  type RenderJobResult,
} from './queue.js';

/** A burst for the queue: what each of its jobs renders, and how many values a job takes. */
export interface BatchSpec extends Omit<RenderJob, 'batch'> {
  /** Values per job. Defaults to 10. */
  readonly slice?: number;
}

/** Splits a burst into jobs of `slice` values and queues them; resolves to the batch id and job ids. */
export async function submitBatch(
  queue: Queue<RenderJob, RenderJobResult>,
  spec: BatchSpec,
): Promise<{ batch: string; jobs: string[] }> {
  const batch = randomUUID();
  const { slice = DEFAULT_SLICE, ...job } = spec;
  const jobs: { name: string; data: RenderJob; opts: { jobId: string } & Record<string, unknown> }[] = [];
  for (let i = 0; i < spec.values.length; i += slice) {
    const values = spec.values.slice(i, i + slice);
    jobs.push({
      name: 'burst',
      data: { ...job, batch, values },
      opts: {
        jobId: `${batch}.${i / slice}`,
        attempts: JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: JOB_BACKOFF_MS },
        removeOnComplete: { age: KEEP_COMPLETED_S },
        removeOnFail: { age: KEEP_FAILED_S },
      },
    });
  }
  await queue.addBulk(jobs);
  return { batch, jobs: jobs.map((j) => j.opts.jobId) };
}

/** A job that failed for good: its values have no document. */
export interface FailedSlice {
  readonly id: string;
  readonly values: readonly Value[];
  readonly error: string;
}

/**
 * Waits until every job of a batch has completed or failed for good (retries included), telling
 * `onProgress` how many documents are done. Each value ends up once in `documents`: a job retried
 * after its worker died reports its slice once, from the run that completed.
 */
export async function waitForBatch(
  queue: Queue<RenderJob, RenderJobResult>,
  ids: readonly string[],
  spec: Pick<BatchSpec, 'output' | 'param'>,
  onProgress?: (done: number) => void,
): Promise<{ documents: JobDocument[]; failed: FailedSlice[] }> {
  const pending = new Set(ids);
  const documents: JobDocument[] = [];
  const failed: FailedSlice[] = [];
  while (pending.size > 0) {
    let running = 0;
    for (const id of [...pending]) {
      // The state first, then the job: a job read before it completed would have no result yet.
      const state = await queue.getJobState(id);
      const job = await queue.getJob(id);
      if (!job) {
        // Removed before it was seen to finish: its documents are unknown.
        failed.push({ id, values: [], error: 'the job is no longer in the queue' });
        pending.delete(id);
        continue;
      }
      if (state === 'completed') {
        const reported = job.returnvalue?.documents ?? [];
        documents.push(...reported);
        // A value the worker did not report on has no document that anyone checked.
        const seen = new Set(reported.map((d) => JSON.stringify(d.value)));
        for (const value of job.data.values)
          if (!seen.has(JSON.stringify(value)))
            documents.push({
              value,
              file: fileOf(spec.output, spec.param, value),
              bytes: 0,
              status: 'failed',
              error: {
                code: 'CP_ERR_INTERNAL',
                message: `job ${id} completed without a report on this value`,
              },
              ms: 0,
            });
        pending.delete(id);
      } else if (state === 'failed') {
        const reason = job.failedReason ?? 'failed';
        failed.push({ id, values: job.data.values, error: reason });
        // A job's own problem reads `CP_ERR_X message`; anything else is the worker's.
        const m = /^(CP_ERR_[A-Z_]+) (.*)$/m.exec(reason);
        const error =
          m?.[1] && m[2] ? { code: m[1], message: m[2] } : { code: 'CP_ERR_INTERNAL', message: reason };
        for (const value of job.data.values)
          documents.push({
            value,
            file: fileOf(spec.output, spec.param, value),
            bytes: 0,
            status: 'failed',
            error,
            ms: 0,
          });
        pending.delete(id);
      } else if (typeof job.progress === 'number') running += job.progress;
    }
    onProgress?.(documents.length + running);
    if (pending.size > 0) await sleep(250);
  }
  return { documents, failed };
}
