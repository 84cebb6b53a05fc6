import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Stores in the generated data: one document each in a burst. */
export const STORES = 200;
/** Sales rows in the generated CSV. */
export const ROWS = 200_000;

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const PRODUCTS = ['Espresso', 'Filter', 'Cold Brew', 'Tea', 'Pastry', 'Sandwich', 'Juice', 'Beans'];

/** The store ids, `S001` to `S200`. */
export const storeIds = (n = STORES): string[] =>
  Array.from({ length: n }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);

/** The fleet benchmark's files: the two CSV files, and reports written beside them. */
export interface FleetSite {
  readonly dir: string;
  readonly sales: string;
  readonly stores: string;
}

/**
 * `ROWS` sales (date, store, region, product, amount) over 2024 and 2025 and the `STORES` stores,
 * made with a fixed seed in a new temporary folder: every run reads the same bytes.
 */
export async function fleetSite(): Promise<FleetSite> {
  const dir = mkdtempSync(join(tmpdir(), 'chartpress-bench-fleet-'));
  const site = { dir, sales: join(dir, 'sales.csv'), stores: join(dir, 'stores.csv') };
  const ids = storeIds();
  writeFileSync(
    site.stores,
    `id,name,region\n${ids.map((id, i) => `${id},Store ${i + 1},${REGIONS[i % REGIONS.length]}`).join('\n')}\n`,
  );
  await writeSales(site.sales, ids);
  return site;
}

async function writeSales(path: string, ids: readonly string[]): Promise<void> {
  let seed = 11;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const start = Date.UTC(2024, 0, 1);
  const days = 731;
  const out = createWriteStream(path);
  out.write('date,store,region,product,amount\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    // Days in order, as a sales export would be; stores, regions and products at random.
    const day = new Date(start + Math.floor((i / ROWS) * days) * 86_400_000).toISOString().slice(0, 10);
    const amount = (2 + rand() * 80).toFixed(2);
    chunk += `${day},${ids[Math.floor(rand() * ids.length)]},${REGIONS[Math.floor(rand() * REGIONS.length)]},${PRODUCTS[Math.floor(rand() * PRODUCTS.length)]},${amount}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/**
 * Writes a report beside the data: a `store` param and four charts, each reading the sales
 * filtered to that store. `tag` goes into every chart title, so that no run finds the charts of
 * another in a chart cache (the workers share theirs through Redis). With `values`, the param
 * lists them, and `--each store` renders those stores only.
 */
export function writeReport(site: FleetSite, tag: string, values?: readonly string[]): string {
  const file = join(site.dir, `report-${tag}.yaml`);
  const listed = values ? `, values: [${values.join(', ')}]` : '';
  writeFileSync(
    file,
    `title: Store review
subtitle: Sales of one store, 2024 to 2025
params:
  store: { type: string${listed}, description: The store the document is about. }
datasets:
  sales: { source: csv, path: sales.csv }
  stores: { source: csv, path: stores.csv }
charts:
  by_region:
    type: bar
    title: Sales by customer region (${tag})
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [region]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [region]
    encode: { x: region, y: amount }
  by_month:
    type: line
    title: Monthly sales (${tag})
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [{ field: date, bucket: month }]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [date]
    encode: { x: date, y: amount }
  by_product:
    type: pie
    title: Sales by product (${tag})
    data:
      from: sales
      filter: [{ field: store, value: { param: store } }]
      groupBy: [product]
      aggregate: { amount: { op: sum, field: amount } }
      sort: [{ field: amount, order: desc }]
    encode: { x: product, y: amount }
  product_mix:
    type: area
    title: Monthly sales by product (${tag})
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
`,
  );
  return file;
}
