import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import type { BurstResult } from '../../src/pipeline/render-each.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A burst whose queries have windows or a fold: these read the whole result of the document's
 * query, so they run per document, and each document is the one a render with its param gives.
 */
const tmp = tempDir();
const stores = ['S1', 'S2', 'S3'];
const sales = ['store,month,amount'];
let n = 0;
for (const store of stores)
  for (const month of ['2024-01-01', '2024-02-01', '2024-03-01'])
    for (let k = 0; k < 2; k++) sales.push(`${store},${month},${(n++ * 37) % 101}`);
tmp.write('data/sales.csv', `${sales.join('\n')}\n`);

const report = tmp.write(
  'report.yaml',
  `title: Stores
params:
  store: { type: string }
datasets:
  sales: { source: csv, path: data/sales.csv }
charts:
  running:
    type: line
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [month]
      aggregate: { total: { op: sum, field: amount } }
      window: [{ op: cumsum, field: total, as: running }, { op: rank, order: [{ field: total, order: desc }] }]
      sort: [rank]
      limit: 2
    encode: { x: month, y: [total, running] }
body:
  - chart: running
  - table:
      data:
        from: sales
        filter: [{ field: store, value: { param: store } }]
        groupBy: [month]
        aggregate: { total: { op: sum, field: amount }, top: { op: max, field: amount } }
        sort: [month]
        limit: 2
        fold: [total, top]
`,
);

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

describe('engine.renderEach with windows and fold', () => {
  it('runs them per document, each the document its own render gives', async () => {
    const docs: BurstResult[] = [];
    const summary = await engine.renderEach(report, {
      each: { param: 'store', values: stores },
      format: 'html',
      onDocument: (d) => {
        docs.push(d);
      },
    });
    expect(summary).toMatchObject({ total: 3, ok: 3, failed: 0 });
    expect(summary.scans).toMatchObject({ splitQueries: 0, perDocumentQueries: 2 });
    for (const doc of docs) {
      const alone = await engine.render(report, { format: 'html', params: { store: String(doc.value) } });
      expect(String(doc.result?.output), String(doc.value)).toBe(String(alone.output));
    }
  });
});
