import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ConnectionOptions, Queue } from 'bullmq';
import { ChartpressError, problem } from '../errors.js';
import type { Value } from '../frame.js';
import type { ManifestEntry } from './documents.js';

/** The BullMQ queue of render jobs, under the key prefix `chartpress` (or `--queue-prefix`). */
export const QUEUE_NAME = 'render';
export const QUEUE_PREFIX = 'chartpress';

/** Tries of a job before it is failed for good, the first retry after 1 s, then 2 s, 4 s... */
export const JOB_ATTEMPTS = 3;
export const JOB_BACKOFF_MS = 1000;
/** Values per job: a job is one slice of a burst, its datasets read once for the slice. */
export const DEFAULT_SLICE = 10;
/** How long a worker holds a job without renewing its lock before another may take it over. */
export const DEFAULT_LOCK_MS = 30_000;
/** Finished jobs are kept this long (for `chartpress jobs` and the waiting producer). */
export const KEEP_COMPLETED_S = 24 * 3600;
export const KEEP_FAILED_S = 7 * 24 * 3600;

/** One slice of a burst: render the report for these values of the param. */
export interface RenderJob {
  readonly batch: string;
  /** The report file, as every worker reaches it (a shared file system). */
  readonly report: string;
  readonly param: string;
  readonly values: readonly Value[];
  /** The other params, the same for every document. */
  readonly params: Readonly<Record<string, string>>;
  readonly format: 'pdf' | 'html';
  /** Where each document goes: `{<param>}` stands for its value (made a safe file name). */
  readonly output: string;
  /** Keep each document in Redis instead of writing a file (see `resultKey`). */
  readonly keep?: { readonly ttlS: number; readonly maxBytes: number } | undefined;
}

/** The Redis key of a document kept for `GET /v1/jobs/:batch/result`. */
export function resultKey(prefix: string, batch: string, value: Value): string {
  const id = createHash('sha256').update(JSON.stringify(value)).digest('hex');
  return `${prefix}:result:${batch}:${id}`;
}

/** A document of a slice, as the worker that rendered it reports it: its manifest entry. */
export type JobDocument = ManifestEntry & { readonly status: 'ok' | 'failed' };

export interface RenderJobResult {
  readonly documents: readonly JobDocument[];
}

/** bullmq, loaded on first use: only the commands that use the queue pay for it. */
export function bullmq(): typeof import('bullmq') {
  return createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
}

/**
 * The connection for a Redis URL. A worker waits on Redis for as long as it runs, so its commands
 * are never given up; a producer or `jobs` gives up after a few tries, and says so.
 */
export function connection(url: string, worker = false): ConnectionOptions {
  if (worker) return { url, maxRetriesPerRequest: null } as ConnectionOptions;
  return {
    url,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: (attempt: number) => (attempt > 2 ? null : 300 * attempt),
  } as ConnectionOptions;
}

/** A failure to reach the queue's Redis, as a coded problem. */
export function queueUnavailable(url: string, e: unknown): ChartpressError {
  const host = URL.canParse(url) ? new URL(url).host : 'the given URL';
  const why = e instanceof Error ? e.message : String(e);
  return new ChartpressError(
    problem('CP_ERR_QUEUE_UNAVAILABLE', `cannot reach the job queue at ${host}: ${why}`),
  );
}

/** A queue prefix: letters, digits, `-` and `_`, so that it cannot reach into other keys. */
export function checkPrefix(prefix: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(prefix)) return prefix;
  throw new ChartpressError(
    problem('CP_ERR_USAGE', `--queue-prefix expects 1 to 64 letters, digits, - or _, got "${prefix}"`),
  );
}

export function renderQueue(url: string, prefix = QUEUE_PREFIX): Queue<RenderJob, RenderJobResult> {
  const { Queue } = bullmq();
  return new Queue<RenderJob, RenderJobResult>(QUEUE_NAME, {
    connection: connection(url),
    prefix: checkPrefix(prefix),
  });
}
