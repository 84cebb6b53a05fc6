import { ChartpressError } from '../../errors.js';
import type { Value } from '../../frame.js';
import type { FileRoots } from '../sources/roots.js';
import { quoteIdent, type SqlWhere } from './dialect.js';
import {
  DEFAULT_DUCKDB_THREADS,
  type DuckdbData,
  type DuckdbDataset,
  duckdbCell,
  openDuckdb,
} from './duckdb-db.js';
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
  return session(await openDuckdb(dataset, baseDir, where, roots), dataset);
}

/**
 * Statements run side by side on one DuckDB: two, when it has two threads or more. A scan keeps
 * both threads busy, but a statement's start and end do not, and the rows come back to this
 * thread; two at a time ran the data benchmark's eight queries on a 1M-row Parquet file about 10%
 * sooner (203 against 225 ms, medians of 11 interleaved rounds).
 */
const lanesOf = (dataset: DuckdbDataset) => Math.min(2, dataset.threads ?? DEFAULT_DUCKDB_THREADS);

function session(data: DuckdbData, dataset: DuckdbDataset): SqlSession {
  let stopped = false;
  const views = new Map<string, Promise<Awaited<ReturnType<NonNullable<SqlSession['relation']>>>>>();
  return {
    dialect: 'duckdb',
    columns: data.columns,
    base: data.base,
    async run(compiled) {
      const field = dataset.source === 'parquet' ? 'path' : dataset.table === undefined ? 'query' : 'table';
      try {
        const reader = await data.bounded(
          () => data.connection.runAndReadAll(compiled.sql, [...compiled.values]),
          field,
        );
        return reader.getRows().map((row): Value[] => row.map(duckdbCell));
      } catch (e) {
        // A timeout fails the dataset: streaming its rows would take as long. So does a stop.
        if (e instanceof ChartpressError || stopped) throw e;
        return {
          reason: `DuckDB refused the statement: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        };
      }
    },
    relation(name, other, at) {
      let found = views.get(name);
      if (found === undefined) {
        const view = `__cp_dim${views.size}`;
        found =
          other.source !== 'parquet' && other.source !== 'duckdb'
            ? Promise.resolve({ reason: `dataset "${name}" is not read through DuckDB` })
            : data.view(other, view, at).then(
                (columns) => ({ sql: quoteIdent(view), columns }),
                (e: unknown) => ({
                  reason: `dataset "${name}" cannot be read beside it: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
                }),
              );
        views.set(name, found);
      }
      return found;
    },
    interrupt() {
      stopped = true;
      data.interrupt();
    },
    lanes: lanesOf(dataset),
    fork: async () => session(await data.fork(), dataset),
    close: () => data.close(),
  };
}
