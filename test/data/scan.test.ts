import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchFromRows, batchRows, type ColumnBatch } from '../../src/data/batch.js';
import { runQueries } from '../../src/data/scan.js';
import type { RowSource } from '../../src/data/sources/rows.js';
import { ChartpressError, type Warning } from '../../src/errors.js';
import { frameToRows, type Row } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { exact, mixedPlanArb, passThroughArb, planArb, queryArb, rowsArb, toBatches } from './arbitraries.js';
import { countingSource, failure, salesRows } from './helpers.js';

const rows: Row[] = [
  { date: '2024-01-15', region: 'EU', amount: 10 },
  { date: '2024-01-20', region: 'US', amount: 5 },
  { date: '2024-02-01', region: 'EU', amount: 7 },
  { date: '2024-02-03', region: 'US', amount: null },
];

const queries = new Map<string, Query>([
  ['byRegion', { from: 'sales', groupBy: ['region'], aggregate: { total: { op: 'sum', field: 'amount' } } }],
  [
    'byMonth',
    { from: 'sales', groupBy: [{ field: 'date', bucket: 'month' }], aggregate: { n: { op: 'count' } } },
  ],
  ['eu', { from: 'sales', filter: [{ field: 'region', op: 'eq', value: { param: 'region' } }] }],
]);

async function caught(p: Promise<unknown>): Promise<ChartpressError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChartpressError) return e;
    throw e;
  }
  throw new Error('expected a ChartpressError');
}

