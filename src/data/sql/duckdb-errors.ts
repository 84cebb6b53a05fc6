import { ChartpressError, problem } from '../../errors.js';

/** Where in the report a DuckDB failure is reported. */
export interface DuckdbAt {
  readonly file?: string | undefined;
  readonly path: string;
  readonly hint?: string;
}

/** A DuckDB failure as `CP_ERR_DATA_READ` (a refused file access: `CP_ERR_PATH_DENIED`) at `at`. */
export function duckdbError(e: unknown, at: DuckdbAt): ChartpressError {
  if (e instanceof ChartpressError) return e;
  const message = reason(e);
  if (/^Permission Error/.test(message)) {
    const text = `DuckDB may not read that file: ${firstLine(message)}`;
    return new ChartpressError(problem('CP_ERR_PATH_DENIED', text, at), { cause: e });
  }
  return readFailure(
    `DuckDB: ${firstLine(message)}`,
    { ...at, hint: "fix the SQL or the file; the message is DuckDB's" },
    e,
  );
}

export function readFailure(message: string, at: DuckdbAt, cause: unknown): ChartpressError {
  return new ChartpressError(problem('CP_ERR_DATA_READ', message, at), { cause });
}

/** A SQL string literal. */
export const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
export const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));
const firstLine = (s: string) => s.split('\n')[0] ?? s;
