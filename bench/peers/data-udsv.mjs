// udsv streaming parse of the sales CSV (string cells, numbers converted by hand) feeding the eight
// aggregates written by hand, in one pass: `data-udsv.mjs <csv>`.
import { createReadStream } from 'node:fs';
import { inferSchema, initParser } from 'udsv';
import { report } from './child.mjs';
import { salesAggregates } from './sales-aggregates.mjs';

const t = performance.now();
const agg = salesAggregates();
const row = (r) => {
  agg.add(r[0], r[1], r[2], r[3], Number(r[4]), Number(r[5]), Number(r[6]));
};
let parser;
for await (const chunk of createReadStream(process.argv[2], { encoding: 'utf8', highWaterMark: 1 << 20 })) {
  parser ??= initParser(inferSchema(chunk));
  parser.chunk(chunk, parser.stringArrs, row);
}
parser?.end();
const results = agg.results();
report({ ms: performance.now() - t, results });
