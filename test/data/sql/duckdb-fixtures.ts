import { DuckDBInstance } from '@duckdb/node-api';
import { AMOUNT, AT, DATE, salesData } from './suite.js';

const text = (v: string | null) => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`);

/**
 * The suite's sales rows as a DuckDB `SELECT` of typed columns: a DATE, a TIMESTAMP WITH TIME
 * ZONE (some rows given at another offset), text, a DOUBLE, an INTEGER, a BOOLEAN, an ENUM-like
 * code as text and the row number.
 */
export function salesSelect(n: number): string {
  const rows = salesData(n).map((r) =>
    [
      r.i % 20 === 0 ? 'NULL' : `DATE '${r.date}'`,
      r.i % 15 === 0 ? 'NULL' : `TIMESTAMPTZ '${r.i % 15 === 2 ? r.at.replace('Z', '+05:30') : r.at}'`,
      text(r.region),
      r.amount === null ? 'NULL' : String(r.amount),
      r.units === null ? 'NULL' : String(r.units),
      String(r.flag),
      text(['a', 'b', null, 'c'][r.i % 4] ?? null),
      String(r.i),
    ].join(', '),
  );
  const names = [DATE, AT, 'Region', AMOUNT, 'units', 'flag', 'code', 'i'].map((c) => `"${c}"`);
  const types = ['DATE', 'TIMESTAMPTZ', 'VARCHAR', 'DOUBLE', 'INTEGER', 'BOOLEAN', 'VARCHAR', 'BIGINT'];
  const cast = names.map((c, i) => `CAST(${c} AS ${types[i]}) AS ${c}`).join(', ');
  return `SELECT ${cast} FROM (VALUES ${rows.map((r) => `(${r})`).join(', ')}) AS v(${names.join(', ')})`;
}

/** Runs statements on a DuckDB of its own (a file, or in memory), to make test data. */
export async function duckdbExec(path: string, ...statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const c = await instance.connect();
  try {
    for (const sql of statements) await c.run(sql);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Writes a Parquet file of `select`'s rows. */
export const writeParquet = (path: string, select: string) =>
  duckdbExec(':memory:', `COPY (${select}) TO ${quote(path)} (FORMAT parquet)`);
