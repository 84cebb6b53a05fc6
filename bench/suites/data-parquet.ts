import { execFileSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runQueries } from '../../src/data/scan.js';
import { openSource } from '../../src/data/sources/index.js';
import { runPushDowns } from '../../src/data/sql/index.js';
import type { Warning } from '../../src/errors.js';
import { type Frame, frameToRows } from '../../src/frame.js';
import { BENCH_DIR, salesCsv } from '../gen.js';
import { median, ms, ratio, row, times } from '../stats.js';
import { eightQueries } from './data-queries.js';

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Runs statements on an in-memory DuckDB of its own. */
async function duckdb(...statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    for (const sql of statements) await c.run(sql);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** The rows of `salesCsv(rows)` as a Parquet file, written by DuckDB once and reused. */
export async function salesParquet(rows: number): Promise<string> {
  const path = join(BENCH_DIR, `sales-${rows}.parquet`);
  if (existsSync(path)) return path;
  const csv = await salesCsv(rows);
  // The dates are instants in UTC (`…Z`), read as TIMESTAMP.
  await duckdb(
    `COPY (SELECT * FROM read_csv(${quote(csv)}, types = {'date': 'TIMESTAMP', 'units': 'INTEGER', 'revenue': 'DOUBLE', 'cost': 'DOUBLE'})) TO ${quote(`${path}.tmp`)} (FORMAT parquet)`,
  );
  renameSync(`${path}.tmp`, path);
  return path;
}

/** `copies` times the rows of a Parquet file, in one file, made once and reused. */
async function repeatedParquet(path: string, copies: number, name: string): Promise<string> {
  const out = join(BENCH_DIR, name);
  if (existsSync(out)) return out;
  const list = Array.from({ length: copies }, () => quote(path)).join(', ');
  await duckdb(`COPY (SELECT * FROM read_parquet([${list}])) TO ${quote(`${out}.tmp`)} (FORMAT parquet)`);
  renameSync(`${out}.tmp`, out);
  return out;
}

/** Whether two frames hold the same rows, numbers equal to 1e-9 relative (sums add in another order). */
function sameRows(a: Frame, b: Frame): boolean {
  const x = frameToRows(a);
  const y = frameToRows(b);
  if (x.length !== y.length) return false;
  return x.every((r, i) =>
    Object.entries(r).every(([k, v]) => {
      const w = y[i]?.[k];
      if (typeof v === 'number' && typeof w === 'number')
        return Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(v));
      return v === w;
    }),
  );
}

/**
 * The eight queries over the same rows as CSV through the streaming engine and as Parquet
 * through DuckDB with push-down; then a Parquet file of ten times the rows, with the peak RSS of
 * a process that runs the queries on it. `BENCH_PARQUET_BIG=0` skips the large file.
 */
export async function parquet(rows: number): Promise<void> {
  const csv = await salesCsv(rows);
  const path = await salesParquet(rows);
  const dataset = { source: 'parquet', path } as const;
  const warnings: Warning[] = [];
  const push = () =>
    runPushDowns('s', dataset, eightQueries, {}, { baseDir: '/', warn: (w) => warnings.push(w) });
  const stream = () =>
    runQueries(
      openSource('s', { source: 'csv', path: csv }, { baseDir: '/' }),
      eightQueries,
      {},
      { dataset: 's' },
    );
  const [pushed, streamed] = [await push(), await stream()];
  const same = [...eightQueries.keys()].every((id) => {
    const [p, s] = [pushed.get(id), streamed.get(id)];
    return p !== undefined && s !== undefined && sameRows(p, s);
  });
  const csvMs = median(await times(3, stream));
  const parquetMs = median(await times(3, push));
  console.log(`\nParquet: the same ${rows.toLocaleString('en-US')} rows, 8 queries`);
  row('CSV through the streaming engine', ms(csvMs));
  row('Parquet through DuckDB, pushed down', ms(parquetMs));
  row('queries pushed down / results equal to the CSV ones', `${pushed.size}/8, ${same ? 'yes' : 'NO'}`);
  if (warnings.length > 0) row('warnings', warnings.map((w) => w.code).join(', '));
  row('CSV (JS) / Parquet (DuckDB) (goal >= 5x)', ratio(csvMs, parquetMs));

  if (process.env.BENCH_PARQUET_BIG === '0') return;
  const big = await repeatedParquet(path, 10, `sales-${rows}x10.parquet`);
  const run = (p: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, '../parquet-child.ts'), p],
        {
          encoding: 'utf8',
        },
      ),
    ) as { maxRss: number; ms: number; pushed: number };
  const small = run(path);
  const large = run(big);
  const label = (n: number) => `${n.toLocaleString('en-US')}-row Parquet, 8 queries`;
  row(`${label(rows)}, fresh process`, `${ms(small.ms)}, peak RSS ${(small.maxRss / 2 ** 20).toFixed(0)} MB`);
  row(
    `${label(rows * 10)}, fresh process`,
    `${ms(large.ms)}, peak RSS ${(large.maxRss / 2 ** 20).toFixed(0)} MB`,
  );
  row(
    '10x rows / 1x rows: time, peak RSS',
    `${ratio(large.ms, small.ms)}, ${ratio(large.maxRss, small.maxRss)}`,
  );
}
