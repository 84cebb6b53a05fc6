import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, relative } from 'node:path';
import { isChartpressError, type Problem, problem } from '../errors.js';
import { fontData } from '../font.js';
import type { Value } from '../frame.js';
import type { PageBlock } from './blocks.js';
import { FONT_ROUTES, previewPage } from './page.js';
import type { PreviewEvent, PreviewRender, PreviewSession } from './session.js';

/** Bytes of a `/params` body at most. */
const MAX_PARAMS_BYTES = 64 * 1024;
/** Pages listening at once at most; one more is refused (503). */
const MAX_CLIENTS = 64;
/** Bytes waiting to be sent to one page at most: a page that reads no more is dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Milliseconds between comments that keep an idle event stream open. */
const KEEPALIVE_MS = 15_000;

export interface PreviewServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Pages connected to the event stream now. */
  readonly clients: number;
  /** Ends every event stream and stops listening. */
  close(): Promise<void>;
}

/** One page on the event stream, and the block hashes it holds. */
interface Client {
  readonly res: ServerResponse;
  known: ReadonlySet<string>;
}

/**
 * The preview's HTTP server (node:http), on 127.0.0.1 by default. Routes: `GET /` (the page),
 * `GET /events` (Server-Sent Events: the page's blocks, problems, status), `GET /pdf` (the PDF
 * of what is shown), `POST /params` (JSON: param values to render with), and the bundled font
 * at `/fonts/inter-<weight>.ttf`. Nothing else is served: no route names a file. A request whose
 * `Host` is not this server's address (DNS rebinding) is refused, and so is a POST from another
 * origin.
 */
