// Runs the eight queries over one CSV in a fresh process and prints its peak RSS (bytes) as JSON.

import { runQueries } from '../src/data/scan.js';
import { openSource } from '../src/data/sources/index.js';
import { eightQueries } from './suites/data-queries.js';

const path = process.argv[2] ?? '';
const t = performance.now();
await runQueries(
  openSource('s', { source: 'csv', path }, { baseDir: '/' }),
  eightQueries,
  {},
  { dataset: 's' },
);
console.log(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, ms: performance.now() - t }));
