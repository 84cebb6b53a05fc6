import type { Value } from '../../frame.js';
import type { FileRoots } from '../sources/roots.js';
import type { SqlWhere } from './dialect.js';
import { type DuckdbDataset, duckdbCell, openDuckdb } from './duckdb-db.js';
import type { SqlSession } from './sessions.js';

/**
 * A session over a `parquet` or `duckdb` dataset (see `openDuckdb`): compiled statements run on
 * the locked-down connection, with their values bound.
 */
export async function duckdbSession(
  dataset: DuckdbDataset,
  baseDir: string,
  where: SqlWhere,
  roots?: FileRoots,
): Promise<SqlSession> {
  const data = await openDuckdb(dataset, baseDir, where, roots);
  return {
    dialect: 'duckdb',
    columns: data.columns,
    base: data.base,
    async run(compiled) {
      try {
        const reader = await data.connection.runAndReadAll(compiled.sql, [...compiled.values]);
        return reader.getRows().map((row): Value[] => row.map(duckdbCell));
      } catch (e) {
        return {
          reason: `DuckDB refused the statement: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        };
      }
    },
    close: () => data.close(),
  };
}
