import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { svgProblem } from '../../src/chart/sanitize.js';
import type { DocumentModel } from '../../src/document/model.js';
import { createEngine, type Engine, type ReportInput } from '../../src/index.js';
import { compileReport } from '../../src/pipeline/compile.js';
import type { Plan } from '../../src/pipeline/plan.js';
import { cli } from '../helpers/cli.js';
import { pdfText } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const renderers = new URL('./fixtures/chart-renderers.mjs', import.meta.url);
const engines: Engine[] = [];
afterAll(() => Promise.all(engines.map((e) => e.close())));

/** The SVG of every chart inlined in an HTML page. */
const svgsOf = (html: string) => html.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];

/** A report of one bar chart drawn by the test renderer, titled `title`. */
function rendererReport(title: string, more: Record<string, unknown> = {}): ReportInput {
  return {
    title: `Renderer ${title}`,
    datasets: { d: { source: 'inline', rows: [{ k: 'a', v: 1 }] } },
    charts: { c: { type: 'bar', title, data: { from: 'd' }, encode: { x: 'k', y: 'v' } }, ...more },
    body: [{ text: 'Before the chart.' }, { chart: 'c' }, { text: 'After the chart.' }],
  } as ReportInput;
}

describe('an options.echarts image with an outside href', () => {
  const report = tmp.write(
    'graphic/report.yaml',
    `title: Graphic image
datasets:
  d: { source: inline, rows: [{ k: a, v: 1 }, { k: b, v: 2 }] }
charts:
  c:
    type: bar
    data: { from: d }
    encode: { x: k, y: v }
    options:
      echarts:
        graphic:
          - { type: image, style: { image: "http://example.com/logo.png", x: 10, y: 10, width: 40, height: 40 } }
body:
  - chart: c
`,
  );

  it('renders, dropped from the chart: the HTML stays self-contained', async () => {
    const out = join(tmp.dir, 'graphic/out.html');
    const run = await cli('render', report, '-o', out, '--no-cache');
    expect(run.stderr.join('\n')).toBe('');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/href\s*=\s*["']?\s*https?:/i);
    expect(html).not.toContain('example.com');
    for (const svg of svgsOf(html)) expect(svgProblem(svg)).toBeUndefined();
  });

  it('and the PDF compiles', async () => {
    const out = join(tmp.dir, 'graphic/out.pdf');
    const run = await cli('render', report, '-o', out, '--no-cache');
    expect(run.code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('a custom renderer that does not return SVG fails its chart', () => {
  // One thread: every chart is drawn in process; two threads and no in-process budget: on workers.
  const places = {
    'in process': { threads: 1 },
    'on a worker': { threads: 2, inProcessBelowMs: 0 },
  };
  const cases: [string, RegExp][] = [
    ['number', /returned a number, not SVG text/],
    ['promise', /returned a Promise/],
    ['rejecting', /returned a Promise/],
    ['hello', /not a well-formed SVG: text outside the root element/],
    ['html', /root element is <html>, not <svg>/],
    ['unprintable', /./],
  ];
  for (const [place, pool] of Object.entries(places)) {
    const engine = createEngine({ cache: false, pool: { ...pool, renderers: { bar: renderers } } });
    engines.push(engine);
    for (const [title, reason] of cases) {
      it(`${title}, ${place}: a placeholder, CP_ERR_CHART_RENDER`, async () => {
        const result = await engine.render(rendererReport(title), { format: 'html' });
        const [chart] = result.charts;
        expect(chart?.status).toBe('failed');
        expect(chart?.error?.code).toBe('CP_ERR_CHART_RENDER');
        expect(chart?.error?.message).toMatch(reason);
        expect(result.problems.map((p) => p.code)).toEqual(['CP_ERR_CHART_RENDER']);
        // The placeholder is drawn in the page, with the reason.
        expect(result.output as string).toContain('data-status="failed"');
      });
    }

    it(`an SVG with a script and an outside image, ${place}: drawn without them`, async () => {
      const result = await engine.render(rendererReport('script'), { format: 'html' });
      expect(result.charts[0]?.status).toBe('rendered');
      const html = result.output as string;
      expect(html).not.toMatch(/<script|onclick|example\.com/i);
    });
  }
});

describe('a control character in a category label', () => {
  const dir = join(tmp.dir, 'control');
  tmp.write('control/data.csv', 'region,amount\n"No\x01rth",5\nSouth\uFFFE,7\nEast,3\n');
  const report = tmp.write(
    'control/report.yaml',
    `title: Control characters
datasets:
  sales: { source: csv, path: data.csv }
charts:
  by_region:
    type: bar
    title: "By region\\x02"
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
body:
  - chart: by_region
  - table: { data: { from: sales } }
`,
  );

  it('renders a valid PDF, and again from the cache', async () => {
    const cacheDir = join(dir, 'cache');
    for (const [i, status] of [
      [0, 'rendered'],
      [1, 'cached'],
    ] as const) {
      const out = join(dir, `out-${i}.pdf`);
      const run = await cli('render', report, '-o', out, '--cache-dir', cacheDir, '--stats', 'json');
      expect(run.stderr.join('\n')).toBe('');
      expect(run.code).toBe(0);
      const stats = JSON.parse(run.stdout.filter(Boolean).at(-1) ?? '{}');
      expect(stats.charts[status]).toBe(1);
      const text = await pdfText(readFileSync(out));
      expect(text).toContain('North');
      expect(text).toContain('South');
    }
  });

  it('renders HTML whose chart is well-formed SVG without the character', async () => {
    const out = join(dir, 'out.html');
    const run = await cli('render', report, '-o', out, '--no-cache');
    expect(run.code).toBe(0);
    const [svg] = svgsOf(readFileSync(out, 'utf8'));
    expect(svg).toContain('>North<');
    expect(svgProblem(svg ?? '')).toBeUndefined();
  });
});

describe('a chart Typst cannot read', () => {
  it('becomes a placeholder naming Typst, the rest of the document is set, and it leaves the cache', async () => {
    const engine = createEngine({
      cache: { memory: true },
      pool: { threads: 1, renderers: { bar: renderers } },
    });
    engines.push(engine);
    // `good` is drawn by the same renderer (a box) so that only `c` is to blame.
    const report = rendererReport('zero', {
      good: { type: 'bar', title: 'good', data: { from: 'd' }, encode: { x: 'k', y: 'v' } },
    });
    (report.body as unknown[]).push({ chart: 'good' });
    for (const run of [1, 2]) {
      const result = await engine.render(report, { format: 'pdf' });
      const byId = Object.fromEntries(result.charts.map((c) => [c.id, c]));
      expect(byId.c?.status).toBe('failed');
      expect(byId.c?.error?.code).toBe('CP_ERR_CHART_RENDER');
      expect(byId.c?.error?.message).toMatch(/Typst could not read the chart: .*invalid/);
      expect(byId.c?.error?.path).toBe('charts.c');
      expect(byId.good?.status).toBe(run === 1 ? 'rendered' : 'cached');
      expect(result.problems.map((p) => p.code)).toEqual(['CP_ERR_CHART_RENDER']);
      // The bad chart is not served from the cache the second time: it is drawn again.
      expect(result.stats.cache.hits).toBe(run === 1 ? 0 : 1);
      const text = await pdfText(result.output as Uint8Array);
      expect(text).toContain('Before the chart.');
      expect(text).toContain('After the chart.');
    }
  });

  it('a document whose own text breaks Typst still fails as a whole', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="1"/></svg>';
    const chart = { id: 'a', type: 'bar', key: 'k', status: 'rendered', svg, width: 10, height: 10, ms: 0 };
    const model = { charts: new Map([['a', chart]]) } as unknown as DocumentModel;
    const typst = {
      source: '#image("/charts/k.svg")\n#let broken = (',
      files: new Map([['/charts/k.svg', Buffer.from(svg)]]),
    };
    await expect(compileReport(model, typst, { charts: new Map() } as unknown as Plan)).rejects.toMatchObject(
      {
        problems: [{ code: 'CP_ERR_DOCUMENT_COMPILE' }],
      },
    );
  });
});

describe('an empty dataset placed as a table without columns', () => {
  const report = tmp.write(
    'empty/report.yaml',
    `title: Empty table
datasets:
  none: { source: inline, rows: [] }
body:
  - text: Above the table.
  - table: { title: Nothing here, data: { from: none } }
  - text: Below the table.
`,
  );

  it('gives a PDF with the table title and a "no rows" line', async () => {
    const out = join(tmp.dir, 'empty/out.pdf');
    const run = await cli('render', report, '-o', out, '--no-cache');
    expect(run.stderr.join('\n')).toBe('');
    expect(run.code).toBe(0);
    const text = await pdfText(readFileSync(out));
    expect(text).toMatch(/Above the table\. Nothing here No rows Below the table\./);
  });

  it('gives HTML with the title and a "no rows" line', async () => {
    const out = join(tmp.dir, 'empty/out.html');
    const run = await cli('render', report, '-o', out, '--no-cache');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<div class="title">Nothing here</div>');
    expect(html).toContain('No rows');
  });

  it('a table with columns but no rows keeps its header', async () => {
    const file = tmp.write(
      'empty/columns.yaml',
      `title: Filtered away
datasets:
  d: { source: inline, rows: [{ k: a, v: 1 }] }
body:
  - table: { data: { from: d, filter: [{ field: k, op: eq, value: zzz }] } }
`,
    );
    for (const format of ['pdf', 'html']) {
      const out = join(tmp.dir, `empty/columns.${format}`);
      const run = await cli('render', file, '-o', out, '--no-cache');
      expect(run.code).toBe(0);
      const text = format === 'pdf' ? await pdfText(readFileSync(out)) : readFileSync(out, 'utf8');
      expect(text).toContain('No rows');
    }
  });
});
