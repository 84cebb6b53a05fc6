import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { type BurstResult, PDF_PROCESS_MIN_DOCUMENTS } from '../../src/pipeline/render-each.js';
import { undated } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const stores = ['S1', 'S2', 'S3', 'S4'];
// S4 has no sales: its slices are empty.
const sales = ['store,region,product,amount'];
let n = 0;
for (const store of stores.slice(0, 3))
  for (const region of ['EU', 'US', 'APAC'])
    for (const product of ['a', 'b']) sales.push(`${store},${region},${product},${(n++ * 37) % 101}`);
tmp.write('data/sales.csv', `${sales.join('\n')}\n`);
tmp.write('data/stores.csv', `id,name\n${stores.map((s) => `${s},Store ${s}`).join('\n')}\n`);

const mine = '[{ field: store, value: { param: store } }]';
const report = tmp.write(
  'report.yaml',
  `title: Stores
params:
  store: { type: string }
datasets:
  sales: { source: csv, path: data/sales.csv }
  stores: { source: csv, path: data/stores.csv }
charts:
  byRegion:
    type: bar
    data: { from: sales, filter: ${mine}, groupBy: [region], aggregate: { total: { op: sum, field: amount } }, sort: [{ field: total, order: desc }] }
    encode: { x: region, y: total }
  everyone:
    type: pie
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
  others:
    type: bar
    data: { from: sales, filter: [{ field: store, op: ne, value: { param: store } }], groupBy: [store], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: store, y: total }
body:
  - heading: Store
  - chart: byRegion
  - chart: everyone
  - chart: others
  - table: { title: Total, data: { from: sales, filter: ${mine}, aggregate: { n: { op: count }, total: { op: sum, field: amount } } } }
  - table: { title: Top rows, data: { from: sales, filter: ${mine}, sort: [{ field: amount, order: desc }], limit: 3 } }
  - table: { title: Name, data: { from: stores, filter: [{ field: id, value: { param: store } }] } }
`,
);

const engine = createEngine({ cache: { memory: true } });

afterAll(() => engine.close());

describe('engine.renderEach', () => {
  it('gives each value the very document a render with that param gives, reading each dataset once', async () => {
    const docs: BurstResult[] = [];
    const summary = await engine.renderEach(report, {
      each: { param: 'store', from: 'stores', field: 'id' },
      format: 'html',
      onDocument: (d) => {
        docs.push(d);
      },
    });
    expect(summary).toMatchObject({ total: 4, ok: 4, failed: 0, skipped: 0 });
    expect(summary.scans).toEqual({ shared: 2, sharedQueries: 1, splitQueries: 4, perDocumentQueries: 1 });
    expect(docs.map((d) => d.value).sort()).toEqual(stores);
    // The same pictures; whether each came from the cache is all that may differ.
    const status = (html: unknown) => String(html).replace(/data-status="(rendered|cached)"/g, '');
    for (const doc of docs) {
      const alone = await engine.render(report, { format: 'html', params: { store: String(doc.value) } });
      expect(status(doc.result?.output), String(doc.value)).toBe(status(alone.output));
      expect(doc.result?.stats.charts.failed).toBe(0);
    }
  });

  it('gives the same PDFs with Typst on a thread of its own', async () => {
    const docs: BurstResult[] = [];
    const summary = await engine.renderEach(report, {
      each: { param: 'store', from: 'stores', field: 'id' },
      onDocument: (d) => {
        docs.push(d);
      },
    });
    // Enough documents for the PDF process.
    expect(summary).toMatchObject({ total: PDF_PROCESS_MIN_DOCUMENTS, ok: PDF_PROCESS_MIN_DOCUMENTS });
    for (const doc of docs) {
      const alone = await engine.render(report, { params: { store: String(doc.value) } });
      const pdf = doc.result?.output as Uint8Array;
      expect(undated(pdf), String(doc.value)).toBe(undated(alone.output as Uint8Array));
    }
  });

  it('takes the values from a list, skips what it is told to, and a value the param refuses fails alone', async () => {
    tmp.write(
      'typed.yaml',
      `title: T\nparams:\n  n: { type: number, values: [1, 2, 3] }\ndatasets:\n  d: { source: inline, rows: [{ n: 1, v: 3 }, { n: 2, v: 4 }] }\ncharts:\n  c: { type: bar, data: { from: d, filter: [{ field: n, value: { param: n } }] }, encode: { x: n, y: v } }\nbody: [{ chart: c }]\n`,
    );
    const docs: BurstResult[] = [];
    const summary = await engine.renderEach(`${tmp.dir}/typed.yaml`, {
      each: { param: 'n', values: [1, 'two', 2, 3] },
      format: 'html',
      skip: (v) => v === 3,
      onDocument: (d) => {
        docs.push(d);
      },
    });
    expect(summary).toMatchObject({ total: 4, ok: 2, failed: 1, skipped: 1 });
    const failed = docs.find((d) => d.status === 'failed');
    expect(failed?.value).toBe('two');
    expect(failed?.error?.[0]?.code).toBe('CP_ERR_PARAM_TYPE');
    const fromDeclared = await engine.renderEach(`${tmp.dir}/typed.yaml`, { each: 'n', format: 'html' });
    expect(fromDeclared).toMatchObject({ total: 3, ok: 3 });
  });

  it('names what is wrong with the param or its values', async () => {
    await expect(engine.renderEach(report, { each: 'shop' })).rejects.toMatchObject({
      code: 'CP_ERR_UNKNOWN_PARAM',
    });
    await expect(engine.renderEach(report, { each: 'store' })).rejects.toMatchObject({
      code: 'CP_ERR_MISSING_FIELD',
    });
    await expect(
      engine.renderEach(report, { each: { param: 'store', from: 'nope', field: 'id' } }),
    ).rejects.toMatchObject({ code: 'CP_ERR_UNKNOWN_DATASET' });
    await expect(
      engine.renderEach(report, { each: { param: 'store', values: [] }, concurrency: 0 }),
    ).rejects.toMatchObject({
      code: 'CP_ERR_INVALID_VALUE',
    });
  });
});
