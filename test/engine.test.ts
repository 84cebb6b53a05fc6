import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { pdfFontNames, pdfText } from './helpers/pdf.js';
import { tempDir } from './helpers/tmp.js';

const tmp = tempDir();
const SPECIAL = `#x [y] $z$ *b* _i_ @ref <lbl> \\ "q" // c <script>alert(1)</script> & 'a'`;
tmp.write(
  'data/rows.csv',
  [
    'label,value,date',
    `"${SPECIAL.replace(/"/g, '""')}",5,2024-01-03`,
    'Plain,7,2024-02-10',
    'Plain,1,2024-02-11',
  ].join('\n'),
);
const reportFile = tmp.write(
  'report.yaml',
  `title: ${JSON.stringify(`Title ${SPECIAL}`)}
params:
  detail: { type: boolean, default: false }
datasets:
  rows: { source: csv, path: data/rows.csv }
charts:
  by_label:
    type: bar
    title: ${JSON.stringify(`Chart ${SPECIAL}`)}
    data: { from: rows, groupBy: [label], aggregate: { total: { op: sum, field: value } }, sort: [label] }
    encode: { x: label, y: total }
  hidden:
    type: pie
    data: { from: rows, groupBy: [label], aggregate: { n: { op: count } } }
    encode: { x: label, y: n }
body:
  - heading: ${JSON.stringify(`Heading ${SPECIAL}`)}
  - text: ${JSON.stringify(`Text ${SPECIAL}`)}
  - chart: by_label
  - chart: by_label
  - table:
      title: Totals by label
      data: { from: rows, groupBy: [label], aggregate: { total: { op: sum, field: value } }, sort: [label] }
  - when: detail
    then: [{ chart: hidden }]
`,
);

// Without a cache, so that each test sees its charts rendered.
const engine = createEngine({ cache: false });
afterAll(() => engine.close());

describe('engine.render', () => {
  it('writes a PDF whose text shows every user string literally', async () => {
    const result = await engine.render(reportFile);
    expect(result.format).toBe('pdf');
    const pdf = result.output as Uint8Array;
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain(`Title ${SPECIAL}`);
    // Long lines wrap; compare without white space.
    const squeezed = text.replace(/\s+/g, '');
    // Text blocks read Markdown: *b* and _i_ are emphasis; everything else shows as written.
    const markdown = SPECIAL.replace('*b*', 'b').replace('_i_', 'i');
    for (const [prefix, shown] of [
      ['Heading', SPECIAL],
      ['Text', markdown],
      ['Chart', SPECIAL],
    ])
      expect(squeezed).toContain(`${prefix}${shown}`.replace(/\s+/g, ''));
    expect(text).toContain('Totals by label');
    expect(text).toContain('Plain');
    expect(text).toContain('8'); // 7 + 1 in the table
    expect(pdfFontNames(pdf).every((f) => f.includes('Inter'))).toBe(true);
  });

  it('reports charts by status and renders a chart placed twice once', async () => {
    const result = await engine.render(reportFile, { format: 'typ' });
    expect(result.charts.map((c) => [c.id, c.status])).toEqual([
      ['by_label', 'rendered'],
      ['hidden', 'skipped'],
    ]);
    expect(result.stats.charts).toEqual({ total: 2, rendered: 1, cached: 0, failed: 0, skipped: 1 });
    const source = result.output as string;
    const key = result.charts[0]?.key ?? '';
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(source.split(`/charts/${key}.svg`).length - 1).toBe(2);
    expect([...result.files.keys()]).toEqual([`/charts/${key}.svg`]);
  });

  it('renders the `when` branch when its param holds', async () => {
    const result = await engine.render(reportFile, { format: 'typ', params: { detail: 'true' } });
    expect(result.stats.charts).toMatchObject({ rendered: 2, skipped: 0 });
  });

  it('writes self-contained HTML with user strings escaped', async () => {
    const result = await engine.render(reportFile, { format: 'html' });
    const html = result.output as string;
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('@font-face { font-family: "Inter"');
    expect(html.match(/<svg/g)?.length).toBe(2);
    expect(html).not.toMatch(/<(link|img|script)\b[^>]*(src|href)=/);
  });

  it('takes a report object with a base folder', async () => {
    const result = await engine.render(
      {
        title: 'Inline',
        datasets: { d: { source: 'csv', path: 'data/rows.csv' } },
        charts: {},
        body: [{ table: { data: { from: 'd', aggregate: { n: { op: 'count' } } } } }],
      },
      { format: 'html', baseDir: tmp.dir },
    );
    expect(result.output as string).toContain('<td class="num">3</td>');
  });
});

describe('engine.data', () => {
  it("returns each reached chart's and table's aggregated rows, charts first", async () => {
    const data = await engine.data(reportFile);
    expect(Object.keys(data)).toEqual(['by_label', 'body[4].table']);
    const rows = [
      { label: SPECIAL, total: 5 },
      { label: 'Plain', total: 8 },
    ];
    expect(data.by_label).toEqual(rows);
    expect(data['body[4].table']).toEqual(rows);
  });
});

describe('example report', () => {
  it('renders with every chart type and no failure', async () => {
    const example = join(import.meta.dirname, '../examples/sales/report.yaml');
    expect(existsSync(example)).toBe(true);
    const result = await engine.render(example, { format: 'typ' });
    expect(result.problems).toEqual([]);
    const types = new Set(result.charts.filter((c) => c.status === 'rendered').map((c) => c.type));
    expect([...types].sort()).toEqual(['area', 'bar', 'gantt', 'line', 'pie', 'scatter', 'sparkline']);
    expect(result.stats.charts.skipped).toBe(1);
  });
});
