/**
 * The one catalog of chartpress error codes. Each code has a short title and a hint that tells
 * the user how to fix the problem. The README's error table is generated from the same entries
 * (see `test/errors.test.ts`, which checks that every code is documented and triggered).
 */
export const ErrorCatalog = {
  CP_ERR_FILE_NOT_FOUND: {
    title: 'A file named in the command or the report does not exist',
    hint: 'check the path; paths in a report are relative to the report file',
  },
  CP_ERR_FILE_TOO_LARGE: {
    title: 'An input file is larger than the configured limit',
    hint: 'reduce the file, or raise `limits.maxReportBytes` for a report (datasets may be up to 1 GiB)',
  },
  CP_ERR_PATH_DENIED: {
    title: 'A file is outside the folders this engine may read',
    hint: 'move the file under one of the allowed folders, or add its folder to the engine option `files.roots`',
  },
  CP_ERR_FILE_READ: {
    title: 'A report or chart file could not be read: it is a directory, a device or a pipe, or not readable',
    hint: 'name a regular file that you may read',
  },
  CP_ERR_PARSE: {
    title: 'The report file is not valid YAML or JSON, or its aliases expand past the limit',
    hint: 'fix the syntax at the given line and column',
  },
  CP_ERR_TOO_DEEP: {
    title: 'The input nests deeper than the limit (64 levels) or refers to itself',
    hint: 'flatten the structure at the given path (at most 64 levels) or remove the reference to itself',
  },
  CP_ERR_MISSING_FIELD: {
    title: 'A required field is missing',
    hint: 'add the field named in the path',
  },
  CP_ERR_UNKNOWN_FIELD: {
    title: 'A field is not part of the report format',
    hint: 'remove it or fix its spelling; `chartpress schema` prints every field',
  },
  CP_ERR_INVALID_VALUE: {
    title: 'A field has a value of the wrong type or out of range',
    hint: 'use a value of the expected type; `chartpress schema` prints every field',
  },
  CP_ERR_INVALID_ENUM: {
    title: 'A field has a value outside its allowed set',
    hint: 'use one of the listed values',
  },
  CP_ERR_UNKNOWN_CHART: {
    title: 'The body refers to a chart that is not defined',
    hint: 'define the chart under `charts:` or fix the name',
  },
  CP_ERR_UNKNOWN_DATASET: {
    title: 'A query reads from a dataset that is not defined',
    hint: 'define the dataset under `datasets:` or fix the name in `from:`',
  },
  CP_ERR_UNKNOWN_PARAM: {
    title: 'A param is used or given but not declared',
    hint: 'declare it under `params:` or fix the name',
  },
  CP_ERR_PARAM_TYPE: {
    title: 'A param value does not match its declared type',
    hint: 'give a value of the declared type (string, number, boolean or date)',
  },
  CP_ERR_UNKNOWN_COLUMN: {
    title: 'A query or encoding names a column that the data does not have',
    hint: 'use one of the listed columns',
  },
  CP_ERR_EXPRESSION: {
    title: 'A `calculate` expression does not parse, names an unknown field or function, or mixes types',
    hint: 'fix the expression at the given column; the README lists its operators and functions',
  },
  CP_ERR_LOOKUP_MISSING_KEY: {
    title:
      'A `lookup` with `onMissing: error` met rows whose key its dimension dataset lacks (or whose key is null)',
    hint: 'add the keys named to the dimension dataset, or set `onMissing: null` (fields left null) or `skip` (rows dropped)',
  },
  CP_ERR_LOOKUP_DUPLICATE_KEY: {
    title: "A `lookup`'s dimension dataset holds one key on more than one row",
    hint: 'keep one row per key in the dimension dataset (the key named), or look up on a column that is unique',
  },
  CP_ERR_LOOKUP_TOO_LARGE: {
    title: "A `lookup`'s dimension dataset has more rows than a lookup holds in memory (1,000,000)",
    hint: 'look up a smaller dataset (one row per key), or join the data before it reaches chartpress',
  },
  CP_ERR_TEMPLATE: {
    title:
      'A `{{ }}` value in a heading, text or caption is malformed, names no chart or value, or finds no row or field',
    hint: 'write {{ name.field }} with the name of a chart or of a query under `values:`, and a format the value fits; the README shows the forms',
  },
  CP_ERR_AXIS_SCALE: {
    title: "A chart's axis scale or reference line does not fit its data",
    hint: 'a log axis needs positive values (filter out the others, or drop `log`); set `x`/`y` scales only on axes of numbers; give a rule a value of its axis (a number, an ISO date or one of the categories)',
  },
  CP_ERR_TOO_MANY_PANELS: {
    title: 'A faceted chart has more values of its facet field than panels allowed',
    hint: 'filter the data to fewer values, facet by a field with fewer values, or raise `facet.maxPanels` (at most 100)',
  },
  CP_ERR_DATA_READ: {
    title: 'A dataset could not be read',
    hint: 'check that the file is readable and well-formed',
  },
  CP_ERR_SQL_READ_ONLY: {
    title: "A SQL dataset's query tried to write or held more than one statement",
    hint: 'use one SELECT (or WITH ... SELECT); chartpress reads databases read-only',
  },
  CP_ERR_CSV_PARSE: {
    title: 'A CSV file has a malformed row',
    hint: 'fix the row at the given line (unbalanced quotes or a wrong number of fields are usual causes)',
  },
  CP_ERR_CSV_HEADER_MISMATCH: {
    title: 'The CSV files of a glob path do not have the same columns',
    hint: 'give every file the same header (the order of the columns may differ), or narrow the pattern',
  },
  CP_ERR_GLOB_NO_MATCH: {
    title: "A dataset's glob path matches no file",
    hint: 'check the pattern: it is relative to the report file; * and ? match within a name, ** any folders, and none matches a leading "."',
  },
  CP_ERR_GLOB_TOO_MANY: {
    title:
      "A dataset's glob path matches more than 10,000 files (or looks through more than 100,000 folders)",
    hint: 'narrow the pattern (a fixed folder, a year, a prefix), or merge the files',
  },
  CP_ERR_CHART_RENDER: {
    title: 'A chart could not be rendered; a placeholder was drawn in its place',
    hint: 'check the chart definition and its data; the reason is given',
  },
  CP_ERR_CHART_TIMEOUT: {
    title: 'A chart took longer than its timeout to render; a placeholder was drawn in its place',
    hint: 'simplify the chart or reduce its data, or raise its `options.timeoutMs` or `--chart-timeout`',
  },
  CP_ERR_DOCUMENT_COMPILE: {
    title: 'The document could not be typeset',
    hint: 'this is usually a bug in chartpress: report it with the `.typ` output (`-o out.typ`)',
  },
  CP_ERR_OUTPUT_WRITE: {
    title: 'The output file could not be written; the previous file, if any, is left as it was',
    hint: 'check that the output folder can be created and written, and that the disk has room',
  },
  CP_ERR_OUTPUT_CLOBBER: {
    title: 'The output file is the report file or a file the report reads',
    hint: 'nothing was written; write the output to another path (`-o`)',
  },
  CP_ERR_USAGE: {
    title: 'The command line is not valid (exit 2)',
    hint: 'run `chartpress --help`',
  },
  CP_ERR_CONNECTION_DENIED: {
    title: 'A request to the server names a database by URL, or a connection the server does not have',
    hint: "name one of the server's `connections:` with `connection: <name>`; a request never sends a URL",
  },
  CP_ERR_REQUEST_TOO_LARGE: {
    title: 'A request to the server is over one of its limits (body size, inline rows, charts)',
    hint: "send less, or raise the limit in the server's config file (`limits:`)",
  },
  CP_ERR_UNAUTHORIZED: {
    title: 'A request to the server has no valid bearer token',
    hint: "send `Authorization: Bearer <token>` with a token from the server's token file",
  },
  CP_ERR_RATE_LIMITED: {
    title: "A client sent more requests than the server's rate limit allows",
    hint: 'wait for the time in `Retry-After`, or raise `limits.rateLimit`',
  },
  CP_ERR_OVERLOADED: {
    title: 'The server has more renders waiting than its queue holds',
    hint: 'retry after the time in `Retry-After`, or add server processes',
  },
  CP_ERR_DEADLINE: {
    title: 'A request to the server took longer than its deadline',
    hint: 'render less per request, or raise `limits.deadlineMs`',
  },
  CP_ERR_NOT_FOUND: {
    title: 'The server has no such route or report',
    hint: "see the routes in the README's Service section; reports are files under <root>/reports/",
  },
  CP_ERR_QUEUE_UNAVAILABLE: {
    title: 'The Redis of the job queue cannot be reached',
    hint: 'check --queue / --redis (e.g. redis://127.0.0.1:6379) and that Redis is running',
  },
  CP_ERR_INTERNAL: {
    title: "The server failed in a way that is not the request's fault",
    hint: "retry; if it persists, the server's log has the details under the request id",
  },
} as const satisfies Record<string, { title: string; hint: string }>;

