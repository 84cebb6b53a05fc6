import { statSync } from 'node:fs';
import type { Row } from '../../frame.js';
import { batchRows, type ColumnBatch } from '../batch.js';
import type { InvalidCells } from '../invalid.js';
import type { DeclaredColumns } from './cells.js';
import { readCsvOnThreads } from './csv-parallel.js';
import { CsvReader } from './csv-read.js';
import { THREAD_MIN_BYTES } from './csv-spare.js';
import { DEFAULT_MAX_FILE_BYTES, type FileSourceOptions, openFile, readError } from './file.js';
import { BATCH_SIZE, fromBatches, type RowSource } from './rows.js';

/** A CSV file read as rows. */
export interface CsvOptions extends FileSourceOptions {
  /** Field delimiter. Defaults to ",". */
  readonly delimiter?: string | undefined;
  /** Declared column types; other columns are inferred per cell (see `inferCell`). */
  readonly columns?: DeclaredColumns | undefined;
  /** Counts the cells of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
  /**
   * Whether the file is read on threads (see `readCsvOnThreads`): always, never, or by default
   * for files of `THREAD_MIN_BYTES` and more.
   */
  readonly thread?: boolean | undefined;
  /** Bytes of a segment read by one thread. Defaults to `SEGMENT_BYTES` (2 MiB). */
  readonly segmentBytes?: number | undefined;
}

/** Default size limit of a CSV file: 1 GiB. */
export const DEFAULT_MAX_CSV_BYTES = DEFAULT_MAX_FILE_BYTES;

/** Bytes read from the file at a time: 256 KiB. */
const READ_SIZE = 256 * 1024;

/**
 * Streams a CSV file as column batches (`columnBatches()`) or rows. The header row names the
 * columns (names trimmed); a byte order mark, CRLF line ends and empty lines are handled;
 * quoted fields may hold delimiters, quotes ("") and line breaks. Each iteration reads the
 * file anew.
 *
 * Errors: `CP_ERR_FILE_NOT_FOUND`, `CP_ERR_FILE_TOO_LARGE`, `CP_ERR_CSV_PARSE` (with the line,
 * and the column for quoting errors), `CP_ERR_UNKNOWN_COLUMN` (a declared column missing from
 * the header), `CP_ERR_DATA_READ`.
 */
export function csvSource(opts: CsvOptions): RowSource {
  const columnBatches = () => readCsv(opts);
  return { ...fromBatches(() => rowsOf(columnBatches())), columnBatches };
}

async function* readCsv(opts: CsvOptions): AsyncGenerator<ColumnBatch> {
  if (opts.thread ?? sizeOf(opts.path) >= THREAD_MIN_BYTES) {
    yield* readCsvOnThreads(opts, READ_SIZE, () => readHere(opts), opts.segmentBytes);
    return;
  }
  yield* readHere(opts);
}

async function* readHere(opts: CsvOptions): AsyncGenerator<ColumnBatch> {
  const reader = new CsvReader(opts);
  const input = await openFile(opts, READ_SIZE);
  try {
    for await (const chunk of input) {
      reader.push(chunk as Buffer);
      for (let batch = reader.next(false); batch !== undefined; batch = reader.next(false)) yield batch;
    }
    reader.close();
    for (let batch = reader.next(true); batch !== undefined; batch = reader.next(true)) yield batch;
  } catch (e) {
    throw readError(opts, e);
  } finally {
    input.destroy();
  }
}

/**
 * The size of the file, or 0 when it cannot be known (reading it then says why). A blocking
 * `stat` takes microseconds; the promise one, a round trip to libuv's threads.
 */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The rows of column batches, in arrays of at most `BATCH_SIZE`. */
export async function* rowsOf(batches: AsyncIterable<ColumnBatch>): AsyncGenerator<Row[]> {
  for await (const batch of batches) {
    const rows = batchRows(batch);
    if (rows.length <= BATCH_SIZE) yield rows;
    else for (let i = 0; i < rows.length; i += BATCH_SIZE) yield rows.slice(i, i + BATCH_SIZE);
  }
}
