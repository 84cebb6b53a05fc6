import type { ColumnBatch } from '../../src/data/batch.js';
import { BatchView } from '../../src/data/batch-view.js';
import { QueryAccumulator } from '../../src/data/query.js';
import { openSource } from '../../src/data/sources/index.js';
import type { Query } from '../../src/spec/schema.js';
import { median, ms, ratio, row } from '../stats.js';

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
    `\ncalculated fields, where, having: the query phase over ${batches.length} batches in memory, median of ${rounds} paired rounds\n`,
  );
  for (const [label, plain, computed] of pairs) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(run(batches, plain));
      b.push(run(batches, computed));
    }
    row(label, `${ms(median(b))} / ${ms(median(a))} = ${ratio(median(b), median(a))}`);
  }
}