export type ErrorCode = keyof typeof ErrorCatalog;

/** One problem found in the user's input or while producing a report. */
export interface Problem {
  readonly code: ErrorCode;
  /** What is wrong, naming the offending value. */
  readonly message: string;
  /** The file the problem is in, when there is one. */
  readonly file?: string;
  /** The field path inside the file, e.g. `charts.revenue.data.groupBy[0].bucket`. */
  readonly path?: string;
  /** How to fix it. Defaults to the catalog's hint for the code. */
  readonly hint: string;
}

export function problem(
  code: ErrorCode,
  message: string,
  where: { file?: string | undefined; path?: string | undefined; hint?: string | undefined } = {},
): Problem {
  const p: { -readonly [K in keyof Problem]: Problem[K] } = {
    code,
    message,
    hint: where.hint ?? ErrorCatalog[code].hint,
  };
  if (where.file !== undefined) p.file = where.file;
  if (where.path !== undefined && where.path !== '') p.path = where.path;
  return p;
}

/** One line per problem: `CP_ERR_X file: path: message (hint: ...)`. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.path].filter((s) => s !== undefined && s !== '').join(': ');
  return printable(`${p.code} ${where ? `${where}: ` : ''}${p.message} (hint: ${p.hint})`);
}

/**
 * The text with control characters written as escapes (`\x1b`, `\n`): a message quotes names
 * and values from data files, which must not move the cursor or clear a terminal, nor break
 * the one-line-per-problem rule.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is being escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/**
 * A user-facing failure carrying one or more problems. The CLI prints each problem on its own
 * line and exits 1, without a stack trace.
 */
