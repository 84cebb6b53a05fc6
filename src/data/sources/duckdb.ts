import type { Row, Value } from '../../frame.js';
import type { InvalidCells } from '../invalid.js';
import type { SqlWhere } from '../sql/dialect.js';
import { type DuckdbDataset, duckdbCell, openDuckdb } from '../sql/duckdb-db.js';
import { duckdbError } from '../sql/duckdb-errors.js';
import { declaredReaders } from '../sql/values.js';
import type { FileRoots } from './roots.js';
import { fromBatches, type RowSource } from './rows.js';

/** A `parquet` or `duckdb` dataset read as rows. */
export interface DuckdbSourceOptions {
  readonly dataset: DuckdbDataset;
  /** Folder that the dataset's paths are relative to: the report file's folder. */
  readonly baseDir: string;
  /** Folders the files must lie under. Defaults to `baseDir`. */
  readonly roots?: FileRoots | undefined;
  /** Counts the values of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
  readonly where: SqlWhere;
}

/**
 * Streams the rows of Parquet files or of a DuckDB table or query, in scan order, a chunk of
 * DuckDB's (2,048 rows) at a time, on a locked-down DuckDB (see `openDuckdb`). Numbers are
 * numbers, text strings, booleans booleans, dates `2024-03-05`, timestamps
 * `2024-03-05T14:00:00Z` in UTC; other types read as their text. Each iteration opens the data
 * anew; stopping early closes it.
 */
export function duckdbSource(opts: DuckdbSourceOptions): RowSource {
  return fromBatches(() => readDuckdb(opts));
}

async function* readDuckdb(opts: DuckdbSourceOptions): AsyncGenerator<Row[]> {
  const { where } = opts;
  const data = await openDuckdb(opts.dataset, opts.baseDir, where, opts.roots);
  try {
    const names = data.columns.map((c) => c.name);
    const readers = declaredReaders(names, opts.dataset.columns, where, opts.invalid);
    const field =
      opts.dataset.source === 'parquet' ? 'path' : opts.dataset.table === undefined ? 'query' : 'table';
    const at = { file: where.file, path: `${where.path}.${field}` };
    const result = await data
      .bounded(() => data.connection.stream(data.rowsSql), field)
      .catch((e: unknown) => {
        throw duckdbError(e, at);
      });
    for (;;) {
      const chunk = await data
        .bounded(() => result.fetchChunk(), field)
        .catch((e: unknown) => {
          throw duckdbError(e, at);
        });
      if (chunk === null || chunk.rowCount === 0) return;
      const batch: Row[] = [];
      for (const cells of chunk.getRows()) {
        const row: Row = {};
        for (let i = 0; i < names.length; i++) {
          const v: Value = duckdbCell(cells[i]);
          const read = readers[i];
          row[names[i]!] = read === undefined ? v : read(v);
        }
        batch.push(row);
      }
      yield batch;
    }
  } finally {
    await data.close();
  }
}
