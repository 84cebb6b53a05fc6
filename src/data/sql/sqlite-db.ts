import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ChartpressError, problem } from '../../errors.js';
import type { Value } from '../../frame.js';
import { quoteIdent, type SqlWhere } from './dialect.js';
import { firstWord, isSqliteWriteRefusal, readOnlyError } from './read-only.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens a SQLite file read-only (`readonly`, `fileMustExist`). A missing file is
 * `CP_ERR_FILE_NOT_FOUND` at `<dataset>.path`; a file that is not a database is `CP_ERR_DATA_READ`.
 */
export function openDatabase(path: string, where: SqlWhere): SqliteDatabase {
  const at = { file: where.file, path: `${where.path}.path` };
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    const message = missing ? `file not found: ${path}` : `cannot read ${path}: ${reason(e)}`;
    throw new ChartpressError(problem(missing ? 'CP_ERR_FILE_NOT_FOUND' : 'CP_ERR_DATA_READ', message, at), {
      cause: e,
    });
  }
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // Opening is lazy: a file that is not a database only fails at the first read.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (e) {
    db?.close();
    throw new ChartpressError(
      problem('CP_ERR_DATA_READ', `cannot open ${path} as SQLite: ${reason(e)}`, at),
      {
        cause: e,
      },
    );
  }
}

/** What a SQLite dataset reads: a table (or view) or a query. */
export interface SqliteBaseSpec {
  readonly table?: string | undefined;
  readonly query?: string | undefined;
}

/** The dataset as one SELECT and its column names. */
export interface SqlBase {
  readonly sql: string;
  readonly columns: readonly string[];
  /** How to name the rowid of a table read in rowid order (not for views and WITHOUT ROWID tables). */
  readonly rowid?: string | undefined;
}

/**
 * Resolves a dataset's `table` or `query` to a SELECT. A table that does not exist is
 * `CP_ERR_DATA_READ` at `<dataset>.table` listing the tables; SQL the database refuses is
 * `CP_ERR_DATA_READ` at `<dataset>.query` with the database's message; a query that would write
 * or returns no rows (`DELETE`, `ATTACH`, `VACUUM INTO`, `PRAGMA x = y`) or holds more than one
 * statement is `CP_ERR_SQL_READ_ONLY`.
 */
export function resolveBase(db: SqliteDatabase, spec: SqliteBaseSpec, where: SqlWhere): SqlBase {
  if (spec.table !== undefined) {
    const found = db
      .prepare("SELECT type FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE")
      .pluck()
      .get(spec.table);
    if (found === undefined) {
      const tables = db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .pluck()
        .all() as string[];
      const list = tables.length === 0 ? '(none)' : tables.join(', ');
      const message = `no table "${spec.table}" in the database; tables: ${list}`;
      const at = {
        file: where.file,
        path: `${where.path}.table`,
        hint: 'use one of the listed tables, or a query',
      };
      throw new ChartpressError(problem('CP_ERR_DATA_READ', message, at));
    }
    const table = quoteIdent(spec.table);
    const columns = prepare(db, `SELECT * FROM ${table}`, where, 'table')
      .columns()
      .map((c) => c.name);
    const rowid = found === 'table' ? rowidOf(db, table, columns) : undefined;
    // In rowid order, which push-down then reproduces from the rowid alone.
    const sql = `SELECT * FROM ${table}${rowid === undefined ? '' : ` ORDER BY ${rowid}`}`;
    return { sql, columns, rowid };
  }
  const sql = (spec.query ?? '').trim().replace(/;\s*$/, '');
  const stmt = prepare(db, sql, where, 'query');
  // SQLite says whether the prepared statement writes or returns rows: refuse it before it runs
  // (ATTACH, PRAGMA x = y and VACUUM INTO return none, and would act beyond reading this file).
  if (!stmt.readonly || !stmt.reader) {
    const why = stmt.readonly ? 'returns no rows' : 'would write';
    throw readOnlyError(`the query ${why} (${firstWord(sql).toUpperCase()}); use one SELECT`, where);
  }
  return { sql, columns: stmt.columns().map((c) => c.name) };
}

/** A name of the table's rowid that no column hides, or undefined for a WITHOUT ROWID table. */
function rowidOf(db: SqliteDatabase, table: string, columns: readonly string[]): string | undefined {
  const taken = new Set(columns.map((c) => c.toLowerCase()));
  const name = ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n));
  if (name === undefined) return undefined;
  try {
    db.prepare(`SELECT ${name} FROM ${table} LIMIT 0`);
    return name;
  } catch {
    return undefined;
  }
}

/** Prepares SQL, turning the database's refusal into `CP_ERR_DATA_READ` at `<dataset>.<field>`. */
export function prepare(db: SqliteDatabase, sql: string, where: SqlWhere, field: string): Database.Statement {
  try {
    return db.prepare(sql);
  } catch (e) {
    throw sqliteError(e, where, field);
  }
}

/**
 * A SQLite failure as `CP_ERR_DATA_READ` with the database's message, or `CP_ERR_SQL_READ_ONLY`
 * when it refused a write or a second statement.
 */
export function sqliteError(e: unknown, where: SqlWhere, field: string): ChartpressError {
  if (e instanceof ChartpressError) return e;
  if (isSqliteWriteRefusal(e)) {
    return readOnlyError(
      `the query must only read, in one statement; SQLite refused it: ${reason(e)}`,
      where,
      e,
    );
  }
  const at = {
    file: where.file,
    path: `${where.path}.${field}`,
    hint: "fix the SQL; the message is SQLite's",
  };
  return new ChartpressError(problem('CP_ERR_DATA_READ', `SQLite: ${reason(e)}`, at), { cause: e });
}

/**
 * A SQLite cell as a value: BLOBs read as null (binary data has no place in a chart or a table),
 * big integers as (possibly rounded) numbers.
 */
export function sqliteValue(v: unknown): Value {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));
