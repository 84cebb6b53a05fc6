import pg from 'pg';
import { ChartpressError, problem } from '../../errors.js';
import { quoteIdent, type SqlWhere } from './dialect.js';
import { pgTypes } from './postgres-types.js';

/** How long connecting and each read may take, in ms, when `timeoutMs` is not given: 30 s. */
export const DEFAULT_POSTGRES_TIMEOUT_MS = 30_000;

/** The connection part of a `postgres` dataset. */
export interface PostgresSpec {
  /** Connection URL; `${ENV_VAR}` is replaced from the environment. */
  readonly url: string;
  /** Limit for connecting and for each read, in ms. Defaults to 30,000. */
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
 * values read the same everywhere. Failing to connect is `CP_ERR_DATA_READ` at `<dataset>.url`,
 * with host, port and reason but never the password.
 */
export async function connect(spec: PostgresSpec, where: SqlWhere): Promise<pg.Client> {
  const url = resolveUrl(spec.url, where);
  const timeout = spec.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeout,
    statement_timeout: timeout,
    fallback_application_name: 'chartpress',
    types: pgTypes,
  });
  // Without a listener, a connection lost while idle would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    // extra_float_digits = 3 prints floats exactly on servers older than 12 too. Scans start at
    // the table's first row, and cursors are planned as the same query outside one would be, so
    // the source and push-down see rows in one order.
    const setup = client.query(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3; SET synchronize_seqscans = off; SET cursor_tuple_fraction = 1",
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
    const message = `cannot connect to postgres at ${target}: ${redact(why, url)}`;
    const hint =
      'check that the server is running and the URL (host, port, database, user, password) is right';
    throw new ChartpressError(problem('CP_ERR_DATA_READ', message, { ...at, hint }), { cause: e });
  }
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
 * becomes "query timed out after N ms", anything else carries the server's message.
 */
export function postgresError(
  e: unknown,
  spec: PostgresSpec,
  where: SqlWhere,
  field: string,
): ChartpressError {
  if (e instanceof ChartpressError) return e;
  const timedOut = (e as { code?: string }).code === '57014';
  const at = {
    file: where.file,
    path: `${where.path}.${field}`,
    hint: timedOut
      ? 'raise timeoutMs, or make the query faster'
      : "fix the SQL; the message is the database's",
  };
  const message = timedOut ? timeoutMessage(spec) : `PostgreSQL: ${redact(reason(e), spec.url)}`;
  return new ChartpressError(problem('CP_ERR_DATA_READ', message, at), { cause: e });
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

/** Removes the URL (and its password) from a message. */
function redact(message: string, url: string): string {
  const password = /\/\/[^:/@]*:([^@]*)@/.exec(url)?.[1];
  let out = message.replaceAll(url, redactUrl(url));
  if (password) out = out.replaceAll(password, '***');
  return out;
}
