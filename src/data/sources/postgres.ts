import Cursor from 'pg-cursor';
import type { Row, Value } from '../../frame.js';
import type { InvalidCells } from '../invalid.js';
import type { SqlWhere } from '../sql/dialect.js';
import {
  baseSql,
  bounded,
  closeClient,
  connect,
  DEFAULT_POSTGRES_TIMEOUT_MS,
  missingTable,
  type PostgresSpec,
  postgresError,
} from '../sql/postgres-client.js';
import { checkQueryText } from '../sql/read-only.js';
import { declaredReaders } from '../sql/values.js';
import type { DeclaredColumns } from './cells.js';
import { fromBatches, type RowSource } from './rows.js';

/** A PostgreSQL dataset read as rows. */
export interface PostgresOptions extends PostgresSpec {
  /** Declared column types; other columns keep the values read (see postgres-types.ts). */
  readonly columns?: DeclaredColumns | undefined;
  /** Counts the values of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
  readonly where: SqlWhere;
}

/** Rows fetched per round trip. */
const BATCH_ROWS = 5000;

/**
 * Streams a table or query of a PostgreSQL database through a cursor, 5,000 rows per round trip,
 * inside a read-only transaction. Connecting and each round trip are bounded by `timeoutMs`
 * (default 30,000), on the server (`statement_timeout`) and in the client, so a stalled read
 * fails instead of hanging. The connection is closed when the rows end, on an error, and when
 * the consumer stops early.
 *
 * Errors, all `CP_ERR_DATA_READ` unless said: an unreachable server (`<dataset>.url`), an unset
 * `${VAR}` or unreadable URL (`CP_ERR_INVALID_VALUE`), a missing table (`<dataset>.table`,
 * listing the tables), a failing query or a timeout (`<dataset>.query`), a query that is not one
 * SELECT or that writes (`CP_ERR_SQL_READ_ONLY`), a declared column the data lacks
 * (`CP_ERR_UNKNOWN_COLUMN`).
 */
export function postgresSource(opts: PostgresOptions): RowSource {
  return fromBatches(() => readPostgres(opts));
}

async function* readPostgres(opts: PostgresOptions): AsyncGenerator<Row[]> {
  const { where } = opts;
  const field = opts.table === undefined ? 'query' : 'table';
  const timeout = opts.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  if (opts.table === undefined) checkQueryText(opts.query ?? '', where);
  const client = await connect(opts, where);
  try {
    // A cursor uses the extended protocol: one statement only.
    const cursor = client.query(new Cursor<Row>(baseSql(opts)));
    const read = async (): Promise<Row[]> => {
      const timedOut = () => postgresError({ code: '57014' }, opts, where, field);
      try {
        return await bounded(client, timeout, cursor.read(BATCH_ROWS), timedOut);
      } catch (e) {
        throw (
          (await missingTable(client, e, opts, where).catch(() => undefined)) ??
          postgresError(e, opts, where, field)
        );
      }
    };
    let rows = await read();
    if (rows.length === 0) return;
    const names = Object.keys(rows[0] ?? {});
    const readers = declaredReaders(names, opts.columns, where, opts.invalid);
    const typed = readers.some((r) => r !== undefined);
    while (rows.length > 0) {
      if (typed) {
        for (const row of rows) {
          readers.forEach((r, i) => {
            const name = names[i]!;
            if (r !== undefined) row[name] = r(row[name] as Value);
          });
        }
      }
      yield rows;
      if (rows.length < BATCH_ROWS) break;
      rows = await read();
    }
  } finally {
    await closeClient(client);
  }
}
