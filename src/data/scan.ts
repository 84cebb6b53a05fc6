import { ChartpressError, formatPath, type Problem, type Warning } from '../errors.js';
import type { Frame, Row } from '../frame.js';
import type { Query } from '../spec/schema.js';
import { traceAsync, tracing } from '../telemetry/channels.js';
import type { DataContext } from '../telemetry/events.js';
import { BatchView } from './batch-view.js';
import type { Params } from './filter.js';
import { InvalidCells, reportMisses } from './invalid.js';
import type { Dimensions } from './lookup.js';
import { QueryAccumulator, type QueryLimits } from './query.js';
import { columnsRead } from './query-check.js';
import { batchesOf, type RowSource } from './sources/rows.js';

/** Where the queries of one dataset sit in the report, and what to do with what they find. */
export interface ScanContext extends QueryLimits {
  /** Name of the dataset, e.g. `sales`. */
  readonly dataset: string;
  /** Field path of each query by id, e.g. `revenue` -> `charts.revenue.data`. Defaults to the id. */
  readonly paths?: ReadonlyMap<string, string>;
  /** The report file, when there is one. */
  readonly file?: string | undefined;
  /** Stops the scan between rows (between batches of columns); the signal's reason is thrown. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Receives the warnings of the queries (`CP_WARN_INVALID_VALUES`), once the scan has
   * succeeded for all of them. Defaults to dropping them.
   */
  readonly warn?: ((w: Warning) => void) | undefined;
  /**
   * The dimension datasets the queries' `lookup`s read, read before this scan (see
   * `loadDimension`). Defaults to none: a query with a lookup fails.
   */
  readonly dimensions?: Dimensions | undefined;
}

/** How many rows pass between two looks at the abort signal. */
const ABORT_CHECK_ROWS = 4096;

/**
 * Runs every query on one dataset in a single pass over its rows: the source is iterated once
 * however many queries read it, and each query keeps only its groups (see `QueryAccumulator`).
 * A source that reads column by column (`RowSource.columnBatches`) is read that way, and each
 * query runs over the columns (`QueryAccumulator.pushBatch`), with the same results.
 *
 * Problems are collected for all queries and thrown together as one `ChartpressError`: problems
 * of the queries themselves; columns they name that the dataset lacks (checked against the
 * first row, or for a sparse source against every column seen, at the end; a dataset with no
 * rows is not checked); limits passed; invalid values with `onInvalid: error`. The scan stops
 * early when every query has failed. Cells of declared date columns that the source could not
 * read as dates (see `RowSource.invalid`) are warned of once per column, at
 * `datasets.<name>.columns.<column>`.
 *
 * The scan is traced on `chartpress:data` (dataset, queries, rows read).
 *
 * @returns each query's frame, by query id.
 */
export function runQueries(
  source: AsyncIterable<Row> | RowSource,
  queries: ReadonlyMap<string, Query>,
  params: Params,
  ctx: ScanContext,
): Promise<Map<string, Frame>> {
  return traceAsync(
    tracing.data,
    () => ({ dataset: ctx.dataset, queries: queries.size, rows: 0 }),
    (event) => scan(source, queries, params, ctx, event),
  );
}

async function scan(
  source: AsyncIterable<Row> | RowSource,
  queries: ReadonlyMap<string, Query>,
  params: Params,
  ctx: ScanContext,
  event: DataContext | undefined,
): Promise<Map<string, Frame>> {
  const accs = new Map<string, QueryAccumulator>();
  for (const [id, query] of queries) {
    const where = { dataset: ctx.dataset, path: ctx.paths?.get(id) ?? id, file: ctx.file };
    accs.set(id, new QueryAccumulator(query, params, where, ctx, ctx.dimensions));
  }
  const all = [...accs.values()];
  const problems: Problem[] = all.flatMap((a) => a.problems);
  ctx.signal?.throwIfAborted();
  const sparse = (source as RowSource).sparse === true;
  // Sparse sources: every column seen, in first-seen order.
  const seen = new Set<string>();
  let columns: string[] | undefined;
  // The dataset's columns, checked against every query before the first row.
  const start = (names: string[]) => {
    columns = names;
    for (const acc of all) problems.push(...acc.start(names, sparse));
    if (problems.length > 0) throw new ChartpressError(problems);
  };
  const columnar = (source as RowSource).columnBatches?.bind(source);
  let n = 0;
  if (all.length > 0 && columnar !== undefined) {
    for await (const batch of columnar()) {
      if (batch.length === 0) continue;
      const view = new BatchView(batch);
      if (columns === undefined) start([...view.columns]);
      if (sparse) for (const name of view.columns) seen.add(name);
      for (const acc of all) acc.pushBatch(view);
      n += batch.length;
      if (event) event.rows = n;
      ctx.signal?.throwIfAborted();
      if (all.every((a) => a.failure !== undefined)) break;
    }
  } else if (all.length > 0) {
    let nextCheck = ABORT_CHECK_ROWS;
    for await (const batch of batchesOf(source)) {
      if (columns === undefined && batch.length > 0) start(Object.keys(batch[0]!));
      for (const row of batch) {
        if (sparse) for (const key in row) seen.add(key);
        for (const acc of all) acc.push(row);
      }
      n += batch.length;
      if (event) event.rows = n;
      if (n >= nextCheck) {
        nextCheck = n + ABORT_CHECK_ROWS;
        ctx.signal?.throwIfAborted();
        if (all.every((a) => a.failure !== undefined)) break;
      }
    }
  }
  const later: Warning[] = [];
  if (all.length > 0) problems.push(...invalidCells(source, queries, ctx, (w) => later.push(w)));
  if (problems.length > 0) throw new ChartpressError(problems);
  const frames = new Map<string, Frame>();
  const final = sparse && columns !== undefined ? [...seen] : undefined;
  for (const [id, acc] of accs) {
    try {
      frames.set(id, acc.finish(final));
    } catch (e) {
      if (!(e instanceof ChartpressError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new ChartpressError(problems);
  if (ctx.warn) {
    for (const w of later) ctx.warn(w);
    for (const acc of all) for (const w of acc.warnings) ctx.warn(w);
  }
  return frames;
}

/**
 * The cells of declared date columns that the source read as null because they were not dates:
 * one warning per column, at `datasets.<name>.columns.<column>`, or a problem for each query
 * with `onInvalid: error` that reads the column (or passes every column through).
 */
function invalidCells(
  source: AsyncIterable<Row> | RowSource,
  queries: ReadonlyMap<string, Query>,
  ctx: ScanContext,
  warn: (w: Warning) => void,
): Problem[] {
  const problems: Problem[] = [];
  const missed = (source as RowSource).invalid?.missed ?? [];
  for (const c of missed) {
    const what = InvalidCells.what(c);
    let warned = false;
    for (const [id, query] of queries) {
      const passThrough =
        (query.groupBy ?? []).length === 0 && Object.keys(query.aggregate ?? {}).length === 0;
      const reads = passThrough || columnsRead(query).some((r) => r.field === c.column);
      if (query.onInvalid === 'error' && reads) {
        const where = { file: ctx.file, path: ctx.paths?.get(id) ?? id };
        const p = reportMisses(c.column, c.misses, what, where, 'error', warn);
        if (p !== undefined) problems.push(p);
      } else if (!warned) {
        warned = true;
        const where = { file: ctx.file, path: formatPath(['datasets', ctx.dataset, 'columns', c.column]) };
        reportMisses(c.column, c.misses, what, where, 'skip', warn);
      }
    }
  }
  return problems;
}
