import { ChartpressError, problem } from '../../errors.js';
import type { SqlWhere } from './dialect.js';

/**
 * SQL datasets only read. Both databases enforce it themselves (PostgreSQL: a read-only
 * transaction and the extended query protocol, which refuses more than one statement; SQLite:
 * a read-only connection and a statement that must read and not write); this module names the
 * refusals `CP_ERR_SQL_READ_ONLY`, and turns away statements that are not queries before they
 * reach the server.
 */

/** Statements a dataset's `query` may start with: the ones that only return rows. */
const QUERY_WORDS = new Set(['select', 'with', 'values', 'table']);

/**
 * The first word of a SQL text, past comments, whitespace and opening parentheses (lower case),
 * or '' when there is none.
 */
export function firstWord(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '(' || /\s/.test(c ?? '')) i++;
    else if (sql.startsWith('--', i) || sql.startsWith('/*', i)) i = afterComment(sql, i);
    else break;
  }
  return /^[A-Za-z_]+/.exec(sql.slice(i))?.[0].toLowerCase() ?? '';
}

/**
 * Refuses a PostgreSQL `query` that is not a query (`COPY`, `DO`, `CALL`, `SET`, `DELETE`,
 * ...) or that holds a second statement, with `CP_ERR_SQL_READ_ONLY` at `<dataset>.query`. Such
 * statements could act outside the read-only transaction (COPY TO PROGRAM, for one); the server
 * refuses a second statement too, but only after a syntax error would hide why.
 */
export function checkQueryText(sql: string, where: SqlWhere): void {
  const word = firstWord(sql);
  if (!QUERY_WORDS.has(word)) {
    const got = word === '' ? 'no statement' : `a ${word.toUpperCase()} statement`;
    throw readOnlyError(`the query must be one SELECT (or WITH, VALUES, TABLE); got ${got}`, where);
  }
  if (hasSecondStatement(sql)) {
    throw readOnlyError('the query holds more than one statement; use one SELECT', where);
  }
}

/**
 * Whether PostgreSQL SQL holds a `;` followed by more than whitespace and comments, outside
 * strings (`'...'`, `E'...'` with backslash escapes, dollar quotes), quoted names and comments.
 */
export function hasSecondStatement(sql: string): boolean {
  let i = 0;
  let ended = false;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] ?? '';
    const prev = sql[i - 1] ?? '';
    if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*')) i = afterComment(sql, i);
    else if (/\s/.test(c)) i++;
    else if (ended) return true;
    else if (c === ';') {
      ended = true;
      i++;
    } else if (c === "'") {
      const escapes = /[eE]/.test(prev) && !/[A-Za-z0-9_$]/.test(sql[i - 2] ?? '');
      i = endOfQuoted(sql, i, "'", escapes);
    } else if (c === '"') i = endOfQuoted(sql, i, '"', false);
    else if (c === '$' && !/[A-Za-z0-9_$]/.test(prev)) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag === undefined) i++;
      else {
        const end = sql.indexOf(tag, i + tag.length);
        i = end < 0 ? n : end + tag.length;
      }
    } else i++;
  }
  return false;
}

/** The index after the closing quote of the quoted text that starts at `start`. */
function endOfQuoted(sql: string, start: number, quote: string, escapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (escapes && c === '\\') i += 2;
    else if (c === quote) {
      // A doubled quote is one quote inside the text.
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/**
 * Whether a PostgreSQL error is the server refusing a write or a second statement: a write in
 * the read-only transaction (25006), several commands in one prepared statement (42601), or a
 * data-modifying WITH where a query was expected (0A000).
 */
export function isPostgresWriteRefusal(e: unknown): boolean {
  const { code, message } = e as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  return (
    code === '25006' ||
    (code === '42601' && text.includes('multiple commands')) ||
    (code === '0A000' && text.includes('data-modifying'))
  );
}

/** Whether a SQLite error is the database refusing a write or a second statement. */
export function isSqliteWriteRefusal(e: unknown): boolean {
  const { code, message } = e as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  return (
    (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) ||
    text.includes('more than one statement')
  );
}

/** `CP_ERR_SQL_READ_ONLY` at `<dataset>.query`. */
export function readOnlyError(message: string, where: SqlWhere, cause?: unknown): ChartpressError {
  const at = { file: where.file, path: `${where.path}.query` };
  return new ChartpressError(
    problem('CP_ERR_SQL_READ_ONLY', message, at),
    cause === undefined ? undefined : { cause },
  );
}

/** The index just past the comment that starts at `start`: a line comment, or a block comment (nested). */
function afterComment(sql: string, start: number): number {
  if (sql.startsWith('--', start)) {
    const end = sql.indexOf('\n', start);
    return end < 0 ? sql.length : end + 1;
  }
  // PostgreSQL block comments nest.
  let i = start;
  let depth = 0;
  do {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
    } else i++;
  } while (depth > 0 && i < sql.length);
  return i;
}
