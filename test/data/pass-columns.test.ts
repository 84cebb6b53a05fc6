import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchFromRows, batchRows, type ColumnBatch } from '../../src/data/batch.js';
import { QueryAccumulator, type QueryLimits } from '../../src/data/query.js';
import { ChartpressError } from '../../src/errors.js';
import type { Row } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { exact, mixedPlanArb, passThroughArb, planArb, rowsArb, toBatches } from './arbitraries.js';

const where = { dataset: 'd', path: 'charts.c.data', file: 'r.yaml' };

/**
 * A query fed batches one way: the failure seen after each batch, then its frame (cells, types
 * and storage) and warnings, or the problems it throws.
 */
function outcome(
  query: Query,
  batches: readonly ColumnBatch[],
  feed: (acc: QueryAccumulator, batch: ColumnBatch) => void,
  limits: QueryLimits = {},
): unknown {
  const acc = new QueryAccumulator(query, { p: 'EU' }, where, limits);
  const failures: unknown[] = [];
  try {
    for (const b of batches) {
      feed(acc, b);
      failures.push(acc.failure);
    }
    return { failures, frame: exact(acc.finish()), warnings: acc.warnings };
  } catch (e) {
    if (!(e instanceof ChartpressError)) throw e;
    return { failures, problems: e.problems };
  }
}

const byRows = (acc: QueryAccumulator, b: ColumnBatch) => {
  for (const r of batchRows(b)) acc.push(r);
};
const byColumns = (acc: QueryAccumulator, b: ColumnBatch) => acc.pushBatch(b);

/** Both ways agree; returns the outcome. */
function same(query: Query, batches: readonly ColumnBatch[], limits: QueryLimits = {}): unknown {
  const rows = outcome(query, batches, byRows, limits);
  expect(outcome(query, batches, byColumns, limits)).toEqual(rows);
  return rows;
}

