import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { recordChannels } from '../telemetry/helpers.js';

const tmp = tempDir();
const lines = ['date,region,channel,amount'];
for (const region of ['EMEA', 'Americas', 'APAC', 'LatAm', 'Nordics', 'Iberia']) {
  for (const month of ['01', '02', '03', '04']) {
    for (const channel of ['store', 'web'])
      lines.push(`2024-${month}-15,${region},${channel},${Number(month) * 10}`);
  }
}
tmp.write('data/sales.csv', `${lines.join('\n')}\n`);

const report = tmp.write(
  'facet.yaml',
  `title: Facets
datasets:
  sales: { source: csv, path: data/sales.csv }
charts:
  byRegion:
    type: bar
    title: Sales by month
    data:
      from: sales
      groupBy: [{ field: date, bucket: month }, channel]
      aggregate: { total: { op: sum, field: amount } }
      sort: [date]
    encode: { x: date, y: total, series: channel }
    facet: { field: region, columns: 3 }
body:
  - chart: byRegion
`,
);

const engine = createEngine({ cache: { memory: true } });
afterAll(() => engine.close());

describe('a faceted chart in a report', () => {
  it('is one chart: one scan of its dataset, one query, one render, one cache entry', async () => {
    const channels = recordChannels();
    const first = await engine.render(report, { format: 'html' });
    expect(channels.on('data:start').map((s) => [s.dataset, s.queries])).toEqual([['sales', 1]]);
    expect(first.charts).toHaveLength(1);
    expect(first.charts[0]).toMatchObject({ id: 'byRegion', status: 'rendered' });
    expect(first.stats.cache).toMatchObject({ hits: 0, misses: 1 });
    const html = String(first.output);
    // The six panels, grouped by region in the one pass, in one picture.
    for (const region of ['EMEA', 'Americas', 'APAC', 'LatAm', 'Nordics', 'Iberia'])
      expect(html).toContain(region);

    const again = await engine.render(report, { format: 'html' });
    expect(again.charts[0]).toMatchObject({ status: 'cached', key: first.charts[0]?.key });
    expect(again.stats.cache).toMatchObject({ hits: 1, misses: 0 });
  });

  it('reports a facet field the dataset lacks at the groupBy item it adds', async () => {
    const bad = tmp.write(
      'bad.yaml',
      readFileSync(report, 'utf8').replace('field: region, columns', 'field: regio, columns'),
    );
    const result = await engine.render(bad, { format: 'html' });
    expect(result.charts[0]?.status).toBe('failed');
    expect(result.charts[0]?.error).toMatchObject({
      code: 'CP_ERR_UNKNOWN_COLUMN',
      path: 'charts.byRegion.data.groupBy[2]',
    });
    expect(result.charts[0]?.error?.message).toContain('"regio"');
  });

  it('grows with its rows of panels: two rows of three, the page drawing it at that size', async () => {
    const html = String((await engine.render(report, { format: 'html' })).output);
    // The chart's SVG and the page's reference to it have one size: 600 wide, two rows of
    // panels at least 180 px high each, under the title and legend.
    const sizes = [...html.matchAll(/<(?:svg|use)\b[^>]*? width="600" height="(\d+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(sizes.length).toBeGreaterThan(0);
    for (const h of sizes) expect(h).toBeGreaterThan(2 * 180);
    expect(new Set(sizes).size).toBe(1);
  });
});