export class ChartpressError extends Error {
  readonly problems: readonly Problem[];
  readonly code: ErrorCode;

  constructor(problems: Problem | readonly Problem[], options?: { cause?: unknown }) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    super(list.map(formatProblem).join('\n'), options);
    this.name = 'ChartpressError';
    this.problems = list;
    this.code = list[0]?.code ?? 'CP_ERR_USAGE';
  }
}

export function isChartpressError(e: unknown): e is ChartpressError {
  return e instanceof ChartpressError;
}

/** Turns a path of keys and indices into `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Warnings: things a user should know that do not fail a report. */
export const WarningCatalog = {
  CP_WARN_INVALID_VALUES: {
    title: 'Values a query needed as numbers or dates were not, and were skipped',
    hint: 'clean the column, declare its type (and a date `format`), or set `onInvalid: error` to fail instead',
  },
  CP_WARN_PUSHDOWN_FALLBACK: {
    title: 'A query on a SQL dataset could not be pushed down and was computed by streaming rows',
    hint: 'nothing to do; results are the same, only slower',
  },
  CP_WARN_CACHE_UNAVAILABLE: {
    title: 'A cache tier (Redis or the cache folder) failed; charts were rendered without it',
    hint: 'check that Redis is reachable (`--redis URL`) and the cache folder is writable; chartpress reconnects by itself',
  },
} as const satisfies Record<string, { title: string; hint: string }>;

export type WarningCode = keyof typeof WarningCatalog;

export interface Warning {
  readonly code: WarningCode;
  readonly message: string;
  readonly file?: string;
  readonly path?: string;
}

/** `warning: CP_WARN_X file: path: message`. */
export function formatWarning(w: Warning): string {
  const where = [w.file, w.path].filter((s) => s !== undefined && s !== '').join(': ');
  return printable(`warning: ${w.code} ${where ? `${where}: ` : ''}${w.message}`);
}

/** Collects warnings, each distinct one once, with how often it was raised. */
export class WarningLog {
  readonly #seen = new Map<string, { warning: Warning; count: number }>();

  add(w: Warning): void {
    const key = `${w.code}\u0000${w.file}\u0000${w.path}\u0000${w.message}`;
    const entry = this.#seen.get(key);
    if (entry) entry.count++;
    else this.#seen.set(key, { warning: w, count: 1 });
  }

  get warnings(): Warning[] {
    return [...this.#seen.values()].map((e) => e.warning);
  }

  get size(): number {
    return this.#seen.size;
  }
}
