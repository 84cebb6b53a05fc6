import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { svgToPng } from '../chart/png.js';
import { chartReport } from '../chart-file.js';
import { svgWithFont } from '../document/fonts-svg.js';
import { ChartpressError, problem } from '../errors.js';
import { problemsFromIssues } from '../spec/issues.js';
import { type Dataset, ThemeName } from '../spec/schema.js';
import type { ServerContext } from './app.js';
import { httpError } from './errors.js';
import { checkPaths, checkRows, guardDataset } from './request.js';

/** What `POST /v1/chart` takes (and `GET /v1/chart` from its query string). */
const ChartRequest = z.strictObject({
  /** A chart definition, as under `charts:`, with its data as `rows` or a `dataset`. */
  chart: z.record(z.string(), z.unknown()),
  rows: z.array(z.record(z.string(), z.unknown())).optional(),
  width: z.int().min(10).max(10_000).optional(),
  height: z.int().min(10).max(10_000).optional(),
  format: z.enum(['svg', 'png']).optional(),
  scale: z.number().gt(0).max(8).optional(),
  theme: z.enum(Object.values(ThemeName) as [string, ...string[]]).optional(),
});

/** A chart response as sent: kept for charts whose data is in the request (see `ChartAnswers`). */
interface Answer {
  readonly etag: string;
  readonly type: string;
  readonly cacheControl: string;
  readonly body: Buffer;
}

/**
 * Answers already sent for charts whose data was in the request, by a digest of the request: the
 * same request is the same picture, so a repeat (an `<img src>` loaded by every reader of an
 * e-mail) is answered without a lookup, a font subset or a PNG encode. Bounded in bytes
 * (`limits.answerCacheBytes`), least recently used first out.
 */
export class ChartAnswers {
  readonly #lru: LRUCache<string, Answer>;
  constructor(maxBytes: number) {
    this.#lru = new LRUCache<string, Answer>({
      maxSize: Math.max(1, maxBytes),
      sizeCalculation: (a) => a.body.length + 256,
    });
  }
  get(key: string): Answer | undefined {
    return this.#lru.get(key);
  }
  set(key: string, answer: Answer): void {
    if (answer.body.length + 256 <= this.#lru.maxSize) this.#lru.set(key, answer);
  }
}

const number = (v: unknown) => (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v);

/**
 * `GET /v1/chart?c=<JSON chart>&w=&h=&f=svg|png&scale=&theme=`: the chart (with its `rows` or
 * `dataset`) URL-encoded, for `<img src>` in e-mails and Markdown.
 */
export function parseChartQuery(query: Record<string, unknown>): unknown {
  const { c, w, h, f, scale, theme, ...rest } = query;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    throw httpError('CP_ERR_UNKNOWN_FIELD', `unknown query parameter "${unknown}"`, {
      path: unknown,
      hint: 'the chart goes in c (URL-encoded JSON), then w, h, f, scale and theme',
    });
  if (typeof c !== 'string' || c === '')
    throw httpError('CP_ERR_MISSING_FIELD', 'the chart is missing: c=<URL-encoded JSON>', { path: 'c' });
  let chart: unknown;
  try {
    chart = JSON.parse(c);
  } catch (e) {
    throw httpError('CP_ERR_PARSE', `c is not valid JSON: ${(e as Error).message}`, { path: 'c' });
  }
  const { rows, ...definition } = (typeof chart === 'object' && chart !== null ? chart : {}) as Record<
    string,
    unknown
  >;
  return {
    chart: typeof chart === 'object' && chart !== null && !Array.isArray(chart) ? definition : chart,
    ...(rows !== undefined ? { rows } : {}),
    ...(w !== undefined ? { width: number(w) } : {}),
    ...(h !== undefined ? { height: number(h) } : {}),
    ...(f !== undefined ? { format: f } : {}),
    ...(scale !== undefined ? { scale: number(scale) } : {}),
    ...(theme !== undefined ? { theme } : {}),
  };
}

