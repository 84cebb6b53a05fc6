import pg from 'pg';
import { ChartpressError, problem } from '../../errors.js';
import { passwordOf, Secrets, urlSecrets } from '../secrets.js';
import { quoteIdent, type SqlWhere } from './dialect.js';
import { pgTypes } from './postgres-types.js';
import { isPostgresWriteRefusal, readOnlyError } from './read-only.js';

/**
 * How long connecting and each read may take, in ms, when `timeoutMs` is not given: 30 s. It is
 * also the session's `statement_timeout`.
 */
export const DEFAULT_POSTGRES_TIMEOUT_MS = 30_000;

/** The connection part of a `postgres` dataset. */
export interface PostgresSpec {
  /** Connection URL; `${ENV_VAR}` is replaced from the environment. */
  readonly url: string;
  /** Limit for connecting and for each read (and each statement, on the server), in ms. Defaults to 30,000. */
  readonly timeoutMs?: number | undefined;
  readonly table?: string | undefined;
  readonly query?: string | undefined;
}

/**
 * The URL with each `${NAME}` replaced by `process.env.NAME` (as is, not URL-encoded). An unset
 * variable is `CP_ERR_INVALID_VALUE` at `<dataset>.url`, naming the variable.
 */
export function resolveUrl(url: string, where: SqlWhere): string {
  return url.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = process.env[name];
    if (value === undefined) {
      const at = { file: where.file, path: `${where.path}.url`, hint: `set ${name} in the environment` };
      throw new ChartpressError(
        problem('CP_ERR_INVALID_VALUE', `environment variable ${name} is not set`, at),
      );
    }
    return value;
  });
}

/** The URL with its password (in the user part or a `password=` parameter) replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&]*/gi, '$1***');
}

/**
 * Opens a client: per-client type parsers (see postgres-types.ts), `connectionTimeoutMillis` and
 * `statement_timeout` both set to the dataset's timeout, and a session in UTC with ISO dates so
 * values read the same everywhere. The session reads only: it is left inside a `READ ONLY`
 * transaction, and its later transactions default to read-only too. Failing to connect is
 * `CP_ERR_DATA_READ` at `<dataset>.url`, with host, port and reason but never the password; a
 * URL that does not parse, or parses to another password than written, is `CP_ERR_INVALID_VALUE`.
 */
export async function connect(spec: PostgresSpec, where: SqlWhere): Promise<pg.Client> {
  const url = resolveUrl(spec.url, where);
  const timeout = spec.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  const client = newClient(url, timeout, where);
  // Without a listener, a connection lost while idle would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    // extra_float_digits = 3 prints floats exactly on servers older than 12 too. Scans start at
    // the table's first row, and cursors are planned as the same query outside one would be, so
    // the source and push-down see rows in one order. The timeout and read-only mode are set
    // here, after the URL's own parameters, which could otherwise override them.
    const setup = client.query(
      `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3; SET synchronize_seqscans = off; SET cursor_tuple_fraction = 1; SET statement_timeout = ${Math.ceil(timeout)}; SET default_transaction_read_only = on; ${BEGIN_READ_ONLY}`,
    );
    await bounded(client, timeout, setup, () => new Error('timed out setting up the session'));
    return client;
  } catch (e) {
    await closeClient(client);
    const at = { file: where.file, path: `${where.path}.url` };
    const target = `${client.host ?? 'localhost'}:${client.port ?? 5432}`;
    // System errors say it best by their code (ECONNREFUSED, ENOTFOUND); the server by its message.
    const code = (e as { code?: string }).code;
    const why = code !== undefined && /^E[A-Z]+$/.test(code) ? code : reason(e);
    const secrets = secretsOf(spec);
    const message = secrets.scrub(`cannot connect to postgres at ${target}: ${why}`);
    const hint =
      'check that the server is running and the URL (host, port, database, user, password) is right';
    throw new ChartpressError(problem('CP_ERR_DATA_READ', message, { ...at, hint }), {
      cause: secrets.error(e),
    });
  }
}

/** Starts the read-only transaction every user statement runs in. */
export const BEGIN_READ_ONLY = 'BEGIN TRANSACTION READ ONLY';

/**
 * A client for the resolved URL. Refuses, without echoing the URL, one the driver cannot parse
 * and one it would read another password from than the one written (an unencoded `@ / ? #` in
 * the password moves the rest of it into the host or path, where messages would show it).
 */
function newClient(url: string, timeout: number, where: SqlWhere): pg.Client {
  const invalid = (why: string) =>
    new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', why, {
        file: where.file,
        path: `${where.path}.url`,
        hint: 'write the URL as postgres://user:password@host:port/database, percent-encoding @ / ? # % in the user name and password',
      }),
    );
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: timeout,
      statement_timeout: timeout,
      fallback_application_name: 'chartpress',
      types: pgTypes,
    });
  } catch {
    // The driver's error may carry the URL: it is not kept as the cause.
    throw invalid('not a valid PostgreSQL connection URL');
  }
  const written = passwordOf(url);
  const byParameter = /[?&]password=/i.test(url);
  if (written !== undefined && !byParameter && client.password !== decodeOrKeep(written)) {
    throw invalid('the password in the URL holds characters that must be percent-encoded');
  }
  return client;
}

