import { batchFromRows, type ColumnBatch } from '../../src/data/batch.js';
import { QueryAccumulator } from '../../src/data/query.js';
import { runQueries } from '../../src/data/scan.js';
import type { RowSource } from '../../src/data/sources/rows.js';
import { ChartpressError, type Warning } from '../../src/errors.js';
import type { Frame, Row, Value } from '../../src/frame.js';
import { frameToRows } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';

/** An async source over rows that counts how many times it is iterated and how many rows it gave. */
export function countingSource(
  rows: readonly Row[],
): AsyncIterable<Row> & { iterations: number; rowsRead: number } {
  const source = {
    iterations: 0,
    rowsRead: 0,
    async *[Symbol.asyncIterator]() {
      source.iterations++;
      for (const row of rows) {
        source.rowsRead++;
        yield row;
      }
    },
  };
  return source;
}

/** Runs one query over rows (synchronously, through the accumulator) and returns result rows. */
export function run(
  rows: readonly Row[],
  query: Omit<Query, 'from'>,
  params: Record<string, Value> = {},
): Row[] {
  const acc = new QueryAccumulator({ from: 'd', ...query }, params, { dataset: 'd', path: 'q' });
  for (const row of rows) acc.push(row);
  return frameToRows(acc.finish());
}

/** A small deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sales-like rows with nulls and the odd non-numeric amount. */
export function salesRows(n: number, seed = 1): Row[] {
  const rand = rng(seed);
  const regions = ['EU', 'US', 'APAC', null];
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const day = 1 + Math.floor(rand() * 28);
    const month = 1 + Math.floor(rand() * 12);
    const r = rand();
    rows.push({
      date: `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      region: regions[Math.floor(rand() * regions.length)] ?? null,
      amount: r < 0.1 ? null : r < 0.15 ? 'n/a' : Math.round(rand() * 1000) / 10,
      units: Math.floor(rand() * 10),
    });
  }
  return rows;
}

/** Runs one query through `runQueries` (the real scan); returns result rows and the warnings. */
export async function scan(
  rows: readonly Row[],
  query: Omit<Query, 'from'>,
  opts: { params?: Record<string, Value>; maxGroups?: number; maxValues?: number } = {},
): Promise<{ rows: Row[]; frame: Frame; warnings: Warning[] }> {
  const warnings: Warning[] = [];
  const frames = await runQueries(
    countingSource(rows),
    new Map([['q', { from: 'd', ...query }]]),
    opts.params ?? {},
    {
      dataset: 'd',
      paths: new Map([['q', 'charts.c.data']]),
      file: 'report.yaml',
      warn: (w) => warnings.push(w),
      maxGroups: opts.maxGroups,
      maxValues: opts.maxValues,
    },
  );
  const frame = frames.get('q')!;
  return { rows: frameToRows(frame), frame, warnings };
}

/** The ChartpressError a promise rejects with. */
export async function failure(p: Promise<unknown>): Promise<ChartpressError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChartpressError) return e;
    throw e;
  }
  throw new Error('expected a ChartpressError');
}

/** The same rows column by column, in batches of `size` (as `batchFromRows` makes them), and as rows. */
export function columnSource(rows: readonly Row[], size: number): RowSource {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const batches: ColumnBatch[] = [];
  for (let i = 0; i < rows.length; i += size) batches.push(batchFromRows(rows.slice(i, i + size), names));
  return {
    async *columnBatches() {
      yield* batches;
    },
    async *[Symbol.asyncIterator]() {
      yield* rows;
    },
  };
}
