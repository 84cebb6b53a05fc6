import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { createServer as netServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createPreview, type Preview } from '../../src/preview/index.js';
import { startPreviewServer } from '../../src/preview/server.js';
import { PreviewSession } from '../../src/preview/session.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
tmp.write('data/sales.csv', 'region,amount\nEU,10\nUS,20\nAPAC,5\n');
const REPORT = `title: Served
params:
  big: { type: boolean, default: false }
datasets:
  sales: { source: csv, path: data/sales.csv }
charts:
  split:
    type: bar
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
    options: { height: 200 }
body:
  - heading: Numbers
  - text: Some words.
  - chart: split
`;
const report = tmp.write('report.yaml', REPORT);

const previews: Preview[] = [];
afterAll(() => Promise.all(previews.map((p) => p.close())));

async function start(file = report): Promise<Preview> {
  const preview = await createPreview(file, { port: 0, debounceMs: 10, pool: { threads: 1 } });
  previews.push(preview);
  return preview;
}

/** A raw HTTP request (fetch may not set `Host`): status, headers and body. */
function call(
  url: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** The event stream of a page: every event read so far, and a way to wait for the next ones. */
function listen(url: string) {
  const events: SseEvent[] = [];
  let buffer = '';
  let req!: ClientRequest;
  const opened = new Promise<void>((resolve, reject) => {
    req = request(new URL('events', url), (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(raw)?.[1];
          const data = /^data: (.*)$/m.exec(raw)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  return {
    events,
    opened,
    close: () => req.destroy(),
    async next(event: string, after = 0): Promise<SseEvent> {
      const end = Date.now() + 10_000;
      for (;;) {
        const found = events.slice(after).find((e) => e.event === event);
        if (found) return found;
        if (Date.now() > end) throw new Error(`no "${event}" event`);
        await sleep(5);
      }
    },
  };
}

type Blocks = { id: string; hash: string; html?: string }[];

describe('preview server', () => {
  it('serves the page with a strict policy, the font, and nothing else', async () => {
    const { url } = await start();
    const page = await call(url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toContain("default-src 'none'");
    expect(page.body.toString()).toContain(`<script nonce="${nonce}">`);
    const font = await call(new URL('fonts/inter-400.ttf', url).href);
    expect(font.status).toBe(200);
    expect(font.body.readUInt32BE(0)).toBe(0x00010000);
    for (const path of [
      'report.yaml',
      'data/sales.csv',
      '../report.yaml',
      'fonts/inter-401.ttf',
      'fonts/../report.yaml',
    ])
      expect((await call(new URL(path, url).href)).status).toBe(404);
    expect((await call(url, { method: 'DELETE' })).status).toBe(405);
  });

  it('refuses another host (DNS rebinding) and params from another origin', async () => {
    const { url } = await start();
    const rebound = await call(url, { headers: { host: 'attacker.example:80' } });
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body.toString()).error.code).toBe('CP_ERR_NOT_FOUND');
    const port = new URL(url).port;
    expect((await call(url, { headers: { host: `localhost:${port}` } })).status).toBe(200);
    const post = (headers: Record<string, string>, body = '{"big":true}') =>
      call(new URL('params', url).href, { method: 'POST', headers, body });
    expect((await post({ 'content-type': 'application/json', origin: 'http://evil.example' })).status).toBe(
      403,
    );
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post({ 'content-type': 'application/json' }, '[1]')).status).toBe(400);
    expect((await post({ 'content-type': 'application/json' }, 'x'.repeat(70_000))).status).toBe(413);
  });

  it('pushes the blocks, then only those that changed, and the problems of a bad save', async () => {
    const preview = await start();
    const page = listen(preview.url);
    await page.opened;
    const first = await page.next('render');
    const blocks = first.data.blocks as Blocks;
    expect(blocks.map((b) => b.id)).toEqual(['b0', 'b1', 'b2']);
    expect(blocks.every((b) => typeof b.html === 'string')).toBe(true);

    let mark = page.events.length;
    writeFileSync(report, REPORT.replace('Some words.', 'Other words.'));
    const second = await page.next('render', mark);
    const changed = (second.data.blocks as Blocks).filter((b) => b.html !== undefined).map((b) => b.id);
    expect(changed).toEqual(['b1']);
    expect(second.data.stats).toMatchObject({ charts: { rendered: 0, cached: 1, failed: 0 } });

    mark = page.events.length;
    writeFileSync(report, REPORT.replace('height: 200', 'height: [200'));
    const bad = await page.next('problems', mark);
    const problems = bad.data.problems as { code: string; file: string }[];
    expect(problems[0]).toMatchObject({ code: 'CP_ERR_PARSE', file: 'report.yaml' });
    expect(preview.problems?.[0]?.code).toBe('CP_ERR_PARSE');

    mark = page.events.length;
    writeFileSync(report, REPORT);
    await page.next('render', mark);
    expect(preview.problems).toBeUndefined();
    page.close();
  });

  it('renders with params posted by the page', async () => {
    const preview = await start();
    const version = preview.last!.version;
    const res = await call(new URL('params', preview.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: preview.url.slice(0, -1) },
      body: JSON.stringify({ big: true }),
    });
    expect(res.status).toBe(202);
    const end = Date.now() + 10_000;
    while ((preview.last?.version ?? 0) <= version && Date.now() < end) await sleep(10);
    expect(preview.last!.params[0]).toMatchObject({ name: 'big', value: true });
  });

  it('goes on after a page disconnects mid-stream, and forgets it', async () => {
    const session = new PreviewSession(report, { pool: { threads: 1 } });
    await session.refresh();
    const server = await startPreviewServer(session, { host: '127.0.0.1', port: 0 });
    try {
      const gone = listen(server.url);
      await gone.opened;
      await gone.next('render');
      const stay = listen(server.url);
      await stay.opened;
      await stay.next('render');
      expect(server.clients).toBe(2);
      gone.close();
      const end = Date.now() + 5000;
      while (server.clients > 1 && Date.now() < end) await sleep(5);
      expect(server.clients).toBe(1);
      const mark = stay.events.length;
      await session.refresh();
      await stay.next('render', mark);
      stay.close();
    } finally {
      await server.close();
      await session.close();
    }
  });

  it('serves the PDF of what is shown', async () => {
    const preview = await start();
    const pdf = await call(new URL('pdf', preview.url).href);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="report.pdf"');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('starts on a report with problems, and renders it once fixed', async () => {
    const broken = tmp.write('broken/report.yaml', 'title: [unclosed');
    const preview = await start(broken);
    expect(preview.last).toBeUndefined();
    expect(preview.problems?.[0]?.code).toBe('CP_ERR_PARSE');
    const pdf = await call(new URL('pdf', preview.url).href);
    expect(pdf.status).toBe(404);
    writeFileSync(broken, 'title: Fixed\nbody: [{ text: hello }]\n');
    const end = Date.now() + 10_000;
    while (!preview.last && Date.now() < end) await sleep(10);
    expect(preview.last?.title).toBe('Fixed');
    expect(preview.watched).toEqual([broken]);
    // A dataset added to the report is watched from the render that reads it.
    const csv = tmp.write('broken/more.csv', 'k,v\na,1\n');
    writeFileSync(
      broken,
      'title: Fixed\ndatasets: { more: { source: csv, path: more.csv } }\nbody: [{ table: { data: { from: more } } }]\n',
    );
    const until = Date.now() + 10_000;
    while (preview.watched.length < 2 && Date.now() < until) await sleep(10);
    expect([...preview.watched].sort()).toEqual([csv, broken].sort());
  });
});

describe('chartpress preview', () => {
  it('prints its help', async () => {
    const run = await cli('preview', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toContain('Usage: chartpress preview [options] <report>');
  });

  it('refuses a bad --port or --debounce', async () => {
    for (const flags of [
      ['--port', '70000'],
      ['--debounce', 'soon'],
    ]) {
      const run = await cli('preview', report, ...flags);
      expect(run.code).toBe(2);
      expect(run.stderr.join('\n')).toMatch(/^CP_ERR_USAGE --(port|debounce) expects/);
    }
  });

  it('says a port in use is a usage error', async () => {
    const taken = netServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const run = await cli('preview', report, '--port', String(port));
      expect(run.code).toBe(2);
      expect(run.stderr.join('\n')).toMatch(/CP_ERR_USAGE cannot listen: .*EADDRINUSE.*--port/);
    } finally {
      taken.close();
    }
  });

  it('opens the page with the desktop opener when asked to (--open)', async () => {
    // An `xdg-open` of our own, first on the PATH, writes down what it was asked to open.
    const bin = join(tmp.dir, 'bin');
    const opened = join(tmp.dir, 'opened.txt');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'preview', report, '--port', '0', '--open'],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
    });
    const end = Date.now() + 30_000;
    while (!existsSync(opened) && Date.now() < end && child.exitCode === null) await sleep(20);
    const url = /on (http:\/\/\S+)/.exec(stderr)?.[1];
    // A preview that ended early (its stderr says why) has no exit left to wait for.
    const ended = child.exitCode !== null || child.signalCode !== null;
    const exited = ended
      ? Promise.resolve(true)
      : new Promise<boolean>((r) => child.once('exit', () => r(true)));
    child.kill('SIGINT');
    const gone = await Promise.race([exited, sleep(15_000).then(() => false)]);
    if (!gone) child.kill('SIGKILL');
    expect(gone, `the preview did not stop on SIGINT: ${stderr}`).toBe(true);
    expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(existsSync(opened) ? readFileSync(opened, 'utf8') : undefined, stderr).toBe(url);
  }, 60_000);

  it('closes cleanly on SIGINT', async () => {
    // The loader in this process, not tsx's own CLI: the signal must reach the preview, not a wrapper.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'preview', report, '--port', '0'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
    });
    const end = Date.now() + 30_000;
    while (!/cached|rendered/.test(stderr) && Date.now() < end && child.exitCode === null) await sleep(20);
    const url = /on (http:\/\/\S+)/.exec(stderr)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = listen(url!);
    await page.opened;
    await page.next('render');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toContain('chartpress preview: stopping');
    await expect(call(url!)).rejects.toThrow(/ECONNREFUSED/);
    expect(readFileSync(report, 'utf8')).toBe(REPORT);
  }, 60_000);
});