export async function startPreviewServer(
  session: PreviewSession,
  at: { readonly host: string; readonly port: number },
): Promise<PreviewServer> {
  const clients = new Set<Client>();
  let allowed: ReadonlySet<string> = new Set();
  const name = basename(session.file);
  const shown = <P extends { readonly file?: string }>(p: P): P =>
    p.file === undefined ? p : { ...p, file: shownPath(session.file, p.file) };

  const send = (client: Client, event: string, data: unknown, id?: number) => {
    const { res } = client;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const sendRender = (client: Client, r: PreviewRender) => {
    const known = client.known;
    const withHtml = (b: PageBlock) => (known.has(b.hash) ? { ...b, html: undefined } : b);
    send(
      client,
      'render',
      {
        ...r,
        header: withHtml(r.header),
        blocks: r.blocks.map(withHtml),
        problems: r.problems.map(shown),
        warnings: r.warnings.map(shown),
      },
      r.version,
    );
    client.known = new Set([r.header.hash, ...r.blocks.map((b) => b.hash)]);
  };
  const sendProblems = (client: Client, f: { version: number; problems: readonly Problem[] }) =>
    send(client, 'problems', { version: f.version, problems: f.problems.map(shown) }, f.version);

  const unsubscribe = session.subscribe((e: PreviewEvent) => {
    for (const client of clients) {
      if (e.type === 'rendering') send(client, 'status', { state: 'rendering', version: e.version });
      else if (e.type === 'rendered') sendRender(client, e.render);
      else sendProblems(client, e);
    }
  });
  const keepAlive = setInterval(() => {
    for (const { res } of clients) if (!res.destroyed) res.write(': keep-alive\n\n');
  }, KEEPALIVE_MS);
  keepAlive.unref();

  const events = (req: IncomingMessage, res: ServerResponse) => {
    if (clients.size >= MAX_CLIENTS)
      return json(res, 503, { error: problem('CP_ERR_OVERLOADED', 'too many pages are open') });
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    // Every connection starts from nothing: the page drops what it had only for blocks it is sent again.
    const client: Client = { res, known: new Set() };
    clients.add(client);
    const drop = () => clients.delete(client);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    const { good, failed } = session;
    if (good) sendRender(client, good);
    if (failed) sendProblems(client, failed);
  };

  const pdf = async (res: ServerResponse) => {
    try {
      const bytes = await session.pdf();
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-length': bytes.byteLength,
        'content-disposition': `attachment; filename="${name.replace(/\.(ya?ml|json)$/i, '').replace(/[^\w.-]/g, '_')}.pdf"`,
        'cache-control': 'no-store',
      });
      res.end(bytes);
    } catch (e) {
      const problems = isChartpressError(e)
        ? e.problems
        : [problem('CP_ERR_INTERNAL', 'the PDF could not be made')];
      const status = problems[0]?.code === 'CP_ERR_NOT_FOUND' ? 404 : 500;
      json(res, status, {
        error: problems[0] ? shown(problems[0]) : undefined,
        problems: problems.map(shown),
      });
    }
  };

  const params = async (req: IncomingMessage, res: ServerResponse) => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return json(res, 415, { error: problem('CP_ERR_USAGE', 'send the params as application/json') });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, MAX_PARAMS_BYTES));
    } catch (e) {
      const tooLarge = e instanceof RangeError;
      if (tooLarge) res.setHeader('connection', 'close');
      return json(res, tooLarge ? 413 : 400, {
        error: tooLarge
          ? problem('CP_ERR_REQUEST_TOO_LARGE', `the params are over ${MAX_PARAMS_BYTES} bytes`)
          : problem('CP_ERR_PARSE', 'the params are not valid JSON'),
      });
    }
    const values = paramValues(body);
    if (!values)
      return json(res, 400, {
        error: problem(
          'CP_ERR_PARAM_TYPE',
          'expected an object of param values (strings, numbers, booleans or null)',
        ),
      });
    json(res, 202, { ok: true });
    // The page hears of the render, and of its problems, on its event stream.
    session.setParams(values).catch(() => {});
  };

  const server: Server = createServer((req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const host = req.headers.host ?? '';
    if (!allowed.has(host.toLowerCase()))
      return json(res, 421, {
        error: problem('CP_ERR_NOT_FOUND', `this preview does not answer for host "${host}"`, {
          hint: `open ${url}`,
        }),
      });
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/params') {
      const origin = req.headers.origin;
      if (origin !== undefined && !allowed.has(origin.replace(/^https?:\/\//, '').toLowerCase()))
        return json(res, 403, {
          error: problem('CP_ERR_USAGE', 'params are taken from the preview page only'),
        });
      void params(req, res);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD')
      return json(res, 405, { error: problem('CP_ERR_NOT_FOUND', `no route ${method} ${path}`) });
    if (path === '/') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': [
          "default-src 'none'",
          `script-src 'nonce-${nonce}'`,
          "style-src 'unsafe-inline'",
          "font-src 'self'",
          "img-src 'self' data:",
          "connect-src 'self'",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ].join('; '),
      });
      res.end(previewPage(nonce, name));
      return;
    }
    // A stream or a PDF for a HEAD request is work nobody reads.
    if (method === 'GET' && path === '/events') return events(req, res);
    if (method === 'GET' && path === '/pdf') {
      void pdf(res);
      return;
    }
    const font = FONT_ROUTES.get(path);
    if (font) {
      const bytes = fontData(font);
      res.writeHead(200, {
        'content-type': 'font/ttf',
        'content-length': bytes.byteLength,
        'cache-control': 'public, max-age=86400',
      });
      res.end(bytes);
      return;
    }
    json(res, 404, {
      error: problem('CP_ERR_NOT_FOUND', `no route ${method} ${path}`, { hint: `open ${url}` }),
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = at.host.includes(':') ? `[${at.host}]` : at.host;
  const url = `http://${shownHost}:${port}/`;
  allowed = new Set(
    [`${shownHost}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].map((h) =>
      h.toLowerCase(),
    ),
  );

  return {
    url,
    get clients() {
      return clients.size;
    },
    async close() {
      unsubscribe();
      clearInterval(keepAlive);
      for (const { res } of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** The body as text, refused (RangeError) past `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > max) {
        // Answered (413) before the connection is closed: the rest is not read.
        reject(new RangeError('too large'));
        req.removeAllListeners('data');
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `{ name: value }` with plain values only; undefined for anything else. */
function paramValues(body: unknown): Record<string, Value> | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const out: Record<string, Value> = Object.create(null);
  for (const [name, value] of Object.entries(body)) {
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok || name.length === 0 || name.length > 200) return undefined;
    out[name] = value as Value;
  }
  return out;
}

/** A file in a problem, as the page shows it: relative to the report's folder when under it. */
function shownPath(report: string, file: string): string {
  const rel = relative(dirname(report), file);
  return rel && !rel.startsWith('..') ? rel : file;
}