/** The secrets of a dataset's URL (its password, however written). */
export function secretsOf(spec: Pick<PostgresSpec, 'url'>): Secrets {
  return new Secrets().add(urlSecrets(spec.url));
}

function decodeOrKeep(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Options for a statement that holds the dataset's SQL: always the extended query protocol, which
 * refuses a text of more than one statement (the simple protocol would run them all).
 */
export function userStatement<T extends pg.QueryConfig | pg.QueryArrayConfig>(config: T): T {
  return { ...config, queryMode: 'extended' };
}

/** Closes a client, waiting at most a second for the server to say goodbye. */
export async function closeClient(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().catch(() => {});
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      destroy(client);
      resolve();
    }, 1000);
  });
  await Promise.race([ended, late]);
  clearTimeout(timer);
}

/** Drops the connection at once (a stalled server does not answer a polite goodbye). */
export function destroy(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * Runs `work` with a timer of `ms`: when it fires first, the connection is dropped and a
 * `CP_ERR_DATA_READ` timeout error thrown. Guards reads that the server's statement timeout
 * cannot (a stalled network).
 */
export async function bounded<T>(
  client: pg.Client,
  ms: number,
  work: Promise<T>,
  err: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      destroy(client);
      reject(err());
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A PostgreSQL failure as `CP_ERR_DATA_READ` at `<dataset>.<field>`: a cancelled statement
 * becomes "query timed out after N ms", anything else carries the server's message (without the
 * URL's password). A write or a second statement refused by the server is `CP_ERR_SQL_READ_ONLY`.
 */
export function postgresError(
  e: unknown,
  spec: PostgresSpec,
  where: SqlWhere,
  field: string,
): ChartpressError {
  if (e instanceof ChartpressError) return e;
  const secrets = secretsOf(spec);
  if (isPostgresWriteRefusal(e)) {
    const message = `the query must only read, in one statement; PostgreSQL refused it: ${reason(e)}`;
    return readOnlyError(secrets.scrub(message), where, secrets.error(e));
  }
  const timedOut = (e as { code?: string }).code === '57014';
  const at = {
    file: where.file,
    path: `${where.path}.${field}`,
    hint: timedOut
      ? 'raise timeoutMs, or make the query faster'
      : "fix the SQL; the message is the database's",
  };
  const message = timedOut ? timeoutMessage(spec) : `PostgreSQL: ${secrets.scrub(reason(e))}`;
  return new ChartpressError(problem('CP_ERR_DATA_READ', message, at), { cause: secrets.error(e) });
}

/** The message of a read that took longer than the dataset's timeout. */
export function timeoutMessage(spec: PostgresSpec): string {
  return `query timed out after ${spec.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS} ms (timeoutMs)`;
}

/** `"schema"."table"` from `schema.table` or `table`. */
export function quoteTable(table: string): string {
  const dot = table.indexOf('.');
  return dot < 0
    ? quoteIdent(table)
    : `${quoteIdent(table.slice(0, dot))}.${quoteIdent(table.slice(dot + 1))}`;
}

/** The dataset's `table` or `query` as one SELECT, without a trailing semicolon. */
export function baseSql(spec: { table?: string | undefined; query?: string | undefined }): string {
  if (spec.table !== undefined) return `SELECT * FROM ${quoteTable(spec.table)}`;
  return (spec.query ?? '').trim().replace(/;\s*$/, '');
}

/**
 * A clear error for a table that does not exist: `no table "x"; tables: a, b` (the first 50 of
 * the tables the user can see). Undefined when the failure was something else.
 */
export async function missingTable(
  client: pg.Client,
  e: unknown,
  spec: PostgresSpec,
  where: SqlWhere,
): Promise<ChartpressError | undefined> {
  if (spec.table === undefined || (e as { code?: string }).code !== '42P01') return undefined;
  // The failed statement ended the transaction; this one reads outside it (still read-only).
  await client.query('ROLLBACK');
  const { rows } = await client.query<{ name: string }>(
    `SELECT CASE WHEN table_schema = current_schema() THEN table_name ELSE table_schema || '.' || table_name END AS name
       FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY table_schema <> current_schema(), 1 LIMIT 50`,
  );
  const list = rows.length === 0 ? '(none)' : rows.map((r) => r.name).join(', ');
  const at = {
    file: where.file,
    path: `${where.path}.table`,
    hint: 'use one of the listed tables, or a query',
  };
  return new ChartpressError(problem('CP_ERR_DATA_READ', `no table "${spec.table}"; tables: ${list}`, at), {
    cause: e,
  });
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));
