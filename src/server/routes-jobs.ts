import { isAbsolute, join, resolve } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { removeOrphanTemps } from '../cli/write.js';
import { ChartpressError } from '../errors.js';
import {
  type JobDocument,
  QUEUE_PREFIX,
  type RenderJob,
  type RenderJobResult,
  resultKey,
} from '../jobs/queue.js';
import { problemsFromIssues } from '../spec/issues.js';
import type { ServerContext } from './app.js';
import { httpError } from './errors.js';
import { findReport } from './routes-report.js';

/** Most jobs a batch may have: `GET /v1/jobs/:batch` looks them up one by one. */
const MAX_JOBS = 10_000;

const JobsRequest = z.strictObject({
  /** A report file under `<root>/reports/`, by name. */
  report: z.string().min(1),
  each: z.union([
    z.string().min(1),
    z.strictObject({ param: z.string().min(1), from: z.string().min(1), field: z.string().min(1) }),
  ]),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  format: z.enum(['pdf', 'html']).optional(),
  /** Where each document goes, relative to the root, `{<param>}` in its name; not with `keep`. */
  output: z.string().min(1).optional(),
  /** `redis`: the documents are kept in Redis for `GET /v1/jobs/:batch/result/:value`, not written. */
  keep: z.literal('redis').optional(),
  slice: z.int().min(1).max(100_000).optional(),
});

type Queue = import('bullmq').Queue<RenderJob, RenderJobResult>;

/**
 * `POST /v1/jobs`: a burst of a report under the root, split into jobs on the server's Redis
 * queue for `chartpress worker` processes; answers 202 with the batch id at once. The documents
 * are written under the root, where the workers see it too.
 */
export async function postJobs(
  ctx: ServerContext,
  queue: () => Queue,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { config, engine } = ctx;
  const parsed = JobsRequest.safeParse(request.body);
  if (!parsed.success) throw new ChartpressError(problemsFromIssues(parsed.error.issues, request.body));
  const asked = parsed.data;
  const file = await findReport(join(config.root, 'reports'), asked.report);
  if (!file) throw httpError('CP_ERR_NOT_FOUND', `no report "${asked.report}"`, { path: 'report' });
  const each = typeof asked.each === 'string' ? { param: asked.each } : asked.each;
  const format = asked.format ?? 'pdf';
  if (asked.keep === 'redis' && asked.output !== undefined)
    throw httpError('CP_ERR_INVALID_VALUE', 'a batch kept in Redis writes no files: leave out output', {
      path: 'output',
    });
  const named = asked.output ?? `{${each.param}}.${format}`;
  if (isAbsolute(named) || !named.includes(`{${each.param}}`))
    throw httpError(
      'CP_ERR_INVALID_VALUE',
      `output must be a path under the root with {${each.param}} in its name`,
      {
        path: 'output',
      },
    );
  const output = resolve(config.root, named);
  await ctx.roots.check(output, { path: 'output' });
  const params = Object.fromEntries(Object.entries(asked.params ?? {}).map(([k, v]) => [k, String(v)]));
  const values = await engine.eachValues(file, each, { params });
  const { submitBatch } = await import('../jobs/producer.js');
  const { batch, jobs } = await submitBatch(queue(), {
    report: file,
    param: each.param,
    values,
    params,
    format,
    output,
    ...(asked.slice !== undefined ? { slice: asked.slice } : {}),
    ...(asked.keep === 'redis'
      ? { keep: { ttlS: config.limits.resultTtlS, maxBytes: config.limits.resultMaxBytes } }
      : {}),
  });
  reply.code(202);
  return { batch, jobs: jobs.length, documents: values.length };
}

/** `GET /v1/jobs/:batch`: how far a batch is, and, once it is done, its documents (the manifest). */
export async function getJob(ctx: ServerContext, queue: () => Queue, request: FastifyRequest) {
  const { batch } = request.params as { batch: string };
  if (!/^[0-9a-f-]{36}$/.test(batch))
    throw httpError('CP_ERR_NOT_FOUND', `no batch "${batch}"`, { path: 'batch' });
  const q = queue();
  const counts = { waiting: 0, active: 0, completed: 0, failed: 0 };
  const documents: JobDocument[] = [];
  let i = 0;
  for (; i < MAX_JOBS; i++) {
    const job = await q.getJob(`${batch}.${i}`);
    if (!job) break;
    const state = await job.getState();
    if (state === 'completed') {
      counts.completed++;
      documents.push(...(job.returnvalue?.documents ?? []));
    } else if (state === 'failed') counts.failed++;
    else if (state === 'active') counts.active++;
    else counts.waiting++;
  }
  if (i === 0) throw httpError('CP_ERR_NOT_FOUND', `no batch "${batch}"`, { path: 'batch' });
  const done = counts.completed + counts.failed === i;
  // Every job is over: a temporary file beside a document is a killed worker's, never finished.
  if (done) await removeOrphanTemps(documents.map((d) => d.file));
  const root = ctx.config.root;
  const shown = documents.map((d) => ({
    ...d,
    file: d.file.startsWith(`${root}/`) ? d.file.slice(root.length + 1) : d.file,
  }));
  return { batch, jobs: i, done, ...counts, ...(done ? { documents: shown } : {}) };
}

/** `GET /v1/jobs/:batch/result/:value`: a document of a batch kept in Redis, while it lives. */
export async function getResult(
  ctx: ServerContext,
  redis: () => import('ioredis').Redis,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { batch, value } = request.params as { batch: string; value: string };
  if (!/^[0-9a-f-]{36}$/.test(batch))
    throw httpError('CP_ERR_NOT_FOUND', `no batch "${batch}"`, { path: 'batch' });
  const key = (v: unknown) => resultKey(ctx.config.queuePrefix ?? QUEUE_PREFIX, batch, v as string);
  // The value as text, or as the number it reads as (a numeric column's values).
  const tries: unknown[] = [value, ...(/^-?\d+(\.\d+)?$/.test(value) ? [Number(value)] : [])];
  for (const v of tries) {
    const bytes = await redis().getBuffer(key(v));
    if (bytes) {
      const pdf = bytes.subarray(0, 5).toString('latin1') === '%PDF-';
      reply.type(pdf ? 'application/pdf' : 'text/html; charset=utf-8');
      return reply.send(bytes);
    }
  }
  throw httpError(
    'CP_ERR_NOT_FOUND',
    `no document for ${JSON.stringify(value)} in batch ${batch} (kept for a limited time)`,
    {
      path: 'value',
    },
  );
}
