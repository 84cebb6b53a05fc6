import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeIds as ids, storeReport, writeSales, writeStores } from '../store-sales.js';

/** Stores in the generated data: one document each in a burst. */
export const STORES = 200;
/** Sales rows in the generated CSV. */
export const ROWS = 200_000;

/** The store ids, `S001` to `S200`. */
export const storeIds = (n = STORES): string[] => ids(n);

/** The fleet benchmark's files: the two CSV files, and reports written beside them. */
export interface FleetSite {
  readonly dir: string;
  readonly sales: string;
  readonly stores: string;
}

/** `ROWS` sales of the `STORES` stores (see bench/store-sales.ts), in a new temporary folder. */
export async function fleetSite(): Promise<FleetSite> {
  const dir = mkdtempSync(join(tmpdir(), 'chartpress-bench-fleet-'));
  const site = { dir, sales: join(dir, 'sales.csv'), stores: join(dir, 'stores.csv') };
  writeStores(site.stores, storeIds());
  await writeSales(site.sales, ROWS, storeIds());
  return site;
}

/**
 * Writes a report beside the data: `tag` goes into every chart title, so that no run finds the
 * charts of another in a chart cache (the workers share theirs through Redis). With `values`,
 * the param lists them, and `--each store` renders those stores only.
 */
export function writeReport(site: FleetSite, tag: string, values?: readonly string[]): string {
  const file = join(site.dir, `report-${tag}.yaml`);
  writeFileSync(file, storeReport({ tag, ...(values ? { values } : {}) }));
  return file;
}