describe('runQueries', () => {
  it('reads the source once for all queries', async () => {
    const source = countingSource(salesRows(2000));
    const frames = await runQueries(source, queries, { region: 'EU' }, { dataset: 'sales' });
    expect(source.iterations).toBe(1);
    expect(source.rowsRead).toBe(2000);
    expect([...frames.keys()]).toEqual(['byRegion', 'byMonth', 'eu']);
  });

  it('gives each query its own result', async () => {
    const frames = await runQueries(countingSource(rows), queries, { region: 'EU' }, { dataset: 'sales' });
    expect(frameToRows(frames.get('byRegion')!)).toEqual([
      { region: 'EU', total: 17 },
      { region: 'US', total: 5 },
    ]);
    expect(frameToRows(frames.get('byMonth')!)).toEqual([
      { date: '2024-01-01', n: 2 },
      { date: '2024-02-01', n: 2 },
    ]);
    expect(frameToRows(frames.get('eu')!)).toEqual([rows[0], rows[2]]);
  });

  it('does not read the source when no query needs it', async () => {
    const source = countingSource(rows);
    expect(await runQueries(source, new Map(), {}, { dataset: 'sales' })).toEqual(new Map());
    expect(source.iterations).toBe(0);
  });

  it('throws one error with every unknown column of every query, after the first row', async () => {
    const source = countingSource(salesRows(100));
    const bad = new Map<string, Query>([
      ['revenue', { from: 'sales', groupBy: ['regin'], aggregate: { r: { op: 'sum', field: 'revenu' } } }],
      ['ok', { from: 'sales', groupBy: ['region'] }],
      ['table', { from: 'sales', sort: ['when'] }],
    ]);
    const paths = new Map([
      ['revenue', 'charts.revenue.data'],
      ['table', 'body[2].table.data'],
    ]);
    const err = await caught(runQueries(source, bad, {}, { dataset: 'sales', paths, file: 'report.yaml' }));
    expect(err.code).toBe('CP_ERR_UNKNOWN_COLUMN');
    expect(err.problems.map((p) => p.path)).toEqual([
      'charts.revenue.data.groupBy[0]',
      'charts.revenue.data.aggregate.r.field',
      'body[2].table.data.sort[0]',
    ]);
    expect(err.problems[0]?.message).toBe(
      'column "regin" not found in dataset "sales"; columns: date, region, amount, units',
    );
    expect(err.problems.every((p) => p.file === 'report.yaml')).toBe(true);
    expect(source.rowsRead).toBe(1);
  });

  it('reports problems of the queries themselves together with unknown columns', async () => {
    const bad = new Map<string, Query>([
      ['a', { from: 'sales', filter: [{ field: 'region', op: 'eq', value: { param: 'missing' } }] }],
      ['b', { from: 'sales', filter: [{ field: 'nope', op: 'eq', value: 1 }] }],
    ]);
    const err = await caught(runQueries(countingSource(rows), bad, {}, { dataset: 'sales' }));
    expect(err.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_PARAM', 'a.filter[0].value'],
      ['CP_ERR_UNKNOWN_COLUMN', 'b.filter[0].field'],
    ]);
  });

  it('does not check columns of an empty dataset, but still reports query problems', async () => {
    const q = new Map<string, Query>([
      ['a', { from: 'sales', groupBy: ['anything'], aggregate: { n: { op: 'count' } } }],
      ['b', { from: 'sales', filter: [{ field: 'x', op: 'gt', value: 1 }] }],
    ]);
    const frames = await runQueries(countingSource([]), q, {}, { dataset: 'sales' });
    expect(frames.get('a')).toMatchObject({ fields: ['anything', 'n'], length: 0 });
    expect(frames.get('b')).toMatchObject({ fields: [], length: 0 });
    const bad = new Map<string, Query>([['a', { from: 'sales', sort: ['x'], groupBy: ['y'] }]]);
    const err = await caught(runQueries(countingSource([]), bad, {}, { dataset: 'sales' }));
    expect(err.code).toBe('CP_ERR_UNKNOWN_COLUMN');
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const run = runQueries(
      countingSource(rows),
      queries,
      { region: 'EU' },
      { dataset: 'sales', signal: controller.signal },
    );
    await expect(run).rejects.toThrow('stop');
  });

  it('reads columns of a sparse source (JSON) as all the columns seen', async () => {
    const sparse: Row[] = [{ a: 1 }, { a: 2, late: 'x' }, { b: true }];
    const source = Object.assign(countingSource(sparse), { sparse: true });
    const q = new Map<string, Query>([
      ['all', { from: 's' }],
      ['late', { from: 's', groupBy: ['late'], aggregate: { n: { op: 'count' } } }],
      ['sorted', { from: 's', sort: [{ field: 'b', order: 'desc' }], limit: 1 }],
    ]);
    const frames = await runQueries(source, q, {}, { dataset: 's' });
    expect(frames.get('all')?.fields).toEqual(['a', 'late', 'b']);
    expect(frameToRows(frames.get('all')!)).toEqual([
      { a: 1, late: null, b: null },
      { a: 2, late: 'x', b: null },
      { a: null, late: null, b: true },
    ]);
    expect(frameToRows(frames.get('late')!)).toEqual([
      { late: null, n: 2 },
      { late: 'x', n: 1 },
    ]);
    expect(frameToRows(frames.get('sorted')!)).toEqual([{ a: null, late: null, b: true }]);
    const bad = new Map<string, Query>([
      ['q', { from: 's', groupBy: ['nope'] }],
      ['r', { from: 's', sort: ['nada'] }],
    ]);
    const err = await caught(
      runQueries(Object.assign(countingSource(sparse), { sparse: true }), bad, {}, { dataset: 's' }),
    );
    expect(err.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'q.groupBy[0]'],
      ['CP_ERR_UNKNOWN_COLUMN', 'r.sort[0]'],
    ]);
    expect(err.problems[0]?.message).toContain('columns: a, late, b');
  });

  it('stops reading once every query has failed', async () => {
    const source = countingSource(salesRows(50_000));
    const q = new Map<string, Query>([
      ['q', { from: 'sales', groupBy: ['amount'], aggregate: { n: { op: 'count' } } }],
    ]);
    const err = await caught(runQueries(source, q, {}, { dataset: 'sales', maxGroups: 10 }));
    expect(err.problems[0]?.message).toContain('more than 10 groups');
    expect(source.rowsRead).toBeLessThan(10_000);
  });

  it('passes warnings on only when asked to', async () => {
    const q = new Map<string, Query>([
      ['q', { from: 'sales', aggregate: { t: { op: 'sum', field: 'amount' } } }],
    ]);
    const frames = await runQueries(countingSource(rows), q, {}, { dataset: 'sales' });
    expect(frameToRows(frames.get('q')!)).toEqual([{ t: 22 }]);
    const warned: string[] = [];
    await runQueries(countingSource(rows), q, {}, { dataset: 'sales', warn: (w) => warned.push(w.code) });
    expect(warned).toEqual(['CP_WARN_INVALID_VALUES']);
  });
});

/** Runs queries over a source; the frames and warnings, or the problems thrown. */
async function outcome(
  source: RowSource,
  queries: ReadonlyMap<string, Query>,
  limits: { maxGroups?: number | undefined; maxValues?: number | undefined },
): Promise<unknown> {
  const warnings: Warning[] = [];
  try {
    const frames = await runQueries(
      source,
      queries,
      { p: 'EU' },
      {
        dataset: 'd',
        file: 'r.yaml',
        warn: (w) => warnings.push(w),
        ...limits,
      },
    );
    return { frames: [...frames].map(([id, f]) => [id, exact(f)]), warnings };
  } catch (e) {
    if (!(e instanceof ChartpressError)) throw e;
    return { problems: e.problems };
  }
}

/** A source offering the batches column by column; its rows, if read, are the batches' rows. */
function batchSource(
  batches: readonly ColumnBatch[],
): RowSource & { batchesRead: number; columnBatches(): AsyncIterable<ColumnBatch> } {
  const source = {
    batchesRead: 0,
    async *columnBatches() {
      for (const b of batches) {
        source.batchesRead++;
        yield b;
      }
    },
    [Symbol.asyncIterator](): AsyncIterator<Row> {
      throw new Error('rows read from a source that reads columns');
    },
  };
  return source;
}

