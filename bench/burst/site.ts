import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from '../gen.js';

/** Stores in the generated data: one document each in a full burst. */
export const STORES = 500;

/** The store ids, `S001` to `S500`, in the order a burst renders them. */
export const storeIds = (n = STORES): string[] =>
  Array.from({ length: n }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const PRODUCTS = ['Espresso', 'Filter', 'Cold Brew', 'Tea', 'Pastry', 'Sandwich', 'Juice', 'Beans'];

/**
 * A report with a `store` param whose four charts each read the sales filtered to that store, so
 * a burst splits all four from one scan.
 */
const REPORT = `title: Store review
subtitle: Sales of one store, 2024 to 2025
params:
  store: { type: string, description: The store the document is about. }
datasets:
  sales: { source: csv, path: sales.csv }
  stores: { source: csv, path: stores.csv }
charts:
  by_region:
    type: bar
    title: Sales by customer region
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [region]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [region]
    encode: { x: region, y: amount }
  by_month:
    type: line
    title: Monthly sales
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [{ field: date, bucket: month }]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [date]
    encode: { x: date, y: amount }
  by_product:
    type: pie
    title: Sales by product
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [product]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [{ field: amount, order: desc }]
    encode: { x: product, y: amount }
  product_mix:
    type: area
    title: Monthly sales by product
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

/** The files of the burst benchmark: the report and its two CSV files beside it. */
export interface BurstSite {
  readonly dir: string;
  readonly report: string;
  readonly sales: string;
  readonly stores: string;
}

/**
 * The burst benchmark's files under `BENCH_DIR`: `rows` sales (date, store, region, product,
 * units, amount) over 2024 and 2025 and the `STORES` stores, made with a fixed seed so every run
 * reads the same bytes. The CSV files are written once and reused; the report each time.
 */
export async function burstSite(rows: number): Promise<BurstSite> {
  const dir = join(BENCH_DIR, `burst-${rows}`);
  mkdirSync(dir, { recursive: true });
  const site = {
    dir,
    report: join(dir, 'report.yaml'),
    sales: join(dir, 'sales.csv'),
    stores: join(dir, 'stores.csv'),
  };
  writeFileSync(site.report, REPORT);
  const ids = storeIds();
  writeFileSync(
    site.stores,
    `id,name,region\n${ids.map((id, i) => `${id},Store ${i + 1},${REGIONS[i % REGIONS.length]}`).join('\n')}\n`,
  );
  if (!(existsSync(site.sales) && statSync(site.sales).size > 0)) await writeSales(site.sales, rows, ids);
  return site;
}

async function writeSales(path: string, rows: number, ids: readonly string[]): Promise<void> {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const start = Date.UTC(2024, 0, 1);
  const days = 731;
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  out.write('date,store,region,product,units,amount\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    // Days in order, as a sales export would be; stores, regions and products at random.
    const day = new Date(start + Math.floor((i / rows) * days) * 86_400_000).toISOString().slice(0, 10);
    const units = 1 + Math.floor(rand() * 5);
    const amount = (units * (2 + rand() * 18)).toFixed(2);
    chunk += `${day},${ids[Math.floor(rand() * ids.length)]},${REGIONS[Math.floor(rand() * REGIONS.length)]},${PRODUCTS[Math.floor(rand() * PRODUCTS.length)]},${units},${amount}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  renameSync(tmp, path);
}