/**
 * One chart as SVG (its font embedded) or PNG. The response's `ETag` is its content key (with
 * format and scale), and a client that sends it back in `If-None-Match` gets a 304. A chart
 * whose data is in the request never changes under its URL: it is `immutable`; one that reads a
 * file is revalidated.
 */
export async function chartRoute(
  ctx: ServerContext,
  body: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { config, engine, gate } = ctx;
  const parsed = ChartRequest.safeParse(body);
  if (!parsed.success) throw new ChartpressError(problemsFromIssues(parsed.error.issues, body));
  const asked = parsed.data;
  const { rows: rowsInChart, dataset: datasetInput, ...definition } = asked.chart;
  const rows = asked.rows ?? (Array.isArray(rowsInChart) ? rowsInChart : undefined);
  const inline =
    rows !== undefined || (datasetInput as { source?: unknown } | undefined)?.source === 'inline';
  const memo = inline ? createHash('sha256').update(JSON.stringify(asked)).digest('base64') : undefined;
  const known = memo === undefined ? undefined : ctx.answers.get(memo);
  if (known) return sendAnswer(request, reply, known);

  let dataset: Dataset | undefined;
  if (rows !== undefined) {
    checkRows(rows.length, config.limits, 'rows');
    dataset = { source: 'inline', rows: rows as Extract<Dataset, { source: 'inline' }>['rows'] };
  }
  const options = {
    ...((definition.options as Record<string, unknown> | undefined) ?? {}),
    ...(asked.width !== undefined ? { width: asked.width } : {}),
    ...(asked.height !== undefined ? { height: asked.height } : {}),
    ...(asked.theme !== undefined ? { theme: asked.theme } : {}),
  };
  const input = {
    ...definition,
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(datasetInput !== undefined
      ? { dataset: guardDataset(datasetInput, 'chart.dataset', config.connections) }
      : {}),
  };
  const report = chartReport(input, { id: 'chart', dataset });
  await checkPaths(report, config.root, ctx.roots);
  const rendered = await gate.run(
    async () => {
      const charts = await engine.charts(report, { baseDir: config.root });
      const get = charts.get('chart');
      if (!get) throw new ChartpressError(problem('CP_ERR_INVALID_VALUE', 'the chart was not placed'));
      return get();
    },
    config.limits.deadlineMs,
    performance.now() - reply.elapsedTime,
  );
  if (rendered.status === 'failed')
    throw new ChartpressError(rendered.error ?? problem('CP_ERR_CHART_RENDER', 'the chart failed'));

  const format = asked.format ?? 'svg';
  const scale = asked.scale ?? 1;
  const etag = `"${rendered.key}.${format === 'png' ? `png@${scale}` : 'svg'}"`;
  const cacheControl = inline ? `public, max-age=${config.limits.chartMaxAgeS}, immutable` : 'no-cache';
  // Revalidating a chart read from a file needs only its key: no body is made for a 304.
  if (!inline && matches(request.headers['if-none-match'], etag))
    return reply.header('etag', etag).header('cache-control', cacheControl).code(304).send();
  const answer: Answer =
    format === 'png'
      ? { etag, cacheControl, type: 'image/png', body: Buffer.from(svgToPng(rendered.svg, { scale })) }
      : {
          etag,
          cacheControl,
          type: 'image/svg+xml; charset=utf-8',
          body: Buffer.from(await svgWithFont(rendered.svg)),
        };
  if (memo !== undefined) ctx.answers.set(memo, answer);
  return sendAnswer(request, reply, answer);
}

function sendAnswer(request: FastifyRequest, reply: FastifyReply, answer: Answer) {
  reply.header('etag', answer.etag).header('cache-control', answer.cacheControl);
  if (matches(request.headers['if-none-match'], answer.etag)) return reply.code(304).send();
  return reply.type(answer.type).send(answer.body);
}

/** `If-None-Match`: `*`, or a list of tags one of which is this one (weak or strong). */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim());
  return tags.some((t) => t === '*' || t === etag || t === `W/${etag}`);
}
