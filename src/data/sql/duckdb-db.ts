import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve, sep } from 'node:path';
import { type DuckDBConnection, type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import { ChartpressError, problem } from '../../errors.js';
import type { Value } from '../../frame.js';
import type { Dataset } from '../../spec/schema.js';
import { isGlob, matchFiles } from '../sources/glob.js';
import { FileRoots, type PathWhere } from '../sources/roots.js';
import type { SqlBaseRef } from './compile.js';
import { type ColumnKind, quoteIdent, type SqlColumn, type SqlWhere } from './dialect.js';
import { duckdbValue } from './duckdb-dialect.js';
import { duckdbError, literal, readFailure, reason } from './duckdb-errors.js';
import { leaseInstance } from './duckdb-instances.js';
import { checkDuckdbQuery, filesUnder } from './duckdb-query.js';

/** A `parquet` or `duckdb` dataset. */
export type DuckdbDataset = Extract<Dataset, { source: 'parquet' | 'duckdb' }>;

/** Memory DuckDB may use per dataset read, in MiB, before it spills to its temp folder: 1024. */
export const DEFAULT_DUCKDB_MEMORY_MB = 1024;
/** Threads DuckDB uses per dataset read: the machine's cores, at most 4. */
export const DEFAULT_DUCKDB_THREADS = Math.min(4, availableParallelism());
/** Longest a DuckDB statement (or a read of rows) may take, in ms: 60000. */
export const DEFAULT_DUCKDB_TIMEOUT_MS = 60_000;

/** The view every DuckDB dataset is read through, its columns of one kind each. */
const BASE = '"__cp_base"';
/** The view's column numbering rows in scan order, when the data has one for free. */
const ROW_ID = '"__cp_rid"';

/** An open, locked-down DuckDB over one dataset's data. */
export interface DuckdbData {
  readonly connection: DuckDBConnection;
  /** The dataset's columns, with the kinds the view gives them. */
  readonly columns: readonly SqlColumn[];
  /** The view, for the compiler; numbered by a row id when the data has one. */
  readonly base: SqlBaseRef;
  /** The SELECT reading the dataset's rows as the source yields them, in scan order. */
  readonly rowsSql: string;
  /**
   * Makes `name` a temporary view over another dataset of the same database (the same database
   * file, or none: Parquet files, a query over files), its columns given as the dataset's own
   * view gives them, and returns its columns. Its files are checked as a read of it checks them.
   */
  view(dataset: DuckdbDataset, name: string, where: SqlWhere): Promise<readonly SqlColumn[]>;
  /**
   * `work` on the connection, interrupted past the dataset's `timeoutMs`: then
   * `CP_ERR_DATA_READ` at `<dataset>.<field>`.
   */
  bounded<T>(work: () => Promise<T>, field: string): Promise<T>;
  /** Stops the statement running on the connection. */
  interrupt(): void;
  /**
   * The same data on another connection to the same instance, under the same limits, for
   * statements to run beside this one's; its `close` closes only its connection. Views made by
   * `view` are not on it.
   */
  fork(): Promise<DuckdbData>;
  /** Ends the read: its instance is kept for reuse unless a statement failed or was stopped. */
  close(): Promise<void>;
}

/**
 * Opens an in-memory DuckDB over a dataset's data, locked down before anything of the report
 * runs in it (see `leaseInstance`): no extension is installed or loaded, files are read only under
 * the allowed folders (`roots`, or else the report's folder; DuckDB's `allowed_directories` with
 * external access off), the memory limit and thread count are the dataset's (see the defaults
 * above), spilling goes to a temp folder of the instance's own, and the configuration is locked.
 * The instance is this read's alone until it is closed, then may wait idle for the next read with
 * the same limits. Work run through `bounded` stops after the dataset's `timeoutMs`.
 *
 * The data: for `parquet`, the file, or the files a glob matches (in name order), each checked
 * under the roots (symlinks resolved); for `duckdb`, the database file attached read-only, with
 * its `table` or `query`, or a `query` alone over files. A query must be one SELECT.
 *
 * Errors: `CP_ERR_FILE_NOT_FOUND` (`<dataset>.path`: no file, or a glob matching none),
 * `CP_ERR_PATH_DENIED`, `CP_ERR_SQL_READ_ONLY` (`<dataset>.query`), `CP_ERR_DATA_READ` (a file
 * DuckDB cannot read, a missing table, SQL it refuses).
 */
export async function openDuckdb(
  dataset: DuckdbDataset,
  baseDir: string,
  where: SqlWhere,
  roots?: FileRoots,
): Promise<DuckdbData> {
  const allowed = roots ?? new ReportFolder(baseDir);
  const { files, database } = await filesOf(dataset, baseDir, allowed, where);

  const folders = [...new Set(allowed.folders.map((f) => (f.endsWith(sep) ? f : f + sep)))];
  const limits = {
    threads: dataset.threads ?? DEFAULT_DUCKDB_THREADS,
    memoryLimitMb: dataset.memoryLimitMb ?? DEFAULT_DUCKDB_MEMORY_MB,
    folders,
    database,
  };
  const lease = await leaseInstance(limits, async (c) => {
    await c.run(`ATTACH ${literal(database ?? '')} AS src (READ_ONLY)`).catch((e: unknown) => {
      const at = { file: where.file, path: `${where.path}.path` };
      throw readFailure(`cannot open ${database} as DuckDB: ${reason(e)}`, at, e);
    });
    await c.run('USE src');
  });
  // An instance goes back for reuse only when nothing went wrong on it.
  let spoiled = false;
  const timeout = dataset.timeoutMs ?? DEFAULT_DUCKDB_TIMEOUT_MS;
  const on = (c: DuckDBConnection, view: View, close: () => Promise<void>): DuckdbData => ({
    connection: c,
    async bounded(work, field) {
      try {
        return await bounded(c, timeout, work, { file: where.file, path: `${where.path}.${field}` });
      } catch (e) {
        spoiled = true;
        throw e;
      }
    },
    interrupt() {
      spoiled = true;
      c.interrupt();
    },
    columns: view.columns,
    base: { table: '__cp_base', rowid: view.rowid ? ROW_ID : undefined },
    rowsSql: `SELECT ${view.values.length > 0 ? view.values.join(', ') : '1'} FROM ${BASE} AS t`,
    async view(other, name, place) {
      // Its files are checked as its own read checks them; the folders allowed are the same.
      const found = await filesOf(other, baseDir, allowed, place);
      if (found.database !== database)
        throw new Error(`${place.path} is not in the database of ${where.path}`);
      return (await createView(c, quoteIdent(name), other, found.files, baseDir, allowed, place)).columns;
    },
    async fork() {
      const other = await lease.connect();
      try {
        if (database !== undefined) await other.run('USE src');
        await other.run(view.sql);
      } catch (e) {
        other.closeSync();
        spoiled = true;
        throw duckdbError(e, { file: where.file, path: where.path });
      }
      return on(other, view, async () => other.closeSync());
    },
    close,
  });
  const close = () => lease.release(!spoiled);
  try {
    const made = await createView(lease.connection, BASE, dataset, files, baseDir, allowed, where);
    const values = made.columns.map(
      (col) => `${duckdbValue(`t.${quoteIdent(col.name)}`, col.kind)} AS ${quoteIdent(col.name)}`,
    );
    return on(lease.connection, { ...made, values }, close);
  } catch (e) {
    spoiled = true;
    await close();
    throw e;
  }
}

/** The base view of a read: how it was made, its columns, and each column as the source yields it. */
interface View {
  readonly sql: string;
  readonly columns: readonly SqlColumn[];
  readonly rowid: boolean;
  readonly values: readonly string[];
}

/** The report's folder as the only root, for an engine without `files.roots`. */
class ReportFolder extends FileRoots {
  constructor(baseDir: string) {
    super([baseDir]);
  }

  override async check(path: string, where: PathWhere): Promise<string> {
    try {
      return await super.check(path, where);
    } catch (e) {
      if (!(e instanceof ChartpressError) || e.code !== 'CP_ERR_PATH_DENIED') throw e;
      const message = `${resolve(path)} is outside the report's folder, the only one DuckDB may read without the engine's files.roots`;
      const hint = 'move the file under the report, or give the engine files.roots that hold it';
      throw new ChartpressError(problem('CP_ERR_PATH_DENIED', message, { ...where, hint }));
    }
  }
}

/**
 * The files a dataset reads, each checked under the roots: a Parquet file or the files its glob
 * matches (in name order), or the DuckDB database file (`database`) to attach read-only.
 */
async function filesOf(
  dataset: DuckdbDataset,
  baseDir: string,
  allowed: FileRoots,
  where: SqlWhere,
): Promise<{ files: readonly string[]; database?: string | undefined }> {
  const at = { file: where.file, path: `${where.path}.path` };
  // The same globs as CSV and NDJSON paths, matched here: every match checked under the roots.
  if (dataset.source === 'parquet' && isGlob(dataset.path))
    return { files: await matchFiles(dataset.path, { baseDir, roots: allowed, where: at }) };
  if (dataset.path === undefined) return { files: [] };
  const checked = await allowed.check(resolve(baseDir, dataset.path), at);
  await mustExist(checked, at);
  return dataset.source === 'duckdb' ? { files: [checked], database: checked } : { files: [checked] };
}

/**
 * The temporary view `name` over a dataset's data, each column of one kind (see `viewColumn`),
 * numbered by `ROW_ID` when the data has a row number of its own (then `rowid` is true).
 */
async function createView(
  c: DuckDBConnection,
  name: string,
  dataset: DuckdbDataset,
  files: readonly string[],
  baseDir: string,
  allowed: FileRoots,
  where: SqlWhere,
): Promise<{ sql: string; columns: SqlColumn[]; rowid: boolean }> {
  const source = await baseSource(c, dataset, files, baseDir, allowed, where);
  const described = await describe(c, source.sql, where, source.field);
  const list = described.map((col) => `${col.sql(`b.${quoteIdent(col.name)}`)} AS ${quoteIdent(col.name)}`);
  const rowid = source.rowid === undefined ? '' : `, ${source.rowid} AS ${ROW_ID}`;
  const sql = `CREATE TEMP VIEW ${name} AS SELECT ${list.join(', ')}${rowid} FROM ${source.sql} AS b`;
  await c.run(sql).catch((e: unknown) => {
    throw duckdbError(e, { file: where.file, path: `${where.path}.${source.field}` });
  });
  const columns = described.map((col) => ({ name: col.name, kind: col.kind }));
  return { sql, columns, rowid: rowid !== '' };
}

interface BaseSource {
  /** A FROM item: a table function, a table, or a query in parentheses. */
  readonly sql: string;
  /** The field of the dataset a failure to read it is reported at. */
  readonly field: 'path' | 'table' | 'query';
  /** An expression over `b` numbering rows in scan order, when the data has one. */
  readonly rowid?: string | undefined;
}

async function baseSource(
  c: DuckDBConnection,
  dataset: DuckdbDataset,
  files: readonly string[],
  baseDir: string,
  roots: FileRoots,
  where: SqlWhere,
): Promise<BaseSource> {
  if (dataset.source === 'parquet') {
    // Files in list order, rows in file order: what a scan reads, numbered without a window.
    const rowid =
      files.length === 1 ? 'b.file_row_number' : 'b.file_index * 1099511627776 + b.file_row_number';
    return { sql: `read_parquet([${files.map(literal).join(', ')}])`, field: 'path', rowid };
  }
  if (dataset.table !== undefined) {
    const table = dataset.table
      .split('.')
      .map((part) => quoteIdent(part))
      .join('.');
    const kind = await c
      .runAndReadAll(
        'SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database() AND lower(table_name) = lower($1) AND ($2 IS NULL OR lower(table_schema) = lower($2))',
        [
          dataset.table.split('.').at(-1) ?? '',
          dataset.table.includes('.') ? (dataset.table.split('.')[0] ?? '') : null,
        ],
      )
      .then((r) => r.getRows()[0]?.[0]);
    if (kind === undefined) {
      const names = (
        await c.runAndReadAll(
          'SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY 1',
        )
      )
        .getRows()
        .map((r) => String(r[0]));
      const message = `no table "${dataset.table}" in the database; tables: ${names.length === 0 ? '(none)' : names.join(', ')}`;
      const place = {
        file: where.file,
        path: `${where.path}.table`,
        hint: 'use one of the listed tables, or a query',
      };
      throw new ChartpressError(problem('CP_ERR_DATA_READ', message, place));
    }
    // A base table's rowid follows its scan; a view's rows have no number of their own.
    return { sql: table, field: 'table', rowid: kind === 'BASE TABLE' ? 'b.rowid' : undefined };
  }
  const text = (dataset.query ?? '').trim().replace(/;\s*$/, '');
  const query = await filesUnder(c, text, baseDir, roots, where);
  await checkDuckdbQuery(c, query, where);
  return { sql: `(${query})`, field: 'query' };
}

interface DescribedColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The column as the view gives it. */
  readonly sql: (ref: string) => string;
}

