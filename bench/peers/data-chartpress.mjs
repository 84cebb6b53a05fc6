// chartpress (the built package, public API): the eight queries of bench/suites/data-queries.ts as
// the tables of a one-dataset report, read in one scan by `engine.data()`:
// `data-chartpress.mjs <csv> <queries.json>` (the queries as `[[id, query], ...]`).
import { readFileSync } from 'node:fs';
import { distImport, report } from './child.mjs';

const [csv = '', file = ''] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(file, 'utf8'));
const { createEngine } = await distImport('index.js');
const t = performance.now();
const engine = createEngine({ cache: false });
const data = await engine.data({
  title: 'peers',
  datasets: { s: { source: 'csv', path: csv } },
  body: queries.map(([, query]) => ({ table: { data: query } })),
});
const ms = performance.now() - t;
await engine.close();
// Tables come back by body path, in body order.
const results = Object.fromEntries(queries.map(([id], i) => [id, data[`body[${i}].table`]]));
report({ ms, results });
