import type { Job, Worker } from 'bullmq';
import type { Engine } from '../engine.js';
import { isChartpressError } from '../errors.js';
import { fileOf, type ManifestEntry, writeDocument } from './documents.js';
import {
  bullmq,
  checkPrefix,
  connection,
  DEFAULT_LOCK_MS,
  type JobDocument,
  QUEUE_NAME,
  QUEUE_PREFIX,
  type RenderJob,
  type RenderJobResult,
} from './queue.js';

export interface RenderWorkerOptions {
  readonly redis: string;
  /** The queue's key prefix. Defaults to `chartpress`. */
  readonly prefix?: string;
  /** Jobs (slices) at once. Defaults to 1: a slice already renders its documents two at a time. */
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal: a worker that dies loses its jobs after this. */
  readonly lockMs?: number;
  /** Told of each job as it ends. */
  readonly onJob?: (job: {
    id: string;
    batch: string;
    documents: number;
    failed: boolean;
    error?: string;
  }) => void;
}

/**
 * A queue worker: takes slices of bursts from the Redis queue and renders them with `engine`,
 * writing each document atomically where the job says. A job whose input is wrong (a
 * `CP_ERR_*` problem: no report, a bad param) fails at once; any other failure is retried with
 * backoff, on this worker or another. A job whose worker dies is taken over once its lock runs
 * out, and its documents are written again (each write replaces the file whole).
 */
export function startRenderWorker(
  engine: Engine,
  options: RenderWorkerOptions,
): Worker<RenderJob, RenderJobResult> {
  const { Worker, UnrecoverableError } = bullmq();
  const lockDuration = options.lockMs ?? DEFAULT_LOCK_MS;
  const worker = new Worker<RenderJob, RenderJobResult>(
    QUEUE_NAME,
    async (job: Job<RenderJob, RenderJobResult>) => {
      const { data } = job;
      const documents: JobDocument[] = [];
      try {
        await engine.renderEach(data.report, {
          each: { param: data.param, values: data.values },
          format: data.format,
          params: data.params,
          onDocument: async (doc) => {
            const entry: ManifestEntry = await writeDocument(doc, fileOf(data.output, data.param, doc.value));
            if (entry.status !== 'skipped') documents.push({ ...entry, status: entry.status });
            await job.updateProgress(documents.length);
          },
        });
      } catch (e) {
        if (isChartpressError(e))
          throw new UnrecoverableError(e.problems.map((p) => `${p.code} ${p.message}`).join('\n'));
        throw e;
      }
      return { documents };
    },
    {
      connection: connection(options.redis, true),
      prefix: checkPrefix(options.prefix ?? QUEUE_PREFIX),
      concurrency: options.concurrency ?? 1,
      lockDuration,
      stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
      maxStalledCount: 2,
    },
  );
  worker.on('completed', (job) =>
    options.onJob?.({
      id: job.id ?? '',
      batch: job.data.batch,
      documents: job.returnvalue?.documents.length ?? 0,
      failed: false,
    }),
  );
  worker.on('failed', (job, error) =>
    options.onJob?.({
      id: job?.id ?? '',
      batch: job?.data.batch ?? '',
      documents: 0,
      failed: true,
      error: error.message,
    }),
  );
  // Connection trouble surfaces through the jobs; the event would only repeat it.
  worker.on('error', () => {});
  return worker;
}