describe('pass-through queries over column batches', () => {
  it('give what the rows give: frame, storage, warnings, problems and when a limit fails', () => {
    fc.assert(
      fc.property(
        rowsArb,
        fc.oneof(planArb, mixedPlanArb),
        passThroughArb,
        fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, fc.integer({ min: 1, max: 40 })),
        (rows, plan, query, maxGroups) => {
          same(query, toBatches(rows, plan), { maxGroups });
        },
      ),
      {
        numRuns: 1000,
        examples: [
          // A batch of timestamps that keeps no row, then numbers: the column is numbers.
          [
            [
              { n: 0.1, x: '2024-12-31T18:44:00Z', s: 'EU', d: '2024-03-31T00:00:00Z', b: null },
              { n: null, x: 0, s: 'EU', d: '2024-03-31T00:00:00Z', b: false },
            ],
            {
              chunk: 1,
              kinds: [0, 0, 0, 0, 0],
              seed: 0,
              perBatch: [
                [0, 3, 0, 0, 0],
                [0, 0, 0, 0, 0],
              ],
            },
            { from: 'd', filter: [{ field: 'n', op: 'in', value: [null] }] },
            undefined,
          ],
        ],
      },
    );
  });

  it('store a column as the rows would: numbers in a Float64Array only when every cell is one', () => {
    const mixed: ColumnBatch[] = [
      {
        length: 3,
        names: ['n', 'x', 'z', 'y'],
        columns: [
          { kind: 'number', values: Float64Array.of(1, Number.NaN, -0) },
          { kind: 'number', values: Float64Array.of(1, 2, 3) },
          { kind: 'number', values: Float64Array.of(Number.NaN, Number.NaN, Number.NaN) },
          { kind: 'values', values: [null, Number.NaN, null] },
        ],
      },
      {
        length: 2,
        names: ['n', 'x', 'z', 'y'],
        columns: [
          { kind: 'dict', codes: Int32Array.of(0, 1), dict: [2.5, null] },
          { kind: 'dict', codes: Int32Array.of(1, 0), dict: ['a', 4] },
          { kind: 'values', values: [null, null] },
          { kind: 'values', values: [Number.NaN, 'b'] },
        ],
      },
    ];
    expect(same({ from: 'd' }, mixed)).toMatchObject({
      frame: {
        columns: [
          [
            'n',
            { storage: 'f64', cells: ['number:1', 'number:NaN', 'number:-0', 'number:2.5', 'number:NaN'] },
          ],
          ['x', { storage: 'array', cells: ['number:1', 'number:2', 'number:3', 'number:4', 'string:a'] }],
          ['z', { storage: 'array', cells: Array(5).fill('object:null') }],
          [
            'y',
            {
              storage: 'array',
              cells: ['object:null', 'number:NaN', 'object:null', 'number:NaN', 'string:b'],
            },
          ],
        ],
      },
    });
  });

  it('sort many ties stably, nulls last both ways', () => {
    const rows: Row[] = Array.from({ length: 3000 }, (_, i) => ({
      i,
      k: i % 7 === 0 ? null : (i * 7919) % 13,
      s: i % 5 === 0 ? null : `t${(i * 31) % 9}`,
    }));
    const batches = [0, 1000, 2000].map((at) => batchFromRows(rows.slice(at, at + 1000), ['i', 'k', 's']));
    for (const sort of [
      ['k'],
      [{ field: 'k', order: 'desc' as const }],
      [{ field: 's', order: 'desc' as const }, 'k'],
    ]) {
      same({ from: 'd', sort }, batches);
      same({ from: 'd', sort, filter: [{ field: 'k', op: 'gt', value: 3 }] }, batches);
    }
  });

  it('take batches a row would read otherwise (codes out of range, a missing column) among others', () => {
    const sound = batchFromRows(
      [
        { r: 'EU', a: 1 },
        { r: 'US', a: 2 },
      ],
      ['r', 'a'],
    );
    const unsound: ColumnBatch = {
      length: 3,
      names: ['r', 'a'],
      columns: [
        { kind: 'dict', codes: Int32Array.of(0, 5, -1), dict: ['EU'] },
        { kind: 'number', values: Float64Array.of(3, 4, 5) },
      ],
    };
    const lacking: ColumnBatch = {
      length: 1,
      names: ['a'],
      columns: [{ kind: 'values', values: ['six'] }],
    };
    const batches = [sound, unsound, lacking, sound];
    for (const query of [
      { from: 'd' },
      { from: 'd', sort: ['r'] },
      { from: 'd', limit: 4 },
      { from: 'd', filter: [{ field: 'r', op: 'eq' as const, value: 'EU' }] },
    ]) {
      same(query, batches);
      same(query, batches, { maxGroups: 4 });
    }
  });

  it('take rows pushed before the batches with them, whether any was kept or none', () => {
    const first: Row[] = [
      { r: 'US', a: 1 },
      { r: 'EU', a: 'x' },
    ];
    const batch = batchFromRows(
      [
        { r: 'EU', a: 2 },
        { r: 'US', a: 3 },
      ],
      ['r', 'a'],
    );
    const all = [...first, ...batchRows(batch)];
    for (const query of [
      { from: 'd', sort: ['a'] },
      { from: 'd', filter: [{ field: 'r', op: 'eq' as const, value: 'US' }] },
      { from: 'd', filter: [{ field: 'a', op: 'gt' as const, value: 1 }] },
    ]) {
      const mixed = new QueryAccumulator(query, {}, where);
      for (const r of first) mixed.push(r);
      mixed.pushBatch(batch);
      const rows = new QueryAccumulator(query, {}, where);
      for (const r of all) rows.push(r);
      expect(exact(mixed.finish())).toEqual(exact(rows.finish()));
    }
  });

  it('fail at the row that keeps one row too many, unless a limit keeps fewer', () => {
    const batch = batchFromRows(
      Array.from({ length: 10 }, (_, i) => ({ i })),
      ['i'],
    );
    const failed = same({ from: 'd' }, [batch, batch], { maxGroups: 15 }) as { failures: unknown[] };
    expect(failed.failures.map((f) => f !== undefined)).toEqual([false, true]);
    expect(same({ from: 'd', limit: 15 }, [batch, batch], { maxGroups: 15 })).toMatchObject({
      frame: { length: 15 },
    });
    expect(same({ from: 'd', limit: 16 }, [batch, batch], { maxGroups: 15 })).toMatchObject({
      failures: [undefined, expect.anything()],
    });
  });

  it('count every passing cell that is not a date, past the limit too', () => {
    const rows: Row[] = ['2024-01-01', 'soon', 'soon', 3, null, '2024-02-01', 'later'].map((d) => ({ d }));
    const batches = [batchFromRows(rows.slice(0, 3), ['d']), batchFromRows(rows.slice(3), ['d'])];
    const query: Query = { from: 'd', filter: [{ field: 'd', op: 'gte', value: '2024-01-01' }], limit: 1 };
    const got = same(query, batches) as { warnings: { message: string }[] };
    expect(got.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('4 values in column "d" were not ISO dates'),
    ]);
  });
});
