// Runs the eight queries on a Parquet file through DuckDB in a fresh process and prints its peak
// RSS (bytes), time and the number of queries pushed down, as JSON.

import { runPushDowns } from '../src/data/sql/index.js';
import { eightQueries } from './suites/data-queries.js';

const path = process.argv[2] ?? '';
const t = performance.now();
const frames = await runPushDowns('s', { source: 'parquet', path }, eightQueries, {}, { baseDir: '/' });
const ms = performance.now() - t;
console.log(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, ms, pushed: frames.size }));
