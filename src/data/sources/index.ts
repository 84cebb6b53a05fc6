import { resolve } from 'node:path';
import { formatPath } from '../../errors.js';
import type { Dataset } from '../../spec/schema.js';
import type { Row } from '../frame.js';
import { csvSource } from './csv.js';
import { inlineSource } from './inline.js';

/** Where and how to open a dataset. */
export interface OpenSourceOptions {
  /** Folder that relative dataset paths are resolved against: the report file's folder. */
  readonly baseDir: string;
  /** The report file, named in error messages. */
  readonly file?: string | undefined;
  /** Largest data file accepted, in bytes. Defaults to 1 GiB. */
  readonly maxBytes?: number | undefined;
}

/**
 * The rows of dataset `name` as an async stream. Nothing is read until the stream is iterated,
 * and each iteration reads the data anew. Errors carry the dataset's field path, e.g.
 * `datasets.sales.path`.
 */
export function openSource(name: string, dataset: Dataset, opts: OpenSourceOptions): AsyncIterable<Row> {
  switch (dataset.source) {
    case 'inline':
      return inlineSource(dataset.rows);
    case 'csv':
      return csvSource({
        path: resolve(opts.baseDir, dataset.path),
        delimiter: dataset.delimiter,
        columns: dataset.columns,
        maxBytes: opts.maxBytes,
        where: { file: opts.file, path: formatPath(['datasets', name]) },
      });
  }
}

export { type CsvOptions, csvSource, DEFAULT_MAX_CSV_BYTES } from './csv.js';
export { inlineSource } from './inline.js';
