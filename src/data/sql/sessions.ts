import { resolve } from 'node:path';
import type pg from 'pg';
import { ChartpressError } from '../../errors.js';
import type { Dataset } from '../../spec/schema.js';
import type { Value } from '../frame.js';
import type { CompiledQuery, SqlBaseRef } from './compile.js';
import type { SqlColumn, SqlDialectName, SqlWhere } from './dialect.js';
import {
  baseSql,
  bounded,
  closeClient,
  connect,
  DEFAULT_POSTGRES_TIMEOUT_MS,
  missingTable,
  postgresError,
  quoteTable,
} from './postgres-client.js';
import { kindOf } from './postgres-types.js';
import { openDatabase, resolveBase, sqliteValue } from './sqlite-db.js';
import { registerFunctions } from './sqlite-dialect.js';

/** A SQL dataset. */
export type SqlDataset = Extract<Dataset, { source: 'sqlite' | 'postgres' }>;

/** One open connection to a SQL dataset's database, for running compiled queries. */
export interface SqlSession {
  readonly dialect: SqlDialectName;
  /** The columns of the dataset's table or query. */
  readonly columns: readonly SqlColumn[];
  readonly base: SqlBaseRef;
  /** The result rows, or why the database refused the statement (the caller then streams). */
  run(compiled: CompiledQuery): Promise<Value[][] | { reason: string }>;
  close(): Promise<void>;
}

/**
 * Opens the dataset's database and learns its columns (SQLite: from the prepared statement;
 * PostgreSQL: from a `LIMIT 0` query). Fails as reading the dataset would: missing file, no such
 * table, bad SQL, unreachable server.
 */
export async function openSession(
  dataset: SqlDataset,
  baseDir: string,
  where: SqlWhere,
): Promise<SqlSession> {
  const base: SqlBaseRef =
    dataset.table !== undefined ? { table: dataset.table } : { query: dataset.query ?? '' };
  return dataset.source === 'sqlite'
    ? sqliteSession(resolve(baseDir, dataset.path), dataset, base, where)
    : postgresSession(dataset, base, where);
}

function sqliteSession(path: string, dataset: SqlDataset, base: SqlBaseRef, where: SqlWhere): SqlSession {
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
          for (const row of stmt.iterate(...compiled.values) as IterableIterator<unknown[]>) {
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
  const client = await connect(dataset, where);
  const timeout = dataset.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  const field = dataset.table === undefined ? 'query' : 'table';
  const timedOut = () => postgresError({ code: '57014' }, dataset, where, field);
  const query = <T>(work: Promise<T>) => bounded(client, timeout, work, timedOut);
  let columns: SqlColumn[];
  let rowid: string | undefined;
  try {
    const probe = await query(client.query(`SELECT * FROM (${baseSql(dataset)}) AS t LIMIT 0`));
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
        const result = await query(client.query<Value[]>({ text, values, rowMode: 'array' }));
        return result.rows;
      } catch (e) {
        const code = (e as { code?: string }).code;
        // Timeouts and lost connections fail the dataset; SQL errors only this statement.
        if (e instanceof ChartpressError || code === '57014' || !/^[0-9A-Z]{5}$/.test(code ?? '')) {
          throw postgresError(e, dataset, where, field);
        }
        return { reason: `PostgreSQL refused the statement: ${(e as Error).message}` };
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
