import { cache } from './cache.js';
import { csv } from './csv.js';
import { data } from './data.js';
import { document } from './document.js';
import { pipeline } from './pipeline.js';
import { telemetry } from './telemetry.js';

export const suites: Record<string, () => Promise<void>> = {
  burst: () => import('./burst.js').then((m) => m.burst()),
  cache,
  csv,
  chart: () => import('./chart.js').then((m) => m.chart()),
  data,
  document,
  facet: () => import('./facet.js').then((m) => m.facet()),
  fleet: () => import('./fleet.js').then((m) => m.fleet()),
  // Runs when imported: the script measures fresh processes of its own.
  fonts: () => import('../font-subset.js').then(() => {}),
  peers: () => import('./peers.js').then((m) => m.peers()),
  pipeline,
  pool: () => import('./pool.js').then((m) => m.pool()),
  preview: () => import('./preview.js').then((m) => m.preview()),
  scan: () => import('./scan.js').then((m) => m.scan()),
  serve: () => import('./serve.js').then((m) => m.serve()),
  telemetry,
  values: () => import('./values.js').then((m) => m.values()),
};
