import { resolve } from 'node:path';
import type pg from 'pg';
import { ChartpressError } from '../../errors.js';
import type { Value } from '../../frame.js';
import type { Dataset } from '../../spec/schema.js';
import type { FileRoots } from '../sources/roots.js';
import type { CompiledQuery, SqlBaseRef } from './compile.js';
import type { SqlColumn, SqlDialectName, SqlWhere } from './dialect.js';
import {
  BEGIN_READ_ONLY,
  baseSql,
  bounded,
  closeClient,
  connect,
  DEFAULT_POSTGRES_TIMEOUT_MS,
  missingTable,
  postgresError,
  quoteTable,
  secretsOf,
  userStatement,
} from './postgres-client.js';
import { kindOf } from './postgres-types.js';
import { checkQueryText, isPostgresWriteRefusal } from './read-only.js';
import { openDatabase, resolveBase, sqliteValue } from './sqlite-db.js';
import { registerFunctions } from './sqlite-dialect.js';

/** A SQL dataset. */
export type SqlDataset = Extract<Dataset, { source: 'sqlite' | 'postgres' | 'parquet' | 'duckdb' }>;

/** One open connection to a SQL dataset's database, for running compiled queries. */
export interface SqlSession {
  readonly dialect: SqlDialectName;
  /** The columns of the dataset's table or query. */
  readonly columns: readonly SqlColumn[];
  readonly base: SqlBaseRef;
  /** The result rows, or why the database refused the statement (the caller then streams). */
  run(compiled: CompiledQuery): Promise<Value[][] | { reason: string }>;
  /** Stops the statement running, where the database can (DuckDB). */
  interrupt?(): void;
  /** How many statements may run at once, each in a session of `fork`'s. Defaults to 1. */
  readonly lanes?: number;
  /**
   * Another session over the same data, for statements to run beside this one's (DuckDB: a
   * connection of the same instance). Its `close` ends only it; close it before this one.
   */
  fork?(): Promise<SqlSession>;
  /**
   * Another dataset of the same database as a relation this session's statements read, with
   * its columns (DuckDB: a view in this session), or why it cannot be one. Without it (SQLite,
   * PostgreSQL), a dataset of the same database is its own table or query.
   */
  relation?(
    name: string,
    dataset: SqlDataset,
    where: SqlWhere,
  ): Promise<{ readonly sql: string; readonly columns: readonly SqlColumn[] } | { readonly reason: string }>;
  close(): Promise<void>;
}

/**
 * Opens the dataset's database and learns its columns (SQLite: from the prepared statement;
 * PostgreSQL: from a `LIMIT 0` query). Fails as reading the dataset would: missing file, no such
 * table, bad SQL, unreachable server, a query that writes. Every statement runs read-only
 * (SQLite: a read-only connection; PostgreSQL: a read-only transaction; DuckDB: an in-memory
 * database over the files, locked down, see `openDuckdb`).
 */
export async function openSession(
  dataset: SqlDataset,
  baseDir: string,
  where: SqlWhere,
  roots?: FileRoots,
): Promise<SqlSession> {
  if (dataset.source === 'parquet' || dataset.source === 'duckdb') {
    // Loaded on first use: DuckDB is a large native module that reports without it never need.
    const { duckdbSession } = await import('./duckdb-session.js');
    return duckdbSession(dataset, baseDir, where, roots);
  }
  const base: SqlBaseRef =
    dataset.table !== undefined ? { table: dataset.table } : { query: dataset.query ?? '' };
  if (dataset.source === 'postgres') return postgresSession(dataset, base, where);
  const path = resolve(baseDir, dataset.path);
  const at = { file: where.file, path: `${where.path}.path` };
  return sqliteSession(roots ? await roots.check(path, at) : path, dataset, base, where);
}

