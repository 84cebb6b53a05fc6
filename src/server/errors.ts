import { sep } from 'node:path';
import { ChartpressError, type ErrorCode, isChartpressError, type Problem, problem } from '../errors.js';

/** The HTTP status of each error code; a code not listed is a 422 (the request's content). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  CP_ERR_PARSE: 400,
  CP_ERR_TOO_DEEP: 400,
  CP_ERR_USAGE: 400,
  CP_ERR_PATH_DENIED: 400,
  CP_ERR_CONNECTION_DENIED: 400,
  CP_ERR_SQL_READ_ONLY: 400,
  CP_ERR_UNAUTHORIZED: 401,
  CP_ERR_FILE_NOT_FOUND: 404,
  CP_ERR_NOT_FOUND: 404,
  CP_ERR_FILE_TOO_LARGE: 413,
  CP_ERR_REQUEST_TOO_LARGE: 413,
  CP_ERR_RATE_LIMITED: 429,
  CP_ERR_INTERNAL: 500,
  CP_ERR_DOCUMENT_COMPILE: 500,
  CP_ERR_CHART_RENDER: 500,
  CP_ERR_DATA_READ: 502,
  CP_ERR_OVERLOADED: 503,
  CP_ERR_QUEUE_UNAVAILABLE: 503,
  CP_ERR_DEADLINE: 504,
  CP_ERR_CHART_TIMEOUT: 504,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 422;
}

/** An error a route throws with its own status and headers (`Retry-After`). */
export class HttpError extends ChartpressError {
  readonly headers: Readonly<Record<string, string>>;
  constructor(p: Problem, headers: Record<string, string> = {}) {
    super(p);
    this.headers = headers;
  }
}

export const httpError = (
  code: ErrorCode,
  message: string,
  where: { path?: string; hint?: string; headers?: Record<string, string> } = {},
) => new HttpError(problem(code, message, where), where.headers);

/**
 * What a client is told of a problem: paths under the root become relative to it, and any other
 * absolute path is cut to its file name. No stack trace, no server path.
 */
export function redactProblem(p: Problem, root: string): Problem {
  const clean = (text: string) => redactText(text, root);
  const out: Problem = { ...p, message: clean(p.message), hint: clean(p.hint) };
  if (p.file !== undefined) return { ...out, file: clean(p.file) };
  return out;
}

/** Absolute POSIX or Windows paths, as they appear inside messages. */
const ABSOLUTE = /(?<![\w.~-])(?:[A-Za-z]:\\|\/)(?:[^\s"'`()<>,;:]+[\\/])+([^\s"'`()<>,;:]*)/g;

export function redactText(text: string, root: string): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return text
    .split(prefix)
    .join('')
    .replace(ABSOLUTE, (_, name: string) => name || '<path>');
}

/** The JSON body of an error response and its status. */
export function errorBody(
  e: unknown,
  root: string,
): { status: number; body: { error: Problem; problems: Problem[] }; headers: Record<string, string> } {
  const problems = isChartpressError(e)
    ? e.problems.map((p) => redactProblem(p, root))
    : [problem('CP_ERR_INTERNAL', 'the server could not complete the request')];
  const first = problems[0] ?? problem('CP_ERR_INTERNAL', 'the server could not complete the request');
  const headers = e instanceof HttpError ? { ...e.headers } : {};
  return { status: statusOf(first.code), body: { error: first, problems }, headers };
}
