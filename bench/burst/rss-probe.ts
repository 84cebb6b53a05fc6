// Memory of a 500-document burst in one process (`pool: { threads: 1 }`, no chart cache), with a
// full GC every 50 documents: what stays, as opposed to what V8 has not collected yet. With
// `passes` (default 1), the burst runs that many times in a row on the one engine.
// `node --expose-gc --import tsx bench/burst/rss-probe.ts <report.yaml> [passes]` after
// `npm run build` (the report and data of `npm run bench -- burst`, under
// /tmp/chartpress-bench/burst-1000000/).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { storeIds } from './site.js';

const [report = '', passes = '1'] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const lib = pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href;
const { createEngine } = (await import(lib)) as typeof import('../../src/index.js');
const engine = createEngine({ cache: false, pool: { threads: 1 } });
const mb = (n: number) => Math.round(n / 1e6);
let done = 0;
for (let pass = 0; pass < Number(passes); pass++)
  await engine.renderEach(report, {
    each: { param: 'store', values: storeIds(500) },
    onDocument: () => {
      if (++done % 50 !== 0) return;
      const t = performance.now();
      gc();
      const pause = performance.now() - t;
      const m = process.memoryUsage();
      console.log(
        `${done} documents: RSS ${mb(m.rss)} MB, JavaScript heap ${mb(m.heapUsed)} MB; full GC ${pause.toFixed(1)} ms`,
      );
    },
  });
await engine.close();