function sqliteSession(
  path: string,
  dataset: Extract<SqlDataset, { source: 'sqlite' }>,
  base: SqlBaseRef,
  where: SqlWhere,
): SqlSession {
  const db = openDatabase(path, where);
  try {
    const { columns, rowid } = resolveBase(db, dataset, where);
    registerFunctions(db);
    return {
      dialect: 'sqlite',
      columns: columns.map((name) => ({ name, kind: 'dynamic' })),
      base: 'table' in base ? { ...base, rowid } : base,
      async run(compiled) {
        const rows: Value[][] = [];
        try {
          const stmt = db.prepare(compiled.sql).raw(true);
          // Placeholders are named (`@p1`, see sqliteDialect): one may appear several times.
          const named = Object.fromEntries(compiled.values.map((v, i) => [`p${i + 1}`, v]));
          for (const row of stmt.iterate(named) as IterableIterator<unknown[]>) {
            rows.push(row.map(sqliteValue));
          }
        } catch (e) {
          return { reason: `SQLite refused the statement: ${e instanceof Error ? e.message : String(e)}` };
        }
        return rows;
      },
      async close() {
        db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

async function postgresSession(
  dataset: Extract<SqlDataset, { source: 'postgres' }>,
  base: SqlBaseRef,
  where: SqlWhere,
): Promise<SqlSession> {
  if (dataset.table === undefined) checkQueryText(dataset.query ?? '', where);
  const client = await connect(dataset, where);
  const timeout = dataset.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  const field = dataset.table === undefined ? 'query' : 'table';
  const timedOut = () => postgresError({ code: '57014' }, dataset, where, field);
  const query = <T>(work: Promise<T>) => bounded(client, timeout, work, timedOut);
  let columns: SqlColumn[];
  let rowid: string | undefined;
  try {
    const probe = await query(
      client.query(userStatement({ text: `SELECT * FROM (${baseSql(dataset)}) AS t LIMIT 0` })),
    );
    columns = probe.fields.map((f) => ({ name: f.name, kind: kindOf(f.dataTypeID) }));
    if (dataset.table !== undefined) rowid = await ctidOf(client, quoteTable(dataset.table));
  } catch (e) {
    const missing = await missingTable(client, e, dataset, where).catch(() => undefined);
    await closeClient(client);
    throw missing ?? postgresError(e, dataset, where, field);
  }
  return {
    dialect: 'postgres',
    columns,
    base: 'table' in base ? { ...base, rowid } : base,
    async run(compiled) {
      try {
        // Parallel workers would interleave rows, and first-seen order must follow the scan.
        await query(
          client.query(`SET max_parallel_workers_per_gather TO ${compiled.serial ? '0' : 'DEFAULT'}`),
        );
        const text = compiled.sql;
        const values = [...compiled.values];
        const result = await query(
          client.query<Value[]>(userStatement({ text, values, rowMode: 'array' as const })),
        );
        return result.rows;
      } catch (e) {
        const code = (e as { code?: string }).code;
        // Timeouts, lost connections and writes fail the dataset; other SQL errors only this
        // statement.
        if (
          e instanceof ChartpressError ||
          code === '57014' ||
          !/^[0-9A-Z]{5}$/.test(code ?? '') ||
          isPostgresWriteRefusal(e)
        ) {
          throw postgresError(e, dataset, where, field);
        }
        // The error ended the transaction: start another, read-only again.
        await query(client.query(`ROLLBACK; ${BEGIN_READ_ONLY}`));
        const message = secretsOf(dataset).scrub((e as Error).message);
        return { reason: `PostgreSQL refused the statement: ${message}` };
      }
    },
    close: () => closeClient(client),
  };
}

/**
 * `ctid` for a plain table on a server with min(tid) (14 and later): a serial scan, as the
 * source reads, returns rows in ctid order, so ctid numbers them without a window function.
 */
async function ctidOf(client: pg.Client, table: string): Promise<string | undefined> {
  const { rows } = await client.query<{ relkind: string; version: number }>(
    "SELECT relkind, current_setting('server_version_num')::int AS version FROM pg_class WHERE oid = to_regclass($1)",
    [table],
  );
  const rel = rows[0];
  return rel?.relkind === 'r' && rel.version >= 140000 ? 'ctid' : undefined;
}
