import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Histogram } from 'prom-client';
import { FileRoots } from '../data/sources/roots.js';
import { createEngine, type Engine, type EngineOptions } from '../engine.js';
import { isChartpressError } from '../errors.js';
import { type RenderJob, type RenderJobResult, renderQueue } from '../jobs/queue.js';
import { reportJsonSchema } from '../spec/json-schema.js';
import { PrometheusExporter } from '../telemetry/prometheus.js';
import { VERSION } from '../version.js';
import type { ServerConfig } from './config.js';
import { errorBody, httpError } from './errors.js';
import { RenderGate } from './gate.js';
import { ChartAnswers, chartRoute, parseChartQuery } from './routes-chart.js';
import { getJob, getResult, postJobs } from './routes-jobs.js';
import { dataRoute, renderRoute, reportByName } from './routes-report.js';

/** Routes that answer without a token and count against no rate limit. */
const OPEN = new Set(['/healthz', '/readyz']);

export interface ServerOptions {
  readonly config: ServerConfig;
  /** The engine to render with; by default one made from the config, closed with the server. */
  readonly engine?: Engine;
  /** fastify's logger: pino options, or false. Defaults to JSON lines on stdout at `info`. */
  readonly logger?: boolean | { level?: string; stream?: NodeJS.WritableStream };
}

/** What every route needs. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly engine: Engine;
  readonly gate: RenderGate;
  /** The root, resolved: the folder every file a request names must lie under. */
  readonly roots: FileRoots;
  readonly answers: ChartAnswers;
}

export interface ChartpressServer {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  /** Listens on the config's host and port; resolves to the address (`http://127.0.0.1:3000`). */
  listen(): Promise<string>;
  /**
   * Stops taking connections, lets the requests under way finish (within `graceMs`, then they
   * are cut), and closes the engine if the server made it.
   */
  close(graceMs?: number): Promise<void>;
}

/** Makes a `chartpress serve` server: fastify, one engine, routes, limits and metrics. */
export async function createServer(options: ServerOptions): Promise<ChartpressServer> {
  const { config } = options;
  const fastifyModule = createRequire(import.meta.url)('fastify') as typeof import('fastify');
  const fastify = fastifyModule.default;
  const ownEngine = options.engine === undefined;
  const engine = options.engine ?? createEngine(engineOptions(config));
  const gate = new RenderGate(config.limits.concurrency, config.limits.queue);
  const context: ServerContext = {
    config,
    engine,
    gate,
    roots: new FileRoots([config.root]),
    answers: new ChartAnswers(config.limits.answerCacheBytes),
  };

  const settings: FastifyServerOptions = {
    logger: loggerOptions(options.logger),
    bodyLimit: config.limits.bodyBytes,
    // One line per request, from the onResponse hook, instead of fastify's two.
    logController: new fastifyModule.LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  };
  const app: FastifyInstance = fastify(settings);

  const prometheus = new PrometheusExporter({
    cacheStats: () => engine.cacheStats(),
    processMetrics: true,
  }).attach();
  const { Histogram: PromHistogram } = createRequire(import.meta.url)(
    'prom-client',
  ) as typeof import('prom-client');
  const httpDuration: Histogram<'method' | 'route' | 'status'> = new PromHistogram({
    name: 'chartpress_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status, and how long they took',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [prometheus.registry],
  });

  // YAML reports come as text; JSON is fastify's own parser (within the same body limit).
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  app.setErrorHandler((error: unknown, request, reply) => sendError(request, reply, error, config.root));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      httpError('CP_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
      config.root,
    ),
  );

  const tokens = config.tokens.map(digestOf);
  app.addHook('onRequest', async (request) => {
    if (tokens.length === 0 || OPEN.has(routeOf(request))) return;
    if (routeOf(request) === '/metrics' && !config.metricsToken) return;
    const header = request.headers.authorization ?? '';
    const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    // Compared as SHA-256 digests, in constant time, against every token.
    const d = given ? digestOf(given) : undefined;
    let ok = false;
    for (const t of tokens) if (d && timingSafeEqual(d, t)) ok = true;
    if (!ok)
      throw httpError('CP_ERR_UNAUTHORIZED', given ? 'the bearer token is not valid' : 'no bearer token');
  });

  await app.register((createRequire(import.meta.url)('@fastify/rate-limit') as { default: never }).default, {
    global: true,
    max: config.limits.rateLimit,
    timeWindow: config.limits.rateWindowMs,
    allowList: (request: FastifyRequest) => OPEN.has(routeOf(request)),
    // A client is its token when tokens are asked for (a request gets here only with a valid one);
    // otherwise its address: a header anyone can vary is no key.
    keyGenerator: (request: FastifyRequest) => {
      const header = request.headers.authorization;
      return tokens.length > 0 && header
        ? `token:${createHash('sha256').update(header).digest('hex')}`
        : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request: FastifyRequest, context: { after: string; ttl: number }) =>
      httpError(
        'CP_ERR_RATE_LIMITED',
        `over the limit of ${config.limits.rateLimit} requests; retry in ${context.after}`,
        {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        },
      ),
  } as never);

  // Once closing, each answer closes its connection: the server is done when the last is sent,
  // not when a keep-alive connection times out.
  let closing = false;
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const ms = reply.elapsedTime;
    httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, ms / 1000);
    request.log.info(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(ms * 10) / 10 },
      'request',
    );
  });

  app.get('/healthz', async () => ({ ok: true, version: VERSION }));
  app.get('/readyz', async (_request, reply) => {
    const redis = config.redis === undefined ? 'off' : (await pingRedis(config.redis)) ? 'ok' : 'down';
    const ready = warmed && redis !== 'down';
    reply.code(ready ? 200 : 503);
    return { ready, workers: warmed ? 'warm' : 'starting', redis };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', prometheus.contentType);
    return prometheus.metrics();
  });
  app.get('/v1/schema', async () => reportJsonSchema());

  app.post('/v1/render', (request, reply) => renderRoute(context, request, reply));
  app.post('/v1/reports/:name', (request, reply) => reportByName(context, request, reply));
  app.post('/v1/data', (request, reply) => dataRoute(context, request, reply));
  app.post('/v1/chart', (request, reply) => chartRoute(context, request.body, request, reply));
  // The job queue, on the server's Redis, opened on first use.
  let queue: import('bullmq').Queue<RenderJob, RenderJobResult> | undefined;
  const jobQueue = () => {
    if (!config.redis)
      throw httpError('CP_ERR_QUEUE_UNAVAILABLE', 'the server has no Redis (--redis) for a job queue');
    queue ??= renderQueue(config.redis, config.queuePrefix);
    return queue;
  };
  app.post('/v1/jobs', (request, reply) => postJobs(context, jobQueue, request, reply));
  app.get('/v1/jobs/:batch', (request) => getJob(context, jobQueue, request));
  let results: import('ioredis').Redis | undefined;
  const resultStore = () => {
    if (!config.redis)
      throw httpError('CP_ERR_QUEUE_UNAVAILABLE', 'the server has no Redis (--redis) for a job queue');
    results ??= new (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis(
      config.redis,
      {
        maxRetriesPerRequest: 2,
      },
    );
    return results;
  };
  app.get('/v1/jobs/:batch/result/:value', (request, reply) =>
    getResult(context, resultStore, request, reply),
  );
  app.get('/v1/chart', (request, reply) =>
    chartRoute(context, parseChartQuery(request.query as Record<string, unknown>), request, reply),
  );

  let warmed = false;
  return {
    app,
    engine,
    async listen() {
      await engine.warmup();
      warmed = true;
      return app.listen({ port: config.port, host: config.host });
    },
    async close(graceMs = 10_000) {
      closing = true;
      const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
      cut.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
        prometheus.detach();
        await queue?.close();
        results?.disconnect();
        if (ownEngine) await engine.close();
      }
    },
  };
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The route pattern a request matched (`/v1/reports/:name`), or its path when none did. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0] ?? '';
}

