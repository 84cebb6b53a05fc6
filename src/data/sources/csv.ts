import { CsvError, parse } from 'csv-parse';
import { ChartpressError, problem } from '../../errors.js';
import type { Row } from '../../frame.js';
import type { InvalidCells } from '../invalid.js';
import { type CellReader, type DeclaredColumns, declaredReader, inferCell } from './cells.js';
import { DEFAULT_MAX_FILE_BYTES, type FileSourceOptions, openFile, pathField, readError } from './file.js';
import { fromBatches, type RowSource, readBatches } from './rows.js';

/** A CSV file read as rows. */
export interface CsvOptions extends FileSourceOptions {
  /** Field delimiter. Defaults to ",". */
  readonly delimiter?: string | undefined;
  /** Declared column types; other columns are inferred per cell (see `inferCell`). */
  readonly columns?: DeclaredColumns | undefined;
  /** Counts the cells of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
}

/** Default size limit of a CSV file: 1 GiB. */
export const DEFAULT_MAX_CSV_BYTES = DEFAULT_MAX_FILE_BYTES;

/** Bytes read from the file at a time: 256 KiB. */
const READ_SIZE = 256 * 1024;

/**
 * Streams a CSV file as rows. The header row names the columns (names trimmed); a byte order
 * mark, CRLF line ends and empty lines are handled; quoted fields may hold delimiters, quotes
 * ("") and line breaks. Each iteration reads the file anew.
 *
 * Errors: `CP_ERR_FILE_NOT_FOUND`, `CP_ERR_FILE_TOO_LARGE`, `CP_ERR_CSV_PARSE` (with the line,
 * and the column when the parser knows it), `CP_ERR_UNKNOWN_COLUMN` (a declared column missing
 * from the header), `CP_ERR_DATA_READ`.
 */
export function csvSource(opts: CsvOptions): RowSource {
  return fromBatches(() => readCsv(opts));
}

async function* readCsv(opts: CsvOptions): AsyncGenerator<Row[]> {
  const input = await openFile(opts, READ_SIZE);
  const parser = parse({ bom: true, delimiter: opts.delimiter ?? ',', skip_empty_lines: true });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let names: string[] = [];
  try {
    let toRow: ((record: string[]) => Row) | undefined;
    for await (const records of readBatches<string[]>(parser)) {
      const rows: Row[] = [];
      for (const record of records) {
        if (toRow === undefined) {
          names = record.map((n) => n.trim());
          toRow = header(names, opts);
        } else rows.push(toRow(record));
      }
      if (rows.length > 0) yield rows;
    }
  } catch (e) {
    if (e instanceof CsvError) throw csvError(e, opts, names);
    throw readError(opts, e);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function csvError(e: CsvError, opts: CsvOptions, names: readonly string[]): ChartpressError {
  const line = typeof e.lines === 'number' ? ` at line ${e.lines}` : '';
  // The field index is meaningful for quoting errors, not for a record of the wrong length.
  const index = (e as { index?: unknown }).index;
  const column =
    e.code.includes('QUOTE') && typeof index === 'number'
      ? `, column ${index + 1}${names[index] === undefined ? '' : ` (${JSON.stringify(names[index])})`}`
      : '';
  const message = `malformed CSV in ${opts.path}${line}${column}: ${e.message}`;
  return new ChartpressError(problem('CP_ERR_CSV_PARSE', message, pathField(opts.where)), { cause: e });
}

/** Checks the header and returns the record -> row conversion it implies. */
function header(names: readonly string[], opts: CsvOptions): (record: string[]) => Row {
  const bad = (message: string) =>
    new ChartpressError(
      problem('CP_ERR_CSV_PARSE', `${opts.path} at line 1: ${message}`, pathField(opts.where)),
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
        {
          file: opts.where.file,
          path: `${opts.where.path}.columns.${name}`,
        },
      ),
    );
    throw new ChartpressError(problems);
  }
  const readers: ((cell: string) => ReturnType<CellReader>)[] = names.map((name) => {
    const type = Object.hasOwn(declared, name) ? declared[name] : undefined;
    return type === undefined ? inferCell : declaredReader(name, type, opts.invalid);
  });
  const n = names.length;
  return (rec) => {
    const row: Row = {};
    for (let i = 0; i < n; i++) row[names[i]!] = readers[i]!(rec[i] ?? '');
    return row;
  };
}
