// csv-parse streaming parse of the sales CSV (arrays of strings, numbers converted by hand)
// feeding the eight aggregates written by hand, in one pass: `data-csv-parse.mjs <csv>`.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { report } from './child.mjs';
import { salesAggregates } from './sales-aggregates.mjs';

const t = performance.now();
const agg = salesAggregates();
const rows = createReadStream(process.argv[2]).pipe(parse({ from_line: 2 }));
for await (const r of rows) agg.add(r[0], r[1], r[2], r[3], Number(r[4]), Number(r[5]), Number(r[6]));
const results = agg.results();
report({ ms: performance.now() - t, results });
