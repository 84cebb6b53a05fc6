import { dirname, resolve, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import type { FileRoots } from '../sources/roots.js';
import type { SqlWhere } from './dialect.js';
import { duckdbError, literal } from './duckdb-errors.js';
import { readOnlyError } from './read-only.js';

/**
 * What a DuckDB dataset reads: the files of a glob and of a query, under the allowed folders,
 * and a query that only reads.
 */

/**
 * The query with the files it reads (`FROM 'logs/*.csv'`, the paths given to a table function
 * such as `read_parquet`) made absolute against the report's folder, each checked under the
 * roots: DuckDB itself only compares path text with its allowed folders, and reads relative
 * paths from the process's folder. The files are found in DuckDB's own parse of the query.
 */
export async function filesUnder(
  c: DuckDBConnection,
  sql: string,
  baseDir: string,
  roots: FileRoots,
  where: SqlWhere,
): Promise<string> {
  const at = { file: where.file, path: `${where.path}.query` };
  let tree: unknown;
  try {
    const r = await c.runAndReadAll(`SELECT json_serialize_sql(${literal(sql)})`);
    tree = JSON.parse(String(r.getRows()[0]?.[0] ?? '{}'));
  } catch (e) {
    throw duckdbError(e, at);
  }
  // DuckDB serializes SELECT statements only: anything else is refused before it is prepared.
  const parsed = tree as {
    error?: boolean;
    error_type?: string;
    error_message?: string;
    statements?: unknown[];
  };
  if (parsed.error === true) {
    if (parsed.error_type === 'parser')
      throw duckdbError(new Error(`Parser Error: ${parsed.error_message ?? ''}`), at);
    throw readOnlyError('the query must be one SELECT (or WITH, FROM, VALUES)', where);
  }
  if ((parsed.statements?.length ?? 0) !== 1) {
    const n = parsed.statements?.length ?? 0;
    throw readOnlyError(
      `the query must be one SELECT; got ${n === 0 ? 'no statement' : `${n} statements`}`,
      where,
    );
  }
  const found = new Map<number, string>();
  collectFiles(tree, false, found);
  let out = sql;
  // From the end, so that earlier positions stay right.
  for (const [pos, value] of [...found].sort((a, b) => b[0] - a[0])) {
    if (out[pos] !== "'" || value.includes('://')) continue;
    const end = endOfLiteral(out, pos);
    const full = resolve(baseDir, value);
    // A glob's folder is checked here; DuckDB keeps its matches under the allowed folders.
    if (isGlob(full)) await roots.check(globFolder(full), at);
    const checked = isGlob(full) ? full : await roots.check(full, at);
    out = out.slice(0, pos) + literal(checked) + out.slice(end);
  }
  return out;
}

/** Collects the positions and texts of file paths in a serialized DuckDB parse tree. */
function collectFiles(node: unknown, inFunction: boolean, found: Map<number, string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectFiles(n, inFunction, found);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  const loc = typeof o.query_location === 'number' ? o.query_location : -1;
  if (o.type === 'BASE_TABLE' && typeof o.table_name === 'string' && o.schema_name === '' && loc >= 0) {
    found.set(loc, o.table_name);
  }
  if (inFunction && o.type === 'VALUE_CONSTANT' && loc >= 0) {
    const v = o.value as { type?: { id?: string }; value?: unknown } | undefined;
    if (v?.type?.id === 'VARCHAR' && typeof v.value === 'string') found.set(loc, v.value);
  }
  if (o.type === 'TABLE_FUNCTION') {
    const fn = o.function as { children?: unknown[] } | undefined;
    // Positional arguments (and lists of them) only: named ones are comparisons.
    for (const child of fn?.children ?? []) {
      const ch = child as Record<string, unknown>;
      if (ch.type === 'VALUE_CONSTANT') collectFiles(ch, true, found);
      else if (ch.type === 'FUNCTION' && ch.function_name === 'list_value')
        collectFiles(ch.children, true, found);
    }
  }
  for (const [key, value] of Object.entries(o))
    if (key !== 'function' || o.type !== 'TABLE_FUNCTION') collectFiles(value, false, found);
}

/** The index after the SQL string literal that starts at `start`. */
function endOfLiteral(sql: string, start: number): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === "'") {
      if (sql[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/**
 * Refuses a `query` that is not exactly one SELECT (`COPY`, `ATTACH`, `INSTALL`, `SET`, `PRAGMA`,
 * writes, a second statement), as DuckDB itself parses it: `CP_ERR_SQL_READ_ONLY`.
 */
export async function checkDuckdbQuery(c: DuckDBConnection, sql: string, where: SqlWhere): Promise<void> {
  let extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
  try {
    extracted = await c.extractStatements(sql);
  } catch (e) {
    throw duckdbError(e, { file: where.file, path: `${where.path}.query` });
  }
  if (extracted.count !== 1) {
    const got = extracted.count === 0 ? 'no statement' : `${extracted.count} statements`;
    throw readOnlyError(`the query must be one SELECT; got ${got}`, where);
  }
  let type: StatementType;
  try {
    const prepared = await extracted.prepare(0);
    type = prepared.statementType;
    prepared.destroySync();
  } catch (e) {
    throw duckdbError(e, { file: where.file, path: `${where.path}.query` });
  }
  if (type !== StatementType.SELECT) {
    throw readOnlyError(`the query must be one SELECT; got a ${StatementType[type]} statement`, where);
  }
}

const isGlob = (path: string) => /[*?[{]/.test(path);

/** The folder a glob starts from: its path up to the first part with a wildcard. */
function globFolder(path: string): string {
  const parts = path.split(sep);
  const first = parts.findIndex((p) => isGlob(p));
  return first <= 0 ? dirname(path) : parts.slice(0, first).join(sep) || sep;
}
