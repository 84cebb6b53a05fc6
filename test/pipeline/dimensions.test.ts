import { describe, expect, it } from 'vitest';
import { frameToRows } from '../../src/frame.js';
import { runPlanData } from '../../src/pipeline/data.js';
import { KeptFrames } from '../../src/pipeline/kept-frames.js';
import { prepareReport } from '../../src/pipeline/prepare.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
tmp.write('sales.csv', 'store,amount\n1,10\n2,20\n1,5\n3,1\n');
tmp.write('returns.csv', 'store,amount\n2,3\n1,1\n');
tmp.write('stores.csv', 'store,region\n1,EU\n2,US\n3,EU\n');
const report = tmp.write(
  'report.yaml',
  `title: Dimensions
datasets:
  sales: { source: csv, path: sales.csv }
  returns: { source: csv, path: returns.csv }
  stores: { source: csv, path: stores.csv }
charts:
  sold:
    type: bar
    data: { from: sales, lookup: { from: stores, on: store, fields: [region] }, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
  returned:
    type: bar
    data: { from: returns, lookup: { from: stores, on: store, fields: [region], as: store_ }, groupBy: [store_region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: store_region, y: total }
  kinds:
    type: bar
    data: { from: stores, lookup: { from: returns, on: store, fields: [amount], as: returned_, onMissing: skip } }
    encode: { x: region, y: returned_amount }
body:
  - chart: sold
  - chart: returned
`,
);

async function run(kept?: KeptFrames) {
  const prepared = await prepareReport(report, {}, 1e6, undefined);
  const reads: string[] = [];
  const data = await runPlanData(prepared.plan, {
    ...prepared,
    frames: kept?.run(),
    onRead: (path) => reads.push(path.slice(tmp.dir.length + 1)),
  });
  return {
    reads: reads.sort(),
    rows: Object.fromEntries([...data.frames].map(([id, f]) => [id, frameToRows(f)])),
  };
}

describe('the dimensions of a plan', () => {
  it('are read once, in a pass of their own, shared by every dataset that looks them up', async () => {
    const { reads, rows } = await run();
    expect(reads).toEqual(['returns.csv', 'sales.csv', 'stores.csv']);
    expect(rows.sold).toEqual([
      { region: 'EU', total: 16 },
      { region: 'US', total: 20 },
    ]);
    expect(rows.returned).toEqual([
      { store_region: 'US', total: 3 },
      { store_region: 'EU', total: 1 },
    ]);
  });

  it('may look each other up: a dimension is read raw, so no lookup waits on another', async () => {
    const text = (await import('node:fs'))
      .readFileSync(report, 'utf8')
      .replace('body:\n', 'body:\n  - chart: kinds\n');
    const prepared = await prepareReport(tmp.write('both.yaml', text), {}, 1e6, undefined);
    const data = await runPlanData(prepared.plan, prepared);
    expect(data.failed.size).toBe(0);
    expect(frameToRows(data.frames.get('kinds')!)).toEqual([
      { store: 1, region: 'EU', returned_amount: 1 },
      { store: 2, region: 'US', returned_amount: 3 },
    ]);
  });

  it('are read again on a rerun, whose frames with lookups are not kept', async () => {
    const kept = new KeptFrames();
    await run(kept);
    tmp.write('stores.csv', 'store,region\n1,APAC\n2,US\n3,EU\n');
    const { rows } = await run(kept);
    expect(rows.sold).toEqual([
      { region: 'APAC', total: 15 },
      { region: 'US', total: 20 },
      { region: 'EU', total: 1 },
    ]);
  });
});

describe('lookups through the library', () => {
  it('render a report object whose chart groups by a looked-up field', async () => {
    const { createEngine } = await import('../../src/engine.js');
    const engine = createEngine({ cache: false, pool: { threads: 1 } });
    try {
      const result = await engine.render(
        {
          title: 'Library',
          datasets: {
            sales: {
              source: 'inline',
              rows: [
                { store: 1, amount: 10 },
                { store: 2, amount: 20 },
                { store: 1, amount: 5 },
              ],
            },
            stores: {
              source: 'inline',
              rows: [
                { store: 1, region: 'North' },
                { store: 2, region: 'South' },
              ],
            },
          },
          charts: {
            c: {
              type: 'bar',
              data: {
                from: 'sales',
                lookup: { from: 'stores', on: 'store', fields: ['region'] },
                groupBy: ['region'],
                aggregate: { total: { op: 'sum', field: 'amount' } },
              },
              encode: { x: 'region', y: 'total' },
            },
          },
          body: [{ chart: 'c' }],
        },
        { format: 'html' },
      );
      expect(result.charts.map((c) => c.status)).toEqual(['rendered']);
      expect(result.output).toMatch(/>North</);
      expect(result.output).toMatch(/>South</);
    } finally {
      await engine.close();
    }
  });
});
