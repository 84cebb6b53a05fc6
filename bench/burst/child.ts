// A burst of the first `n` stores' documents in a fresh process, through the built package, kept in
// memory only; prints its peak RSS (bytes), time and counts as JSON. The engine has its default
// chart cache (in memory), or none when the third argument is `none`.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { storeIds } from './site.js';

// `child.ts <report> <documents> [memory|none] [documents at once] [render threads]`
const [report = '', count = '0', cache = 'memory', conc = '2', threads] = process.argv.slice(2);
const lib = pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href;
const { createEngine } = (await import(lib)) as typeof import('../../src/index.js');
const engine = createEngine({
  ...(cache === 'none' ? { cache: false } : {}),
  ...(threads ? { pool: { threads: Number(threads) } } : {}),
});
await engine.warmup();
let bytes = 0;
const t = performance.now();
const summary = await engine.renderEach(report, {
  each: { param: 'store', values: storeIds(Number(count)) },
  concurrency: Number(conc),
  onDocument: (doc) => {
    bytes += doc.result?.output.length ?? 0;
  },
});
const ms = performance.now() - t;
await engine.close();
console.log(
  JSON.stringify({
    maxRss: process.resourceUsage().maxRSS * 1024,
    ms,
    ok: summary.ok,
    total: summary.total,
    bytes,
  }),
);