const NUMBER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.DECIMAL,
]);
const TIMESTAMPS = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
]);

/**
 * How the view gives a column of a DuckDB type: integers and decimals as DOUBLE (past 2^53
 * rounded), floats without NaN, timestamps (with a zone too) as TIMESTAMP in UTC, BLOBs as
 * NULL, and every other type (intervals, lists, UUIDs, enums...) as its text.
 */
function viewColumn(type: DuckDBType): Pick<DescribedColumn, 'kind' | 'sql'> {
  const id = type.typeId;
  if (id === DuckDBTypeId.BOOLEAN) return { kind: 'bool', sql: (r) => r };
  if (id === DuckDBTypeId.VARCHAR) return { kind: 'text', sql: (r) => r };
  if (NUMBER_TYPES.has(id)) return { kind: 'number', sql: (r) => `CAST(${r} AS DOUBLE)` };
  if (id === DuckDBTypeId.FLOAT || id === DuckDBTypeId.DOUBLE)
    return { kind: 'number', sql: (r) => `(CASE WHEN NOT isnan(${r}) THEN CAST(${r} AS DOUBLE) END)` };
  // Infinite dates stay: they read as `infinity`, which is no date to the engine either.
  if (id === DuckDBTypeId.DATE) return { kind: 'date', sql: (r) => r };
  if (id === DuckDBTypeId.TIMESTAMP) return { kind: 'timestamp', sql: (r) => r };
  if (TIMESTAMPS.has(id)) return { kind: 'timestamp', sql: (r) => `CAST(${r} AS TIMESTAMP)` };
  if (id === DuckDBTypeId.TIMESTAMP_TZ) return { kind: 'timestamp', sql: (r) => `timezone('UTC', ${r})` };
  if (id === DuckDBTypeId.BLOB) return { kind: 'text', sql: () => 'NULL::VARCHAR' };
  return { kind: 'text', sql: (r) => `CAST(${r} AS VARCHAR)` };
}

