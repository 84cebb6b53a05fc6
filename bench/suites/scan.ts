import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { batchFromRows, type ColumnBatch } from '../../src/data/batch.js';
import { runQueries } from '../../src/data/scan.js';
import type { RowSource } from '../../src/data/sources/rows.js';
import type { Row } from '../../src/frame.js';
import { salesCsv } from '../gen.js';
import { median, ms, ratio, row, times } from '../stats.js';
import { eightQueries } from './data-queries.js';

/** Rows per batch, as a columnar CSV reader would hand them over. */
const BATCH_ROWS = 32_768;

/**
 * The scan itself, without parsing: the eight queries over the rows of the sales CSV held in
 * memory, fed as row objects (the row path) and as column batches (the columnar path).
 */
export async function scan(): Promise<void> {
  const count = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const path = await salesCsv(count);
  const rows = readRows(path);
  let t = performance.now();
  const batches: ColumnBatch[] = [];
  const chunks: Row[][] = [];
  const names = Object.keys(rows[0] ?? {});
  for (let at = 0; at < rows.length; at += BATCH_ROWS) {
    const chunk = rows.slice(at, at + BATCH_ROWS);
    chunks.push(chunk);
    batches.push(batchFromRows(chunk, names));
  }
  console.log(`scan: ${rows.length.toLocaleString('en-US')} rows in memory (${path})`);
  row(`batches of ${BATCH_ROWS.toLocaleString('en-US')} rows built (once)`, ms(performance.now() - t));

  const byRows: RowSource = {
    async *batches() {
      yield* chunks;
    },
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunks) yield* chunk;
    },
  };
  const byColumns: RowSource = {
    ...byRows,
    async *columnBatches() {
      yield* batches;
    },
  };
  const run = (source: RowSource) => runQueries(source, eightQueries, {}, { dataset: 's' });
  t = performance.now();
  const same = isDeepStrictEqual(await run(byRows), await run(byColumns));
  row('same frames both ways (first runs)', `${same ? 'yes' : 'NO'} (${ms(performance.now() - t)})`);

  const [rowPath, columnar] = await interleaved(
    7,
    () => run(byRows),
    () => run(byColumns),
  );
  row('8 queries over row objects (median of 7)', ms(rowPath));
  row('8 queries over column batches (median of 7)', ms(columnar));
  row('rows / columns', ratio(rowPath, columnar));

  console.log('\nper query (median of 3)');
  for (const [id, query] of eightQueries) {
    const one = new Map([[id, query]]);
    const [r, c] = await interleaved(
      3,
      () => runQueries(byRows, one, {}, { dataset: 's' }),
      () => runQueries(byColumns, one, {}, { dataset: 's' }),
    );
    row(`  ${id}: rows ${ms(r)}, columns ${ms(c)}`, ratio(r, c));
  }
}

/** Medians of `n` runs of `a` and of `b`, taken in turns so that both see the same load. */
async function interleaved(n: number, a: () => unknown, b: () => unknown): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < n; i++) {
    ta.push(...(await times(1, a)));
    tb.push(...(await times(1, b)));
  }
  return [median(ta), median(tb)];
}

/** The rows of the generated sales CSV, cells typed as the CSV source types them. */
function readRows(path: string): Row[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const names = (lines[0] ?? '').split(',');
  const numeric = new Set(['units', 'revenue', 'cost']);
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const cells = line.split(',');
    const r: Row = {};
    names.forEach((name, c) => {
      const cell = cells[c] ?? '';
      r[name] = numeric.has(name) ? Number(cell) : cell;
    });
    rows.push(r);
  }
  return rows;
}