describe('runQueries over column batches', () => {
  it('gives what the rows of the batches give, one by one', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.oneof(planArb, mixedPlanArb),
        fc.array(fc.oneof(queryArb, passThroughArb), { minLength: 1, maxLength: 4 }),
        fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.integer({ min: 1, max: 6 })),
        fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.integer({ min: 1, max: 20 })),
        async (rows, plan, list, maxGroups, maxValues) => {
          const batches = toBatches(rows, plan);
          const queries = new Map(list.map((q, i) => [`q${i}`, q]));
          const limits = { maxGroups, maxValues };
          const byRows = await outcome(countingSource(batches.flatMap(batchRows)), queries, limits);
          const byColumns = await outcome(batchSource(batches), queries, limits);
          expect(byColumns).toEqual(byRows);
        },
      ),
      {
        numRuns: 600,
        examples: [
          // A batch of timestamps that keeps no row, then numbers: the column is numbers.
          [
            [
              { n: 1, x: '2024-10-27T01:00:00', s: 'EU', d: '2024-03-31T00:00:00Z', b: null },
              { n: 0, x: 0, s: 'EU', d: 3, b: false },
            ],
            { chunk: 1, kinds: [0, 0, 0, 0, 0], seed: 0, perBatch: [[0, 3, 0, 0, 0]] },
            [{ from: 'd', filter: [{ field: 'd', op: 'in', value: [3] }] }],
            undefined,
            undefined,
          ],
        ],
      },
    );
  });

  const names = ['s', 'n'];
  const column = (rows: readonly Row[]) => batchFromRows(rows, names);

  it('fails at the first limit a row passes, as rows one by one do', async () => {
    const q = new Map<string, Query>([
      ['q', { from: 'd', groupBy: ['s'], aggregate: { k: { op: 'countDistinct', field: 'n' } } }],
    ]);
    const limits = { dataset: 'd', maxGroups: 2, maxValues: 3 };
    // Four distinct values before a third group: the values limit first.
    const values = [
      { s: 'a', n: 1 },
      { s: 'a', n: 2 },
      { s: 'b', n: 3 },
      { s: 'b', n: 4 },
      { s: 'c', n: 5 },
    ];
    // A third group before a fourth value: the groups limit first.
    const groups = [values[0]!, values[2]!, values[4]!, values[1]!, values[3]!];
    for (const [rows, message] of [
      [values, 'kept more than 3 values'],
      [groups, 'more than 2 groups'],
    ] as const) {
      const byRows = await failure(runQueries(countingSource(rows), q, {}, limits));
      const byColumns = await failure(runQueries(batchSource([column(rows)]), q, {}, limits));
      expect(byRows.message).toContain(message);
      expect(byColumns.problems).toEqual(byRows.problems);
    }
  });

  it('stops between batches when the signal aborts, and once every query has failed', async () => {
    const batches = Array.from({ length: 5 }, (_, b) =>
      column(Array.from({ length: 100 }, (_, i) => ({ s: `g${b * 100 + i}`, n: i }))),
    );
    const controller = new AbortController();
    const source = batchSource(batches);
    const aborting: RowSource = {
      ...source,
      async *columnBatches() {
        for await (const b of source.columnBatches()) {
          if (source.batchesRead === 2) controller.abort(new Error('stop'));
          yield b;
        }
      },
    };
    const q = new Map<string, Query>([
      ['q', { from: 'd', groupBy: ['s'], aggregate: { n: { op: 'count' } } }],
    ]);
    await expect(runQueries(aborting, q, {}, { dataset: 'd', signal: controller.signal })).rejects.toThrow(
      'stop',
    );
    expect(source.batchesRead).toBe(2);
    const failing = batchSource(batches);
    const err = await failure(runQueries(failing, q, {}, { dataset: 'd', maxGroups: 10 }));
    expect(err.message).toContain('more than 10 groups');
    expect(failing.batchesRead).toBe(1);
  });

  it('groups by four columns of many numbers, too many combinations to number', async () => {
    // Rows 2k and 2k+1 differ only in a: two groups, whose ids as one number would be equal.
    const rows = Array.from({ length: 20_000 }, (_, i) => {
      const h = Math.floor(i / 2);
      return { a: i, b: h, c: h, d: h, v: i % 7 };
    });
    const batch = batchFromRows(rows, ['a', 'b', 'c', 'd', 'v']);
    const q = new Map<string, Query>([
      [
        'q',
        {
          from: 'd',
          groupBy: ['a', 'b', 'c', 'd'],
          aggregate: { v: { op: 'sum', field: 'v' }, f: { op: 'first', field: 'v' } },
          sort: [{ field: 'a', order: 'desc' }],
        },
      ],
    ]);
    const frame = (await runQueries(batchSource([batch]), q, {}, { dataset: 'd' })).get('q')!;
    expect(frame.length).toBe(20_000);
    expect(frameToRows(frame).slice(0, 2)).toEqual([
      { a: 19_999, b: 9999, c: 9999, d: 9999, v: 0, f: 0 },
      { a: 19_998, b: 9999, c: 9999, d: 9999, v: 6, f: 6 },
    ]);
  });
});
