import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { pdfText } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const example = join(import.meta.dirname, '../../examples/sales/report.yaml');
const csv = tmp.write('data/q.csv', 'month,amount\n2024-01,3\n2024-02,5\n2024-03,4\n');
const chartFile = tmp.write(
  'revenue.yaml',
  'type: bar\ntitle: Amount by month\ndata: { from: q }\nencode: { x: month, y: amount }\noptions: { width: 400, height: 240 }\n',
);

describe('chartpress render', () => {
  it('renders the example to PDF, prints a summary and the stats as the last line', async () => {
    const out = join(tmp.dir, 'sales.pdf');
    const run = await cli(
      'render',
      example,
      '-o',
      out,
      '--stats',
      'json',
      '--cache-dir',
      join(tmp.dir, 'cache'),
    );
    expect(run.stderr.filter(Boolean)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toMatch(
      /report\.yaml -> .*sales\.pdf \(.+\): 9 charts, 8 rendered, 0 cached, 0 failed, 1 skipped/,
    );
    const stats = JSON.parse(run.stdout.filter(Boolean).at(-1) ?? '{}');
    expect(stats).toMatchObject({
      charts: { total: 9, rendered: 8, cached: 0, failed: 0, skipped: 1 },
      cache: { hits: 0, misses: 8 },
    });
    expect(stats.cache.bytes).toBeGreaterThan(0);
    expect(Object.keys(stats.ms)).toEqual(['total', 'data', 'charts', 'document']);
    const text = await pdfText(readFileSync(out));
    for (const s of [
      'Sales Review 2025',
      'Summary',
      'Products',
      '2026 roadmap',
      'Revenue and margin by region',
      'Americas',
      '$4,147,116',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('takes params: the when block goes away with detail=false', async () => {
    const run = await cli(
      'render',
      example,
      '-o',
      join(tmp.dir, 'x.html'),
      '--param',
      'detail=false',
      '--param',
      'region=EMEA',
      '--stats',
      'json',
      '--quiet',
      '--no-cache',
    );
    expect(run.code).toBe(0);
    expect(run.stdout.filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(run.stdout[0] ?? '{}').charts).toMatchObject({ rendered: 7, skipped: 2 });
    const html = readFileSync(join(tmp.dir, 'x.html'), 'utf8');
    expect(html).not.toContain('Appendix: stores');
  });

  it('writes Typst source with its chart files next to it', async () => {
    const out = join(tmp.dir, 'typ/report.typ');
    const run = await cli('render', example, '-o', out, '--quiet');
    expect(run.code).toBe(0);
    const source = readFileSync(out, 'utf8');
    const paths = [...source.matchAll(/"\/charts\/([0-9a-f]{64})\.svg"/g)].map((m) => m[1]);
    expect(paths.length).toBe(8);
    for (const key of paths) expect(existsSync(join(tmp.dir, 'typ/charts', `${key}.svg`))).toBe(true);
  });

  it('exits 1 and names the chart when a chart fails, and still writes the document', async () => {
    const report = tmp.write(
      'bad-chart.yaml',
      `title: T\ndatasets:\n  q: { source: csv, path: data/q.csv }\ncharts:\n  good: { type: bar, data: { from: q }, encode: { x: month, y: amount } }\n  bad: { type: line, data: { from: q }, encode: { x: month, y: amont } }\nbody:\n  - chart: good\n  - chart: bad\n`,
    );
    const out = join(tmp.dir, 'bad.pdf');
    const run = await cli('render', report, '-o', out, '--quiet', '--stats', 'json', '--no-cache');
    expect(run.code).toBe(1);
    expect(run.stderr.filter(Boolean)).toHaveLength(1);
    expect(run.stderr[0]).toMatch(
      /^CP_ERR_UNKNOWN_COLUMN .*bad-chart\.yaml: charts\.bad\.encode\.y: .*"amont".*amount/,
    );
    expect(JSON.parse(run.stdout.at(-1) ?? '{}').charts).toMatchObject({ rendered: 1, failed: 1 });
    const text = await pdfText(readFileSync(out));
    expect(text).toContain('bad');
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('render', example)).code).toBe(2);
    expect((await cli('render', example, '-o', 'out.docx')).code).toBe(2);
    expect((await cli('render', example, '-o', 'x.pdf', '--param', 'novalue')).code).toBe(2);
    expect((await cli('bogus')).code).toBe(2);
  });
});

describe('chartpress chart', () => {
  it('renders a chart file with --data to SVG', async () => {
    const out = join(tmp.dir, 'c.svg');
    const run = await cli('chart', chartFile, '--data', csv, '-o', out);
    expect(run.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('Amount by month');
    expect(svg).toMatch(/<svg[^>]*width="400"[^>]*height="240"/);
  });

  it('reads --data as JSON and NDJSON too, through the streaming sources', async () => {
    const rows = [
      { month: '2024-01', amount: 3 },
      { month: '2024-02', amount: 5 },
    ];
    const json = tmp.write('q.json', JSON.stringify(rows));
    const ndjson = tmp.write('q.ndjson', rows.map((r) => JSON.stringify(r)).join('\n'));
    for (const data of [json, ndjson]) {
      const out = join(tmp.dir, `${data.endsWith('.json') ? 'j' : 'n'}.svg`);
      expect((await cli('chart', chartFile, '--data', data, '-o', out)).code).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('Amount by month');
    }
    const missing = await cli(
      'chart',
      chartFile,
      '--data',
      join(tmp.dir, 'nope.json'),
      '-o',
      join(tmp.dir, 'x.svg'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr[0]).toMatch(/^CP_ERR_FILE_NOT_FOUND .*nope\.json/);
  });

  it('renders to PNG', async () => {
    const out = join(tmp.dir, 'c.png');
    expect((await cli('chart', chartFile, '--data', csv, '-o', out, '--scale', '1')).code).toBe(0);
    const png = readFileSync(out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(400);
  });

  it('says when the chart has no data', async () => {
    const run = await cli('chart', chartFile, '-o', join(tmp.dir, 'n.svg'));
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(/^CP_ERR_MISSING_FIELD .*revenue\.yaml: dataset: the chart has no data/);
  });
});

describe('chartpress data', () => {
  it("prints each chart's aggregated rows as JSON", async () => {
    const run = await cli('data', example, '--param', 'region=APAC');
    expect(run.code).toBe(0);
    const data = JSON.parse(run.stdout.join('\n'));
    expect(Object.keys(data)).toContain('channel_mix');
    expect(data.channel_mix.map((r: { channel: string }) => r.channel).sort()).toEqual([
      'Direct',
      'Online',
      'Partner',
    ]);
    expect(data.revenue_trend.every((r: { region: string }) => r.region === 'APAC')).toBe(true);
    expect(data.revenue_trend).toHaveLength(12);
  });
});

describe('chartpress schema', () => {
  it('prints a JSON Schema of the report format', async () => {
    const run = await cli('schema');
    const schema = JSON.parse(run.stdout.join('\n'));
    expect(schema.$schema).toMatch(/json-schema/);
    expect(schema.required).toEqual(expect.arrayContaining(['title', 'body']));
    expect(JSON.stringify(schema)).toContain('"sparkline"');
  });
});

describe('a missing dataset file', () => {
  it('is one line naming the dataset path and what it kept from being drawn', async () => {
    const report = tmp.write(
      'missing-data.yaml',
      `title: T\ndatasets:\n  q: { source: csv, path: data/nope.csv }\ncharts:\n  a: { type: bar, data: { from: q }, encode: { x: month, y: amount } }\n  b: { type: pie, data: { from: q }, encode: { x: month, y: amount } }\nbody:\n  - chart: a\n  - chart: b\n`,
    );
    const run = await cli('render', report, '-o', join(tmp.dir, 'missing.html'), '--quiet');
    expect(run.code).toBe(1);
    expect(run.stderr.filter(Boolean)).toEqual([
      expect.stringMatching(
        /^CP_ERR_FILE_NOT_FOUND .*missing-data\.yaml: datasets\.q\.path: .*nope\.csv \(failed: chart a, chart b\) \(hint: /,
      ),
    ]);
    expect(readFileSync(join(tmp.dir, 'missing.html'), 'utf8')).toContain('data-status="failed"');
  });
});
