import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { renderChartSvg } from '../../src/chart/render.js';
import { runQueries } from '../../src/data/scan.js';
import { openSource } from '../../src/data/sources/index.js';
import { runPushDown } from '../../src/data/sql/index.js';
import { frameFromRows } from '../../src/frame.js';
import { downsampleFrame } from '../../src/pipeline/downsample.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import type { Query } from '../../src/spec/schema.js';
import { salesCsv, salesSqlite } from '../gen.js';
import { median, ms, ratio, row, times } from '../stats.js';
import { calculated } from './data-calculate.js';
import { parquet } from './data-parquet.js';
import { eightQueries } from './data-queries.js';

const csvSource = (path: string) => openSource('s', { source: 'csv', path }, { baseDir: '/' });

/** The data phase: one pass vs many, engine vs parse-only, memory vs rows, LTTB. */
export async function data(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const path = await salesCsv(rows);
  console.log(`data: ${rows.toLocaleString('en-US')} CSV rows (${path})\n`);

  const onePass = median(
    await times(2, () => runQueries(csvSource(path), eightQueries, {}, { dataset: 's' })),
  );
  const separate = median(
    await times(1, async () => {
      for (const [id, q] of eightQueries)
        await runQueries(csvSource(path), new Map([[id, q]]), {}, { dataset: 's' });
    }),
  );
  row('8 queries, one pass', ms(onePass));
  row('8 queries, 8 separate passes', ms(separate));
  row('separate / one pass', ratio(separate, onePass));

  const parseOnly = median(
    await times(2, async () => {
      for await (const _ of createReadStream(path).pipe(parse({ columns: true }))) {
        // parse only
      }
    }),
  );
  row(
    'parse only (csv-parse, no work), rows/s',
    `${Math.round(rows / (parseOnly / 1000)).toLocaleString('en-US')}`,
  );
  row('full engine (8 queries), rows/s', `${Math.round(rows / (onePass / 1000)).toLocaleString('en-US')}`);
  row('engine rows/s / parse-only rows/s', ratio(parseOnly, onePass));

  if (process.env.BENCH_RSS !== '0') {
    const big = rows * 10;
    const bigPath = await salesCsv(big);
    const child = (p: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--import', 'tsx', join(import.meta.dirname, '../data-child.ts'), p],
          { encoding: 'utf8' },
        ),
      ) as { maxRss: number; ms: number };
    const small = child(path);
    const large = child(bigPath);
    row(`peak RSS at ${rows.toLocaleString('en-US')} rows`, `${(small.maxRss / 2 ** 20).toFixed(0)} MB`);
    row(`peak RSS at ${big.toLocaleString('en-US')} rows`, `${(large.maxRss / 2 ** 20).toFixed(0)} MB`);
    row('peak RSS 10x rows / 1x rows', ratio(large.maxRss, small.maxRss));
  }

  await calculated(path);
  await sqlite(rows);
  await parquet(rows);
  await lttb();
}

/** The same GROUP BY pushed down to SQLite, and computed from the rows streamed out of it. */
async function sqlite(rows: number): Promise<void> {
  const path = await salesSqlite(rows);
  const dataset = { source: 'sqlite', path, table: 'sales' } as const;
  const query: Query = {
    from: 's',
    groupBy: ['region'],
    aggregate: {
      revenue: { op: 'sum', field: 'revenue' },
      n: { op: 'count' },
      avg: { op: 'avg', field: 'units' },
    },
  };
  const push = median(await times(3, () => runPushDown('s', dataset, query, {}, { baseDir: '/' })));
  const stream = median(
    await times(3, () =>
      runQueries(openSource('s', dataset, { baseDir: '/' }), new Map([['q', query]]), {}, { dataset: 's' }),
    ),
  );
  console.log(`\nSQLite, ${rows.toLocaleString('en-US')} rows, group by region (sum, count, avg)`);
  row('pushed down (one GROUP BY statement)', ms(push));
  row('rows streamed out and aggregated', ms(stream));
  row('streamed / pushed down', ratio(stream, push));
}

async function lttb(): Promise<void> {
  const n = 100_000;
  const frame = frameFromRows(
    Array.from({ length: n }, (_, i) => ({
      t: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      v: Math.sin(i / 500) * 100 + ((i * 7919) % 97) - 48,
    })),
  );
  const spec = {
    type: 'line',
    data: { from: 's' },
    encode: { x: 't', y: 'v' },
    options: { markers: false },
  } as const;
  const on = normalizeChart('c', spec);
  const off = normalizeChart('c', { ...spec, options: { ...spec.options, downsample: false } });
  renderChartSvg(on, downsampleFrame(on, frame));
  const full = median(await times(3, () => renderChartSvg(off, frame)));
  const reduced = median(await times(5, () => renderChartSvg(on, downsampleFrame(on, frame))));
  console.log(`\n100,000-point line, 600 px wide`);
  row('full render', ms(full));
  row('LTTB to 1,200 points + render', ms(reduced));
  row('full / LTTB', ratio(full, reduced));
}
