import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from '../gen.js';
import { storeIds as ids, storeReport, writeSales, writeStores } from '../store-sales.js';

/** Stores in the generated data: one document each in a full burst. */
export const STORES = 500;

/** The store ids, `S001` to `S500`, in the order a burst renders them. */
export const storeIds = (n = STORES): string[] => ids(n);

/** The files of the burst benchmark: the report and its two CSV files beside it. */
export interface BurstSite {
  readonly dir: string;
  readonly report: string;
  readonly sales: string;
  readonly stores: string;
}

/**
 * The burst benchmark's files under `BENCH_DIR` (see bench/store-sales.ts): `rows` sales of the
 * `STORES` stores. The CSV files are written once and reused; the report each time.
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
  writeFileSync(site.report, storeReport());
  writeStores(site.stores, storeIds());
  if (!(existsSync(site.sales) && statSync(site.sales).size > 0))
    await writeSales(site.sales, rows, storeIds());
  return site;
}
