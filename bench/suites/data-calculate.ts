import type { ColumnBatch } from '../../src/data/batch.js';
import { BatchView } from '../../src/data/batch-view.js';
import { QueryAccumulator } from '../../src/data/query.js';
import { openSource } from '../../src/data/sources/index.js';
import type { Query } from '../../src/spec/schema.js';
import { median, ms, ratio, row } from '../stats.js';

/** Most a query with calculated fields or windows may cost, as a share of the plain query. */
const GOAL = 1.3;

/**
 * What `calculate`, an aggregate's `where` and `having` cost: each query against the plain query
 * that does the nearest work without them, over the same column batches held in memory (the
 * query phase alone; reading the file is the same for both), paired rounds interleaved.
 */
const pairs: readonly (readonly [string, Query, Query])[] = [
  [
    'sum of revenue - cost / sums of both',
    {
      from: 's',
      groupBy: ['region'],
      aggregate: { r: { op: 'sum', field: 'revenue' }, c: { op: 'sum', field: 'cost' } },
    },
    {
      from: 's',
      calculate: { margin: 'revenue - cost' },
      groupBy: ['region'],
      aggregate: { m: { op: 'sum', field: 'margin' } },
    },
  ],
  [
    'group by units > 10 / by two columns',
    { from: 's', groupBy: ['region', 'channel'], aggregate: { n: { op: 'count' } } },
    {
      from: 's',
      calculate: { big: 'units > 10' },
      groupBy: ['region', 'big'],
      aggregate: { n: { op: 'count' } },
    },
  ],
  [
    'filter on a calculated margin / on revenue',
    {
      from: 's',
      filter: [{ field: 'revenue', op: 'gt', value: 5000 }],
      aggregate: { r: { op: 'sum', field: 'revenue' } },
    },
    {
      from: 's',
      calculate: { margin: 'revenue - cost' },
      filter: [{ field: 'margin', op: 'gt', value: 3000 }],
      aggregate: { m: { op: 'sum', field: 'margin' } },
    },
  ],
  [
    'group by year(date) / by a year bucket',
    { from: 's', groupBy: [{ field: 'date', bucket: 'year' }], aggregate: { n: { op: 'count' } } },
    { from: 's', calculate: { y: 'year(date)' }, groupBy: ['y'], aggregate: { n: { op: 'count' } } },
  ],
  [
    'count with where / the same condition in filter',
    {
      from: 's',
      filter: [{ field: 'units', op: 'gt', value: 10 }],
      groupBy: ['region'],
      aggregate: { n: { op: 'count' } },
    },
    {
      from: 's',
      groupBy: ['region'],
      aggregate: { n: { op: 'count', where: [{ field: 'units', op: 'gt', value: 10 }] } },
    },
  ],
  [
    'having / the same groups without',
    { from: 's', groupBy: ['product'], aggregate: { n: { op: 'count' } } },
    {
      from: 's',
      groupBy: ['product'],
      aggregate: { n: { op: 'count' } },
      having: [{ field: 'n', op: 'gt', value: 10 }],
    },
  ],
];

/** Monthly revenue by region: 36 months x 4 regions of the generated sales. */
const monthly: Query = {
  from: 's',
  groupBy: [{ field: 'date', bucket: 'month' }, 'region'],
  aggregate: { revenue: { op: 'sum', field: 'revenue' } },
};

/** Daily revenue by product: ~1,100 days x 6 products, windows over many more groups. */
const daily: Query = {
  from: 's',
  groupBy: [{ field: 'date', bucket: 'day' }, 'product'],
  aggregate: { revenue: { op: 'sum', field: 'revenue' } },
};

/**
 * What `window` costs: each query against the same query without its windows. Windows run over
 * the aggregated rows, so their share falls as the rows scanned per group grow.
 */
const windowPairs: readonly (readonly [string, Query, Query])[] = [
  [
    'monthly by region, cumsum by region',
    monthly,
    { ...monthly, window: [{ op: 'cumsum', field: 'revenue', by: 'region', order: ['date'] }] },
  ],
  [
    'monthly by region, pctChange by region',
    monthly,
    { ...monthly, window: [{ op: 'pctChange', field: 'revenue', by: 'region', order: ['date'] }] },
  ],
  [
    'monthly by region, movingAvg frame 3 by region',
    monthly,
    {
      ...monthly,
      window: [{ op: 'movingAvg', field: 'revenue', by: 'region', order: ['date'], frame: 3 }],
    },
  ],
  [
    'monthly by region, rank in each month',
    monthly,
    { ...monthly, window: [{ op: 'rank', by: 'date', order: [{ field: 'revenue', order: 'desc' }] }] },
  ],
  [
    'monthly by region, all four windows',
    monthly,
    {
      ...monthly,
      window: [
        { op: 'cumsum', field: 'revenue', by: 'region', order: ['date'] },
        { op: 'pctChange', field: 'revenue', by: 'region', order: ['date'] },
        { op: 'movingAvg', field: 'revenue', by: 'region', order: ['date'], frame: 3 },
        { op: 'rank', by: 'date', order: [{ field: 'revenue', order: 'desc' }] },
      ],
    },
  ],
  [
    'daily by product, cumsum and rank',
    daily,
    {
      ...daily,
      window: [
        { op: 'cumsum', field: 'revenue', by: 'product', order: ['date'] },
        { op: 'rank', by: 'date', order: [{ field: 'revenue', order: 'desc' }] },
      ],
    },
  ],
];

function run(batches: readonly ColumnBatch[], query: Query): number {
  const t = performance.now();
  const acc = new QueryAccumulator(query, {}, { dataset: 's', path: 'q' });
  for (const b of batches) acc.pushBatch(new BatchView(b));
  acc.finish();
  return performance.now() - t;
}

export async function calculated(path: string): Promise<void> {
  const source = openSource('s', { source: 'csv', path }, { baseDir: '/' });
  const batches: ColumnBatch[] = [];
  for await (const b of source.columnBatches?.() ?? []) batches.push(b);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
  console.log(
    `\ncalculated fields, where, having: the query phase over ${batches.length} batches in memory, median of ${rounds} paired rounds (goal <= ${GOAL}x)\n`,
  );
  compare(batches, pairs, rounds);
  console.log(`\nwindows, against the same query without them (goal <= ${GOAL}x)\n`);
  compare(batches, windowPairs, rounds);
}

/** Prints, for each pair, the second query's time over the first's, against the goal. */
function compare(
  batches: readonly ColumnBatch[],
  list: readonly (readonly [string, Query, Query])[],
  rounds: number,
): void {
  for (const [label, plain, computed] of list) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(run(batches, plain));
      b.push(run(batches, computed));
    }
    const verdict = median(b) / median(a) <= GOAL ? 'met' : 'missed';
    row(label, `${ms(median(b))} / ${ms(median(a))} = ${ratio(median(b), median(a))} (${verdict})`);
  }
}
