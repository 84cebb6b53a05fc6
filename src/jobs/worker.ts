import { createRequire } from 'node:module';
import type { Job, Worker } from 'bullmq';
import { FileRoots } from '../data/sources/roots.js';
import type { Engine } from '../engine.js';
import { isChartpressError, type Problem, problem } from '../errors.js';
import type { BurstResult } from '../pipeline/render-each.js';
import { failedEntry, fileOf, type ManifestEntry, writeDocument } from './documents.js';
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
  resultKey,
} from './queue.js';

/**
 * Keeps a document in Redis for `GET /v1/jobs/:batch/result/:value`, for `ttlS` seconds; one
 * larger than `maxBytes` is not kept, and its entry says so.
 */
async function keepDocument(
  redis: import('ioredis').Redis,
  prefix: string,
  batch: string,
  keep: { ttlS: number; maxBytes: number },
  doc: BurstResult,
  file: string,
): Promise<ManifestEntry> {
  const base = { value: doc.value, file, ms: Math.round(doc.ms) };
  if (doc.status !== 'ok' || !doc.result) return failedEntry(base, doc.error?.[0]);
  const { output } = doc.result;
  const bytes =
    typeof output === 'string'
      ? Buffer.from(output)
      : Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  if (bytes.length > keep.maxBytes)
    return failedEntry(
      base,
      problem(
        'CP_ERR_OUTPUT_WRITE',
        `the document is ${bytes.length} bytes, over the ${keep.maxBytes} kept in Redis`,
      ),
    );
  await redis.set(resultKey(prefix, batch, doc.value), bytes, 'EX', keep.ttlS);
  const chartsFailed = doc.result.stats.charts.failed;
  return { ...base, bytes: bytes.length, status: 'ok', ...(chartsFailed > 0 ? { chartsFailed } : {}) };
}

export interface RenderWorkerOptions {
  readonly redis: string;
  /** The queue's key prefix. Defaults to `chartpress`. */
  readonly prefix?: string;
  /**
   * The folder a job's documents must be written under (and, through the engine's
   * `files.roots`, its report and data read from): a job naming a file elsewhere writes nothing.
   */
  readonly root?: string;
  /** Jobs (slices) at once. Defaults to 1: a slice already renders its documents four at a time. */
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
  const prefix = checkPrefix(options.prefix ?? QUEUE_PREFIX);
  const roots = options.root === undefined ? undefined : new FileRoots([options.root]);
  /** The problem with writing `file`, when it is not under the root. */
  const outside = async (file: string): Promise<Problem | undefined> => {
    try {
      await roots?.check(file, { path: 'output' });
      return undefined;
    } catch (e) {
      if (isChartpressError(e)) return e.problems[0];
      throw e;
    }
  };
  // Documents kept in Redis go through a client of their own, made on first use.
  let client: import('ioredis').Redis | undefined;
  const results = () => {
    client ??= new (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis(
      options.redis,
      {
        maxRetriesPerRequest: 3,
      },
    );
    return client;
  };
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
            const file = fileOf(data.output, data.param, doc.value);
            const denied = data.keep ? undefined : await outside(file);
            const entry: ManifestEntry = denied
              ? failedEntry({ value: doc.value, file, ms: Math.round(doc.ms) }, denied)
              : data.keep
                ? await keepDocument(results(), prefix, data.batch, data.keep, doc, file)
                : await writeDocument(doc, file);
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
      prefix,
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
  worker.on('closed', () => {
    client?.disconnect();
  });
  return worker;
}
