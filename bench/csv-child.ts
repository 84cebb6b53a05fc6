// Reads one CSV as column batches in a fresh process and prints its peak RSS (bytes) as JSON.

import { csvSource } from '../src/data/sources/csv.js';

const path = process.argv[2] ?? '';
const t = performance.now();
let rows = 0;
for await (const batch of csvSource({ path, where: { path: 'datasets.s' } }).columnBatches!())
  rows += batch.length;
console.log(
  JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, ms: performance.now() - t, rows }),
);
