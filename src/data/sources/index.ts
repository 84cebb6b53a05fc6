import { resolve } from 'node:path';
import { formatPath } from '../../errors.js';
import type { Dataset } from '../../spec/schema.js';
import { InvalidCells } from '../invalid.js';
import { csvSource } from './csv.js';
import type { FileWhere } from './file.js';
import { isGlob } from './glob.js';
import { globSource } from './glob-source.js';
import { inlineSource } from './inline.js';
import { jsonSource } from './json.js';
import { ndjsonSource } from './ndjson.js';
import type { FileRoots } from './roots.js';
import { batchesOf, fromBatches, type RowSource } from './rows.js';

/** Where and how to open a dataset. */
export interface OpenSourceOptions {
  /** Folder that relative dataset paths are resolved against: the report file's folder. */
  readonly baseDir: string;
  /** The report file, named in error messages. */
  readonly file?: string | undefined;
  /** Largest data file accepted, in bytes. Defaults to 1 GiB. */
  readonly maxBytes?: number | undefined;
  /** Folders a data file must lie under (see `FileAccessOptions`). Defaults to anywhere. */
  readonly roots?: FileRoots | undefined;
  /** Told of the SHA-256 of a CSV, JSON or NDJSON file's bytes once it has been read whole. */
  readonly onRead?: ((sha256: string) => void) | undefined;
}

/**
 * The rows of dataset `name` as an async stream. Nothing is read until the stream is iterated,
 * and each iteration reads the data anew. Errors carry the dataset's field path, e.g.
 * `datasets.sales.path`.
 */
export function openSource(name: string, dataset: Dataset, opts: OpenSourceOptions): RowSource {
  const invalid = new InvalidCells();
  return counted(openRows(name, dataset, opts, invalid), invalid);
}

function openRows(name: string, dataset: Dataset, opts: OpenSourceOptions, invalid: InvalidCells): RowSource {
  const where: FileWhere = { file: opts.file, path: formatPath(['datasets', name]) };
  const { roots } = opts;
  if ((dataset.source === 'csv' || dataset.source === 'ndjson') && isGlob(dataset.path)) {
    // Many files as one dataset: each match is checked against the roots as it is found.
    return globSource(dataset, { ...opts, where, invalid });
  }
  if (dataset.source === 'parquet' || dataset.source === 'duckdb') {
    // DuckDB checks its paths under the roots itself, when it is first read.
    return lazySource(async () =>
      (await import('./duckdb.js')).duckdbSource({ dataset, baseDir: opts.baseDir, roots, invalid, where }),
    );
  }
  if (roots !== undefined && 'path' in dataset) {
    // Checked when read; the source then opens the real path that was checked.
    const sparse = dataset.source === 'json' || dataset.source === 'ndjson';
    return lazySource(
      async () => {
        const at = { file: opts.file, path: `${where.path}.path` };
        const path = await roots.check(resolve(opts.baseDir, dataset.path), at);
        return openRows(name, { ...dataset, path } as Dataset, { ...opts, roots: undefined }, invalid);
      },
      sparse,
      dataset.source === 'csv',
    );
  }
  switch (dataset.source) {
    case 'inline':
      return inlineSource(dataset.rows, { columns: dataset.columns, invalid });
    case 'csv':
    case 'ndjson':
    case 'json': {
      const file = {
        path: resolve(opts.baseDir, dataset.path),
        columns: dataset.columns,
        maxBytes: opts.maxBytes,
        onRead: opts.onRead,
        where,
        invalid,
      };
      if (dataset.source === 'csv') return csvSource({ ...file, delimiter: dataset.delimiter });
      return dataset.source === 'ndjson' ? ndjsonSource(file) : jsonSource(file);
    }
    case 'sqlite': {
      const path = resolve(opts.baseDir, dataset.path);
      return lazySource(async () =>
        (await import('./sqlite.js')).sqliteSource({ ...dataset, path, where, invalid }),
      );
    }
    case 'postgres':
      return lazySource(async () =>
        (await import('./postgres.js')).postgresSource({ ...dataset, where, invalid }),
      );
  }
}

/** The source with its count of invalid date cells, started over at each read. */
function counted(source: RowSource, invalid: InvalidCells): RowSource {
  const read = fromBatches(async function* () {
    invalid.reset();
    yield* batchesOf(source);
  }, source.sparse);
  const columns = source.columnBatches?.bind(source);
  if (columns === undefined) return { ...read, invalid };
  return {
    ...read,
    invalid,
    async *columnBatches() {
      invalid.reset();
      yield* columns();
    },
  };
}

/**
 * A source whose module (and database driver) is loaded, or whose path is checked, only when
 * it is first read. `sparse` must be known before: it says how the columns are found; so must
 * `columnar`: the source loaded reads column batches (see `RowSource.columnBatches`).
 */
function lazySource(load: () => Promise<RowSource>, sparse = false, columnar = false): RowSource {
  const read = fromBatches(async function* () {
    yield* batchesOf(await load());
  }, sparse);
  if (!columnar) return read;
  return {
    ...read,
    async *columnBatches() {
      const source = await load();
      if (source.columnBatches === undefined) throw new Error('the source read no column batches');
      yield* source.columnBatches();
    },
  };
}

export { type CsvOptions, csvSource, DEFAULT_MAX_CSV_BYTES } from './csv.js';
export { DEFAULT_MAX_FILE_BYTES, type FileSourceOptions, type FileWhere } from './file.js';
export { inlineSource } from './inline.js';
export { type JsonOptions, jsonSource } from './json.js';
export { type NdjsonOptions, ndjsonSource } from './ndjson.js';
export { batchesOf, fromBatches, type RowSource } from './rows.js';
