/**
 * The store sales of the burst and fleet benchmarks: a sales CSV over 2024 and 2025 (date, store,
 * region, product, units, amount; days in order, the rest drawn with a fixed seed, so every run
 * reads the same bytes), a stores CSV, and a report with a `store` param whose four charts each
 * read the sales filtered to that store, so that a burst splits all four from one scan.
 */
import { writeFileSync } from 'node:fs';
import { writeCsv } from './gen.js';

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const PRODUCTS = ['Espresso', 'Filter', 'Cold Brew', 'Tea', 'Pastry', 'Sandwich', 'Juice', 'Beans'];

/** The store ids `S001`, `S002`, ... in the order a burst renders them. */
export const storeIds = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);

export function writeStores(path: string, ids: readonly string[]): void {
  writeFileSync(
    path,
    `id,name,region\n${ids.map((id, i) => `${id},Store ${i + 1},${REGIONS[i % REGIONS.length]}`).join('\n')}\n`,
  );
}

/** `rows` sales of the stores `ids`, written to a temporary file and renamed into place. */
export function writeSales(path: string, rows: number, ids: readonly string[]): Promise<void> {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const start = Date.UTC(2024, 0, 1);
  const days = 731;
  return writeCsv(path, 'date,store,region,product,units,amount', rows, (i) => {
    // Days in order, as a sales export would be; stores, regions and products at random.
    const day = new Date(start + Math.floor((i / rows) * days) * 86_400_000).toISOString().slice(0, 10);
    const units = 1 + Math.floor(rand() * 5);
    const amount = (units * (2 + rand() * 18)).toFixed(2);
    return `${day},${ids[Math.floor(rand() * ids.length)]},${REGIONS[Math.floor(rand() * REGIONS.length)]},${PRODUCTS[Math.floor(rand() * PRODUCTS.length)]},${units},${amount}`;
  });
}

/**
 * The report, reading `sales.csv` and `stores.csv` beside it. `tag` goes into every chart title
 * (so that no run finds another's charts in a shared cache); with `values`, the param lists them.
 */
export function storeReport(options: { tag?: string; values?: readonly string[] } = {}): string {
  const tag = options.tag ? ` (${options.tag})` : '';
  const listed = options.values ? `, values: [${options.values.join(', ')}]` : '';
  return `title: Store review
subtitle: Sales of one store, 2024 to 2025
params:
  store: { type: string${listed}, description: The store the document is about. }
datasets:
  sales: { source: csv, path: sales.csv }
  stores: { source: csv, path: stores.csv }
charts:
  by_region:
    type: bar
    title: Sales by customer region${tag}
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [region]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [region]
    encode: { x: region, y: amount }
  by_month:
    type: line
    title: Monthly sales${tag}
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [{ field: date, bucket: month }]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [date]
    encode: { x: date, y: amount }
  by_product:
    type: pie
    title: Sales by product${tag}
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [product]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [{ field: amount, order: desc }]
    encode: { x: product, y: amount }
  product_mix:
    type: area
    title: Monthly sales by product${tag}
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [{ field: date, bucket: month }, product]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [date, product]
    encode: { x: date, y: amount, series: product }
    options: { stacked: true }
body:
  - heading: Sales
  - chart: by_month
  - row:
      - chart: by_region
      - chart: by_product
  - chart: product_mix
`;
}
