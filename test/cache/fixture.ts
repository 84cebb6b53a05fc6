import { tempDir } from '../helpers/tmp.js';

/** A small report over one CSV file: five charts, two of them the same picture (four keys). */
export function cacheReport(): {
  dir: string;
  report: string;
  write: (name: string, text: string) => string;
} {
  const tmp = tempDir();
  const rows = ['month,region,amount'];
  for (let m = 1; m <= 12; m++)
    for (const [r, region] of ['EMEA', 'Americas', 'APAC'].entries())
      rows.push(`2024-${String(m).padStart(2, '0')}-01,${region},${100 + m * 7 + r * 31}`);
  tmp.write('data/sales.csv', rows.join('\n'));
  const report = tmp.write(
    'report.yaml',
    `title: Cache test
datasets:
  sales: { source: csv, path: data/sales.csv }
charts:
  by_region:
    type: bar
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } }, sort: [region] }
    encode: { x: region, y: total }
  trend:
    type: line
    title: Trend
    data: { from: sales, groupBy: [month, region], aggregate: { total: { op: sum, field: amount } }, sort: [month] }
    encode: { x: month, y: total, series: region }
  share:
    type: pie
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
  trend_again:
    type: line
    title: Trend
    data: { from: sales, groupBy: [month, region], aggregate: { total: { op: sum, field: amount } }, sort: [month] }
    encode: { x: month, y: total, series: region }
  spark:
    type: sparkline
    data: { from: sales, groupBy: [month], aggregate: { total: { op: sum, field: amount } }, sort: [month] }
    encode: { x: month, y: total }
body:
  - heading: Charts
  - chart: by_region
  - chart: trend
  - chart: share
  - chart: spark
  - chart: trend_again
`,
  );
  return { dir: tmp.dir, report, write: tmp.write };
}
