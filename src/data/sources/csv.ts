import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
import { ChartpressError, problem } from '../../errors.js';
import type { Row } from '../frame.js';
import { type CellReader, type ColumnType, cellReaders, inferCell } from './cells.js';

/** Where a CSV dataset sits in the report, for error messages. */
export interface CsvWhere {
  /** The report file. */
  readonly file?: string | undefined;
  /** Field path of the dataset, e.g. `datasets.sales`. */
  readonly path: string;
}

/** A CSV file read as rows. */
export interface CsvOptions {
  /** Absolute (or process-relative) path of the file. */
  readonly path: string;
  /** Field delimiter. Defaults to ",". */
  readonly delimiter?: string | undefined;
  /** Declared column types; other columns are inferred per cell. */
  readonly columns?: Readonly<Record<string, ColumnType>> | undefined;
  /** Largest file accepted, in bytes. Defaults to 1 GiB. */
  readonly maxBytes?: number | undefined;
  readonly where: CsvWhere;
}

/** Default size limit of a CSV file: 1 GiB. */
export const DEFAULT_MAX_CSV_BYTES = 1024 ** 3;

/**
 * Streams a CSV file as rows. The header row names the columns (names trimmed); a byte order
 * mark, CRLF line ends and empty lines are handled; quoted fields may hold delimiters, quotes
 * ("") and line breaks. Each iteration reads the file anew.
 *
 * Errors: `CP_ERR_FILE_NOT_FOUND`, `CP_ERR_FILE_TOO_LARGE`, `CP_ERR_CSV_PARSE` (with the line),
 * `CP_ERR_UNKNOWN_COLUMN` (a declared column missing from the header), `CP_ERR_DATA_READ`.
 */
export function csvSource(opts: CsvOptions): AsyncIterable<Row> {
  return { [Symbol.asyncIterator]: () => readCsv(opts) };
}

async function* readCsv(opts: CsvOptions): AsyncGenerator<Row> {
  const { path, where } = opts;
  const pathField = { file: where.file, path: `${where.path}.path` };
  await checkFile(opts, pathField);
  const input = createReadStream(path);
  const parser = parse({ bom: true, delimiter: opts.delimiter ?? ',', skip_empty_lines: true });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  try {
    let toRow: ((record: string[]) => Row) | undefined;
    for await (const record of parser as AsyncIterable<string[]>) {
      if (toRow === undefined) toRow = header(record, opts);
      else yield toRow(record);
    }
  } catch (e) {
    if (e instanceof ChartpressError) throw e;
    if (e instanceof CsvError) {
      const line = typeof e.lines === 'number' ? e.lines : undefined;
      const message = `malformed CSV in ${path}${line === undefined ? '' : ` at line ${line}`}: ${e.message}`;
      throw new ChartpressError(problem('CP_ERR_CSV_PARSE', message, pathField), { cause: e });
    }
    throw new ChartpressError(problem('CP_ERR_DATA_READ', `cannot read ${path}: ${reason(e)}`, pathField), {
      cause: e,
    });
  } finally {
    input.destroy();
    parser.destroy();
  }
}

async function checkFile(opts: CsvOptions, at: { file?: string | undefined; path: string }): Promise<void> {
  const { path } = opts;
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    size = s.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ChartpressError(problem('CP_ERR_FILE_NOT_FOUND', `file not found: ${path}`, at), {
        cause: e,
      });
    }
    throw new ChartpressError(problem('CP_ERR_DATA_READ', `cannot read ${path}: ${reason(e)}`, at), {
      cause: e,
    });
  }
  const max = opts.maxBytes ?? DEFAULT_MAX_CSV_BYTES;
  if (size > max) {
    const message = `${path} is ${size} bytes, over the limit of ${max} bytes`;
    throw new ChartpressError(problem('CP_ERR_FILE_TOO_LARGE', message, at));
  }
}

/** Checks the header and returns the record -> row conversion it implies. */
function header(record: string[], opts: CsvOptions): (record: string[]) => Row {
  const names = record.map((n) => n.trim());
  const bad = (message: string) =>
    new ChartpressError(
      problem('CP_ERR_CSV_PARSE', `${opts.path} at line 1: ${message}`, {
        file: opts.where.file,
        path: `${opts.where.path}.path`,
      }),
    );
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw bad(`column ${i + 1} of the header has no name`);
    // A plain-object row cannot hold this key as data.
    if (name === '__proto__') throw bad('"__proto__" is not allowed as a column name');
    if (seen.has(name)) throw bad(`column "${name}" appears twice in the header`);
    seen.add(name);
  });
  const declared = opts.columns ?? {};
  const missing = Object.keys(declared).filter((name) => !seen.has(name));
  if (missing.length > 0) {
    const problems = missing.map((name) =>
      problem(
        'CP_ERR_UNKNOWN_COLUMN',
        `declared column "${name}" not found in ${opts.path}; columns: ${names.join(', ')}`,
        { file: opts.where.file, path: `${opts.where.path}.columns.${name}` },
      ),
    );
    throw new ChartpressError(problems);
  }
  const readers: CellReader[] = names.map((name) => {
    const type = Object.hasOwn(declared, name) ? declared[name] : undefined;
    return type === undefined ? inferCell : cellReaders[type];
  });
  return (rec) => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = readers[i]!(rec[i] ?? '');
    return row;
  };
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));
