import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RenderResult } from '../engine.js';
import { OutputFormat } from '../pipeline/format.js';
import { parseReportText } from '../spec/parse.js';
import type { ReportInput } from '../spec/schema.js';
import type { ServerContext } from './app.js';
import { httpError } from './errors.js';
import { checkPaths, guardReport } from './request.js';

type Json = Record<string, unknown>;
type Params = Record<string, string | number | boolean>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A report name in `POST /v1/reports/:name`: a file name under `<root>/reports/`, no path. */
const REPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const DOCUMENT_TYPES: Record<'pdf' | 'html', string> = {
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
};

/** What a render or data request asks for, from its body and query string. */
interface ReportRequest {
  readonly report: unknown;
  readonly params: Params;
  readonly format: 'pdf' | 'html';
}

function formatOf(value: unknown): 'pdf' | 'html' {
  if (value === undefined) return 'pdf';
  if (value === OutputFormat.pdf || value === OutputFormat.html) return value;
  throw httpError('CP_ERR_INVALID_ENUM', `format must be "pdf" or "html", got ${JSON.stringify(value)}`, {
    path: 'format',
  });
}

function paramsOf(value: unknown, path: string): Params {
  if (value === undefined) return {};
  if (!isObject(value))
    throw httpError('CP_ERR_INVALID_VALUE', 'params must be an object of names to values', { path });
  const out: Params = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw httpError('CP_ERR_PARAM_TYPE', `param "${name}" must be a string, number or boolean`, {
        path: `${path}.${name}`,
      });
    out[name] = v;
  }
  return out;
}

/**
 * The body is the report (a JSON object, or YAML text), with `format` and params in the query
 * string (`?format=html&region=EU`); or a JSON envelope `{ report, params, format }`, whose
 * report may itself be YAML text.
 */
function readReportRequest(request: FastifyRequest): ReportRequest {
  const { format: queryFormat, ...queryParams } = (request.query ?? {}) as Json;
  const body = request.body;
  if (isObject(body) && 'report' in body) {
    const report = typeof body.report === 'string' ? parseReportText(body.report, 'request') : body.report;
    return {
      report,
      params: { ...paramsOf(queryParams, 'query'), ...paramsOf(body.params, 'params') },
      format: formatOf(body.format ?? queryFormat),
    };
  }
  if (body === undefined || body === null || body === '')
    throw httpError('CP_ERR_MISSING_FIELD', 'the request has no report', { path: 'body' });
  const report = typeof body === 'string' ? parseReportText(body, 'request') : body;
  return { report, params: paramsOf(queryParams, 'query'), format: formatOf(queryFormat) };
}

/** The document as a response: its type, a file name, and the charts that failed in it. */
function sendDocument(reply: FastifyReply, result: RenderResult, name: string, format: 'pdf' | 'html') {
  const failed = result.charts.filter((c) => c.status === 'failed').map((c) => encodeURIComponent(c.id));
  if (failed.length > 0) reply.header('x-chartpress-failed', failed.join(','));
  const { charts } = result.stats;
  reply.header(
    'x-chartpress-charts',
    `rendered=${charts.rendered}, cached=${charts.cached}, failed=${charts.failed}, skipped=${charts.skipped}`,
  );
  reply.header(
    'content-disposition',
    `${format === 'pdf' ? 'attachment' : 'inline'}; filename="${name}.${format}"`,
  );
  reply.type(DOCUMENT_TYPES[format]);
  return reply.send(typeof result.output === 'string' ? result.output : Buffer.from(result.output));
}

const started = (reply: FastifyReply) => performance.now() - reply.elapsedTime;

/** `POST /v1/render`: a report in the request, rendered to PDF or HTML. */
export async function renderRoute(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply) {
  const { config, engine, gate } = ctx;
  const asked = readReportRequest(request);
  const report = guardReport(asked.report, config.limits, config.connections) as ReportInput;
  await checkPaths(report, config.root, ctx.roots);
  const result = await gate.run(
    () => engine.render(report, { format: asked.format, params: asked.params, baseDir: config.root }),
    config.limits.deadlineMs,
    started(reply),
  );
  return sendDocument(reply, result, 'report', asked.format);
}

/** `POST /v1/reports/:name`: a report file under `<root>/reports/`, params from body or query. */
export async function reportByName(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply) {
  const { config, engine, gate } = ctx;
  const { name } = request.params as { name: string };
  const file = await findReport(join(config.root, 'reports'), name);
  if (!file) throw httpError('CP_ERR_NOT_FOUND', `no report "${name}"`, { path: 'name' });
  const { format: queryFormat, ...queryParams } = (request.query ?? {}) as Json;
  const body = isObject(request.body) ? request.body : {};
  const params = { ...paramsOf(queryParams, 'query'), ...paramsOf(body.params, 'params') };
  const format = formatOf(body.format ?? queryFormat);
  const result = await gate.run(
    () => engine.render(file, { format, params }),
    config.limits.deadlineMs,
    started(reply),
  );
  return sendDocument(reply, result, name.replace(/\.(ya?ml|json)$/, ''), format);
}

/** The report file a name stands for: `name`, `name.yaml`, `name.yml` or `name.json`; none for a path. */
export async function findReport(dir: string, name: string): Promise<string | undefined> {
  if (!REPORT_NAME.test(name)) return undefined;
  const names = /\.(ya?ml|json)$/.test(name) ? [name] : [`${name}.yaml`, `${name}.yml`, `${name}.json`];
  for (const n of names) {
    const file = join(dir, n);
    if ((await stat(file).catch(() => undefined))?.isFile()) return file;
  }
  return undefined;
}

/** `POST /v1/data`: each chart's and table's aggregated rows, as JSON. */
export async function dataRoute(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply) {
  const { config, engine, gate } = ctx;
  const asked = readReportRequest(request);
  const report = guardReport(asked.report, config.limits, config.connections) as ReportInput;
  await checkPaths(report, config.root, ctx.roots);
  const warnings: unknown[] = [];
  const data = await gate.run(
    () =>
      engine.data(report, { params: asked.params, baseDir: config.root, onWarning: (w) => warnings.push(w) }),
    config.limits.deadlineMs,
    started(reply),
  );
  return reply.send({ data, warnings });
}
