import { ChartpressError, type Problem } from '../errors.js';
import type { Query } from '../spec/schema.js';
import type { Params } from './filter.js';
import type { Frame, Row } from './frame.js';
import { QueryAccumulator } from './query.js';

/** Where the queries of one dataset sit in the report, for error messages. */
export interface ScanContext {
  /** Name of the dataset, e.g. `sales`. */
  readonly dataset: string;
  /** Field path of each query by id, e.g. `revenue` -> `charts.revenue.data`. Defaults to the id. */
  readonly paths?: ReadonlyMap<string, string>;
  /** The report file, when there is one. */
  readonly file?: string | undefined;
  /** Stops the scan between rows; the signal's reason is thrown. */
  readonly signal?: AbortSignal | undefined;
}

/** How many rows pass between two looks at the abort signal. */
const ABORT_CHECK_ROWS = 4096;

/**
 * Runs every query on one dataset in a single pass over its rows: the source is iterated once
 * however many queries read it.
 *
 * Problems are collected for all queries and thrown together as one `ChartpressError`: problems
 * of the queries themselves, and columns they name that the dataset lacks (checked against the
 * first row; a dataset with no rows is not checked).
 *
 * @returns each query's frame, by query id.
 */
export async function runQueries(
  source: AsyncIterable<Row>,
  queries: ReadonlyMap<string, Query>,
  params: Params,
  ctx: ScanContext,
): Promise<Map<string, Frame>> {
  const accs = new Map<string, QueryAccumulator>();
  for (const [id, query] of queries) {
    const where = { dataset: ctx.dataset, path: ctx.paths?.get(id) ?? id, file: ctx.file };
    accs.set(id, new QueryAccumulator(query, params, where));
  }
  const all = [...accs.values()];
  const problems: Problem[] = all.flatMap((a) => a.problems);
  ctx.signal?.throwIfAborted();
  if (all.length > 0) {
    let n = 0;
    for await (const row of source) {
      if (n === 0) {
        const columns = Object.keys(row);
        for (const acc of all) problems.push(...acc.start(columns));
        if (problems.length > 0) throw new ChartpressError(problems);
      }
      for (const acc of all) acc.push(row);
      if (++n % ABORT_CHECK_ROWS === 0) ctx.signal?.throwIfAborted();
    }
  }
  if (problems.length > 0) throw new ChartpressError(problems);
  const frames = new Map<string, Frame>();
  for (const [id, acc] of accs) frames.set(id, acc.finish());
  return frames;
}
