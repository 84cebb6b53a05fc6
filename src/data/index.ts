/**
 * The data phase: sources as async row streams, and the queries of a dataset run in one scan.
 *
 * ```
 * dataset ──► openSource() ──► rows ──► runQueries() ──► one Frame per query
 *                                         │ per row, per query:
 *                                         └ filter ► group (time buckets) ► aggregate
 *                                           then sort ► limit ► columns
 * ```
 */

export type { Params } from './filter.js';
export type { Column, Frame, Row, Value } from './frame.js';
export { column, emptyFrame, frameFromRows, frameToRows } from './frame.js';
export { QueryAccumulator } from './query.js';
export { runQueries, type ScanContext } from './scan.js';
export { DEFAULT_MAX_CSV_BYTES, type OpenSourceOptions, openSource } from './sources/index.js';
export type { QueryWhere } from './where.js';
