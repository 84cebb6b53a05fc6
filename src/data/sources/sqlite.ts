import type { Row, Value } from '../../frame.js';
import type { InvalidCells } from '../invalid.js';
import type { SqlWhere } from '../sql/dialect.js';
import { openDatabase, prepare, resolveBase, sqliteError, sqliteValue } from '../sql/sqlite-db.js';
import { declaredReaders } from '../sql/values.js';
import type { DeclaredColumns } from './cells.js';
import { fromBatches, type RowSource } from './rows.js';

/** A SQLite dataset read as rows. */
export interface SqliteOptions {
  /** Absolute (or process-relative) path of the database file. */
  readonly path: string;
  /** Table or view to read (one of table and query). */
  readonly table?: string | undefined;
  /** SELECT to read (one of table and query). */
  readonly query?: string | undefined;
  /** Declared column types; other columns keep the database's values. */
  readonly columns?: DeclaredColumns | undefined;
  /** Counts the values of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
  readonly where: SqlWhere;
}

/** Rows per batch; between batches the event loop runs, since reading is synchronous. */
const BATCH_ROWS = 1024;

/**
 * Streams a table or query of a SQLite file, opened read-only, row by row (`iterate()`, never the
 * whole result at once), in batches of 1,024 rows. Integers and reals are numbers (integers past
 * 2^53 rounded), text is strings, BLOBs are null. Each iteration opens the file anew; stopping
 * early closes it.
 *
 * Errors: `CP_ERR_FILE_NOT_FOUND` (`<dataset>.path`), `CP_ERR_DATA_READ` for a file that is not a
 * database, a missing table (`<dataset>.table`, listing the tables) or SQL the database refuses
 * (`<dataset>.query`, with its message), `CP_ERR_SQL_READ_ONLY` for a query that would write,
 * returns no rows or holds more than one statement, `CP_ERR_UNKNOWN_COLUMN` for a declared
 * column the data lacks.
 */
export function sqliteSource(opts: SqliteOptions): RowSource {
  return fromBatches(() => readSqlite(opts));
}

async function* readSqlite(opts: SqliteOptions): AsyncGenerator<Row[]> {
  const { where } = opts;
  const db = openDatabase(opts.path, where);
  const field = opts.table === undefined ? 'query' : 'table';
  try {
    const base = resolveBase(db, opts, where);
    const names = base.columns;
    const readers = declaredReaders(names, opts.columns, where, opts.invalid);
    const rows = prepare(db, base.sql, where, field).raw(true).iterate() as IterableIterator<unknown[]>;
    try {
      for (;;) {
        const batch: Row[] = [];
        try {
          for (let next = rows.next(); !next.done; next = rows.next()) {
            const row: Row = {};
            for (let i = 0; i < names.length; i++) {
              const v: Value = sqliteValue(next.value[i]);
              const read = readers[i];
              row[names[i]!] = read === undefined ? v : read(v);
            }
            if (batch.push(row) === BATCH_ROWS) break;
          }
        } catch (e) {
          throw sqliteError(e, where, field);
        }
        if (batch.length > 0) yield batch;
        if (batch.length < BATCH_ROWS) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      rows.return?.();
    }
  } finally {
    db.close();
  }
}
