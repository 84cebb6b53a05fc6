import { ChartpressError, problem } from '../../errors.js';
import type { ColumnBatch } from '../batch.js';
import type { InvalidCells } from '../invalid.js';
import type { DeclaredColumns } from './cells.js';
import { type CsvOptions, csvSource, rowsOf } from './csv.js';
import { CsvReader } from './csv-read.js';
import { type FileWhere, openFile, pathField, readError } from './file.js';
import { matchFiles } from './glob.js';
import { ndjsonSource } from './ndjson.js';
import type { FileRoots } from './roots.js';
import { fromBatches, type RowSource } from './rows.js';

/** A CSV or NDJSON dataset whose `path` is a glob (see `glob.ts`). */
export interface GlobDataset {
  readonly source: 'csv' | 'ndjson';
  readonly path: string;
  readonly delimiter?: string | undefined;
  readonly columns?: DeclaredColumns | undefined;
}

export interface GlobSourceOptions {
  /** Folder the pattern is relative to: the report's. */
  readonly baseDir: string;
  /** Folders every matched file must lie under; undefined for anywhere. */
  readonly roots?: FileRoots | undefined;
  /** Largest file accepted, in bytes, each file apart. Defaults to 1 GiB. */
  readonly maxBytes?: number | undefined;
  /** Files matched at most. Defaults to `MAX_GLOB_FILES` (10,000). */
  readonly maxFiles?: number | undefined;
  readonly where: FileWhere;
  readonly invalid?: InvalidCells | undefined;
  /** Whether CSV files are read on threads: always, never, or by default from 16 MiB (see `CsvOptions.thread`). */
  readonly thread?: boolean | undefined;
  /** Bytes of a segment a thread reads (see `CsvOptions.segmentBytes`). */
  readonly segmentBytes?: number | undefined;
}

/**
 * The files a glob dataset matches, read one after the other in their sorted order as one
 * dataset. The pattern is matched anew at each read, so a file added or removed counts from the
 * next read on. Each file is read as it would be alone (its own byte order mark and line ends; a
 * CSV file of 16 MiB or more on threads), and its errors name it and its own lines.
 *
 * CSV files must have the same columns: the first file's header sets their order, and a file
 * with the same names in another order is read in that order; other names are
 * `CP_ERR_CSV_HEADER_MISMATCH`, naming both files. NDJSON rows may differ in columns, as in one file.
 */
export function globSource(dataset: GlobDataset, opts: GlobSourceOptions): RowSource {
  const at = pathField(opts.where);
  const files = () =>
    matchFiles(dataset.path, {
      baseDir: opts.baseDir,
      roots: opts.roots,
      maxFiles: opts.maxFiles,
      where: at,
    });
  const file = {
    columns: dataset.columns,
    maxBytes: opts.maxBytes,
    where: opts.where,
    invalid: opts.invalid,
  };
  const threads = { thread: opts.thread, segmentBytes: opts.segmentBytes };
  if (dataset.source === 'ndjson') {
    return fromBatches(async function* () {
      for (const path of await files()) yield* ndjsonSource({ ...file, path }).batches!();
    }, true);
  }
  const columnBatches = async function* (): AsyncGenerator<ColumnBatch> {
    let header: { readonly file: string; readonly names: readonly string[] } | undefined;
    for (const path of await files()) {
      // Undefined while this file's header is not known; null when its columns are in order.
      let order: readonly number[] | null | undefined;
      const csv = { ...file, ...threads, path, delimiter: dataset.delimiter };
      for await (const batch of csvSource(csv).columnBatches!()) {
        if (order === undefined) {
          header ??= { file: path, names: batch.names };
          order = columnOrder(header, path, batch.names, opts.where);
        }
        yield order === null
          ? batch
          : {
              length: batch.length,
              names: header!.names,
              columns: order.map((i) => batch.columns[i]!),
              checked: order.map((i) => batch.checked?.[i] === true),
            };
      }
      if (order !== undefined) continue;
      // A header and no rows: its columns must agree all the same.
      const names = await headerOf(csv);
      if (names === undefined) continue;
      header ??= { file: path, names };
      columnOrder(header, path, names, opts.where);
    }
  };
  return { ...fromBatches(() => rowsOf(columnBatches())), columnBatches };
}

/** The names of a CSV file's header; undefined when it has none (an empty file). */
async function headerOf(opts: CsvOptions): Promise<readonly string[] | undefined> {
  const reader = new CsvReader(opts);
  const input = await openFile(opts, 64 * 1024);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      reader.push(chunk);
      reader.next(false);
      if (reader.part !== undefined) return reader.part.names;
    }
    reader.close();
    reader.next(true);
    return reader.part?.names;
  } catch (e) {
    throw readError(opts, e);
  } finally {
    input.destroy();
  }
}

/**
 * Where each of the first file's columns sits in this file's header: null when in the same
 * order; `CP_ERR_CSV_HEADER_MISMATCH` when the names differ.
 */
function columnOrder(
  first: { readonly file: string; readonly names: readonly string[] },
  file: string,
  names: readonly string[],
  where: FileWhere,
): readonly number[] | null {
  if (names.length === first.names.length && names.every((n, i) => n === first.names[i])) return null;
  const index = new Map(names.map((n, i) => [n, i]));
  const order = first.names.map((n) => index.get(n));
  if (names.length === first.names.length && order.every((i) => i !== undefined)) return order as number[];
  const known = new Set(first.names);
  const lacks = first.names.filter((n) => !index.has(n));
  const extra = names.filter((n) => !known.has(n));
  const diff = [
    lacks.length > 0 ? `it lacks ${lacks.join(', ')}` : '',
    extra.length > 0 ? `it has ${extra.join(', ')} besides` : '',
  ].filter((s) => s !== '');
  const message = `the header of ${file} differs from that of ${first.file}: ${diff.join('; ')} (columns of ${first.file}: ${first.names.join(', ')})`;
  throw new ChartpressError(problem('CP_ERR_CSV_HEADER_MISMATCH', message, pathField(where)));
}