/** Whether Redis answers a PING within a second (any answer: one that wants AUTH is up too). */
function pingRedis(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const socket = connect({ host: target.hostname || '127.0.0.1', port: Number(target.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk[0] === 0x2b || chunk[0] === 0x2d));
  });
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown, root: string) {
  const e = fromFastify(error);
  const { status, body, headers } = errorBody(e, root);
  if (status >= 500 && !isChartpressError(error)) request.log.error({ err: error }, 'request failed');
  reply.code(status).headers(headers).type('application/json; charset=utf-8');
  return reply.send(body);
}

/** fastify's own errors (body too large, bad JSON, wrong content type) in chartpress's terms. */
function fromFastify(error: unknown): unknown {
  if (isChartpressError(error) || typeof error !== 'object' || error === null) return error;
  const { code, statusCode, message } = error as { code?: string; statusCode?: number; message?: string };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return httpError('CP_ERR_REQUEST_TOO_LARGE', "the request body is over the server's limit");
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return httpError('CP_ERR_USAGE', 'send the report as application/json or application/yaml');
  if (
    code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    error instanceof SyntaxError
  )
    return httpError('CP_ERR_PARSE', `the body is not valid JSON: ${message ?? ''}`.trim());
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500)
    return httpError('CP_ERR_USAGE', message ?? 'bad request');
  return error;
}

function engineOptions(config: ServerConfig): EngineOptions {
  return {
    cache: { memory: true, disk: config.cacheDir, redis: config.redis ?? false },
    pool: config.threads !== undefined ? { threads: config.threads } : {},
    files: { roots: [config.root], relativePaths: true },
  };
}

function loggerOptions(logger: ServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const custom = typeof logger === 'object' ? logger : {};
  return {
    level: custom.level ?? 'info',
    // One line per request, written by the onResponse hook: method, route, status and time,
    // never a header (a token), a body or a query string (a chart's data).
    ...(custom.stream ? { stream: custom.stream } : {}),
  };
}