async function describe(
  c: DuckDBConnection,
  from: string,
  where: SqlWhere,
  field: string,
): Promise<DescribedColumn[]> {
  try {
    const probe = await c.run(`SELECT * FROM ${from} AS b LIMIT 0`);
    const names = probe.columnNames();
    const types = probe.columnTypes();
    return names.map((name, i) => ({ name, ...viewColumn(types[i] as DuckDBType) }));
  } catch (e) {
    throw duckdbError(e, { file: where.file, path: `${where.path}.${field}` });
  }
}

async function mustExist(path: string, at: { file?: string | undefined; path: string }): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a regular file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new ChartpressError(problem('CP_ERR_FILE_NOT_FOUND', `file not found: ${path}`, at), {
        cause: e,
      });
    throw readFailure(`cannot read ${path}: ${reason(e)}`, at, e);
  }
}

/** `work`, with the connection interrupted once `ms` have passed: then a timeout error at `at`. */
async function bounded<T>(
  c: DuckDBConnection,
  ms: number,
  work: () => Promise<T>,
  at: { file?: string | undefined; path: string },
): Promise<T> {
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    c.interrupt();
  }, ms);
  try {
    return await work();
  } catch (e) {
    if (!late) throw e;
    const message = `DuckDB took longer than ${ms} ms and was stopped`;
    const hint = 'filter the data, or raise the dataset’s timeoutMs';
    throw new ChartpressError(problem('CP_ERR_DATA_READ', message, { ...at, hint }), { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

/** A value DuckDB returned as a chart value: big integers and decimals as numbers. */
export function duckdbCell(v: unknown): Value {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return v === undefined ? null : Number(String(v));
}
