import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import type { BurstResult } from '../../src/pipeline/render-each.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A burst with calculated fields, conditional aggregates and `having`: each document is the one
 * a render with its param gives, a query whose `where` or `having` reads the param included
 * (it cannot be shared or split, so it runs per document).
 */
const tmp = tempDir();
const stores = ['S1', 'S2', 'S3'];
const sales = ['store,region,units,amount'];
let n = 0;
for (const store of stores)
  for (const region of ['EU', 'US', 'APAC'])
    for (let k = 0; k < 3; k++) sales.push(`${store},${region},${(n * 7) % 11},${(n++ * 37) % 101}`);
tmp.write('data/sales.csv', `${sales.join('\n')}\n`);

const report = tmp.write(
  'report.yaml',
  `title: Stores
params:
  store: { type: string }
datasets:
  sales: { source: csv, path: data/sales.csv }
charts:
  split:
    type: bar
    data:
      from: sales
      calculate: { value: "units * amount", busy: "units > 5" }
      filter: [{ field: store, value: { param: store } }]
      groupBy: [region]
      aggregate: { total: { op: sum, field: value }, busy: { op: count, where: [{ field: busy, op: eq, value: true }] } }
      having: [{ field: total, op: gt, value: 100 }]
      sort: [region]
    encode: { x: region, y: total }
  mineInWhere:
    type: bar
    data:
      from: sales
      groupBy: [region]
      aggregate: { mine: { op: sum, field: amount, where: [{ field: store, value: { param: store } }] } }
      sort: [region]
    encode: { x: region, y: mine }
  mineInHaving:
    type: bar
    data:
      from: sales
      groupBy: [store]
      aggregate: { n: { op: count } }
      having: [{ field: store, op: ne, value: { param: store } }]
    encode: { x: store, y: n }
body:
  - chart: split
  - chart: mineInWhere
  - chart: mineInHaving
`,
);

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

describe('engine.renderEach with calculate, where and having', () => {
  it('gives each store the document its own render gives', async () => {
    const docs: BurstResult[] = [];
    const summary = await engine.renderEach(report, {
      each: { param: 'store', values: stores },
      format: 'html',
      onDocument: (d) => {
        docs.push(d);
      },
    });
    expect(summary).toMatchObject({ total: 3, ok: 3, failed: 0 });
    expect(summary.scans).toMatchObject({ splitQueries: 1, perDocumentQueries: 2 });
    for (const doc of docs) {
      const alone = await engine.render(report, { format: 'html', params: { store: String(doc.value) } });
      expect(String(doc.result?.output), String(doc.value)).toBe(String(alone.output));
    }
  });
});
