import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { svgToPng } from '../../src/chart/png.js';
import { pdfText } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';
import { barChart, errorOf, inlineReport, startServer } from './helpers.js';

const tmp = tempDir();
const examples = join(import.meta.dirname, '../../examples/sales');
// The example report, servable by name: reports/sales.yaml with its data beside it.
cpSync(join(examples, 'report.yaml'), join(tmp.dir, 'reports/sales.yaml'));
cpSync(join(examples, 'data'), join(tmp.dir, 'reports/data'), { recursive: true });
tmp.write('data/sales.csv', 'region,amount\nEU,10\nUS,20\n');

const server = await startServer({ root: tmp.dir, cacheDir: false });

/** An SVG is well-formed when resvg parses and draws it. */
function drawable(svg: string): boolean {
  return Buffer.from(svgToPng(svg)).subarray(1, 4).toString() === 'PNG';
}

describe('chartpress serve: routes', () => {
  it('GET /healthz and /readyz answer once the workers are warm', async () => {
    const health = await server.call('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const ready = await server.call('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, workers: 'warm', redis: 'off' });
  });

  it('POST /v1/render: a JSON report to a PDF that parses', async () => {
    const res = await server.call('/v1/render', { json: inlineReport() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"');
    expect(res.headers.get('x-chartpress-failed')).toBeNull();
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain('Sales');
    expect(text).toContain('By region');
  });

  it('POST /v1/render: a YAML report, to HTML by the query string, with a param', async () => {
    const yaml = [
      'title: YAML',
      'params:',
      '  who: { type: string, default: nobody }',
      'datasets:',
      '  s: { source: csv, path: data/sales.csv }',
      'charts:',
      '  c: { type: pie, data: { from: s }, encode: { x: region, y: amount } }',
      'body:',
      '  - heading: "Hello {{ params.who }}"',
      '  - chart: c',
    ].join('\n');
    const res = await server.call('/v1/render?format=html&who=Ada', { yaml });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('<svg');
  });

  it('POST /v1/render: an envelope { report, params, format }', async () => {
    const res = await server.call('/v1/render', { json: { report: inlineReport(), format: 'html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('By region');
  });

  it('POST /v1/reports/:name renders a report file under the root', async () => {
    const res = await server.call('/v1/reports/sales', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sales.pdf"');
    expect(res.headers.get('x-chartpress-charts')).toMatch(/failed=0/);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('POST /v1/reports/:name: a name that is no file, or a path, is a 404', async () => {
    for (const name of ['nope', '..%2Freports%2Fsales', '.hidden', 'sales%00']) {
      const e = await errorOf(await server.call(`/v1/reports/${name}`, { method: 'POST' }));
      expect([e.status, e.code], name).toEqual([404, 'CP_ERR_NOT_FOUND']);
    }
  });

  it('POST /v1/chart: an SVG with its font, an ETag, and 304 for that ETag', async () => {
    const res = await server.call('/v1/chart', { json: { chart: barChart(), width: 400, height: 300 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{64}\.svg"$/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400, immutable');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg[^>]* width="400" height="300"/);
    expect(svg).toContain('@font-face');
    expect(drawable(svg)).toBe(true);
    const again = await server.call('/v1/chart', {
      json: { chart: barChart(), width: 400, height: 300 },
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('GET /v1/chart?c= serves the same chart for <img src>, and PNG on asking', async () => {
    const post = await server.call('/v1/chart', { json: { chart: barChart([1, 2]) } });
    const c = encodeURIComponent(JSON.stringify(barChart([1, 2])));
    const get = await server.call(`/v1/chart?c=${c}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('etag')).toBe(post.headers.get('etag'));
    expect(await get.text()).toBe(await post.text());
    const png = await server.call(`/v1/chart?c=${c}&w=300&h=200&f=png&scale=2`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('etag')).toMatch(/\.png@2"$/);
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([600, 400]);
  });

  it('a repeat of a chart request with its data inline is answered as it was, without the engine', async () => {
    const json = { chart: barChart([9, 8, 7]), format: 'png' };
    const first = await server.call('/v1/chart', { json });
    const lookups = () => {
      const stats = server.server.engine.cacheStats();
      return (stats?.hits ?? 0) + (stats?.misses ?? 0);
    };
    const before = lookups();
    const again = await server.call('/v1/chart', { json });
    expect(lookups()).toBe(before);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(Buffer.from(await again.arrayBuffer())).toEqual(Buffer.from(await first.arrayBuffer()));
    const revalidated = await server.call('/v1/chart', {
      json,
      headers: { 'if-none-match': first.headers.get('etag') ?? '' },
    });
    expect(revalidated.status).toBe(304);
    expect(lookups()).toBe(before);
  });

  it('POST /v1/chart: a chart reading a file under the root is revalidated, not immutable', async () => {
    const chart = {
      type: 'bar',
      encode: { x: 'region', y: 'amount' },
      dataset: { source: 'csv', path: 'data/sales.csv' },
    };
    const res = await server.call('/v1/chart', { json: { chart } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it("POST /v1/data returns each chart's aggregated rows", async () => {
    const res = await server.call('/v1/data', { json: inlineReport() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Record<string, unknown[]> };
    expect(body.data.byRegion).toEqual([
      { region: 'EU', total: 10 },
      { region: 'US', total: 20 },
      { region: 'APAC', total: 15 },
    ]);
  });

  it('GET /v1/schema returns the JSON Schema of reports', async () => {
    const schema = (await (await server.call('/v1/schema')).json()) as Record<string, unknown>;
    expect(schema.$schema).toMatch(/json-schema/);
    expect(JSON.stringify(schema)).toContain('"datasets"');
  });

  it('GET /metrics: chartpress, process and HTTP metrics in the Prometheus format', async () => {
    await server.call('/healthz');
    const res = await server.call('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /chartpress_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(text).toContain('chartpress_charts_total');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('bad chart requests: each problem coded, with its path', async () => {
    const cases: [unknown, number, string, string][] = [
      [{ chart: { type: 'donut', rows: [] } }, 422, 'CP_ERR_INVALID_ENUM', 'type'],
      [{ chart: barChart(), format: 'gif' }, 422, 'CP_ERR_INVALID_ENUM', 'format'],
      [{ chart: barChart(), width: 5 }, 422, 'CP_ERR_INVALID_VALUE', 'width'],
      [{ chart: { type: 'bar', encode: { x: 'm', y: 'v' } } }, 422, 'CP_ERR_MISSING_FIELD', 'dataset'],
      [{ rows: [] }, 422, 'CP_ERR_MISSING_FIELD', 'chart'],
    ];
    for (const [json, status, code, path] of cases) {
      const res = await server.call('/v1/chart', { json });
      const body = (await res.json()) as { error: { code: string; path?: string } };
      expect([res.status, body.error.code, body.error.path], JSON.stringify(json)).toEqual([
        status,
        code,
        path,
      ]);
    }
    const noC = await errorOf(await server.call('/v1/chart?w=100'));
    expect([noC.status, noC.code]).toEqual([422, 'CP_ERR_MISSING_FIELD']);
    const badC = await errorOf(await server.call('/v1/chart?c=%7Bnot-json'));
    expect([badC.status, badC.code]).toEqual([400, 'CP_ERR_PARSE']);
    const extra = await errorOf(await server.call(`/v1/chart?c=${encodeURIComponent('{}')}&color=red`));
    expect(extra.code).toBe('CP_ERR_UNKNOWN_FIELD');
  });

  it('bad render and data requests: a wrong format, params that are not values, no body', async () => {
    const format = await errorOf(await server.call('/v1/render?format=docx', { json: inlineReport() }));
    expect([format.status, format.code]).toEqual([422, 'CP_ERR_INVALID_ENUM']);
    const params = await errorOf(
      await server.call('/v1/render', { json: { report: inlineReport(), params: { n: [1, 2] } } }),
    );
    expect([params.status, params.code]).toEqual([422, 'CP_ERR_PARAM_TYPE']);
    const empty = await errorOf(await server.call('/v1/data', { method: 'POST' }));
    expect([empty.status, empty.code]).toEqual([422, 'CP_ERR_MISSING_FIELD']);
    const type = await server.call('/v1/render', {
      method: 'POST',
      body: 'title: x',
      headers: { 'content-type': 'application/xml' },
    });
    expect((await errorOf(type)).status).toBe(400);
  });

  it('an unknown route is a coded 404', async () => {
    const e = await errorOf(await server.call('/v2/nothing'));
    expect([e.status, e.code]).toEqual([404, 'CP_ERR_NOT_FOUND']);
  });
});
