/**
 * The data phase: sources as async row streams, and the queries of a dataset run in one scan.
 *
 * ```
 * dataset ──► openSource() ──► rows ──► runQueries() ──► one columnar Frame per query
 *   csv, ndjson, json,           │ per row, per query (memory: one state per group):
 *   inline                       └ lookup ► calculate ► filter ► group (time buckets in a zone, bins)
 *                                    ► aggregate (each with its where) ► having
 *                                  then fill gaps ► sort ► limit (+ Other) ► pivot ► columns
 *
 * dimension dataset ──► loadDimension() (its own pass, once) ──► the lookups of every scan
 * ```
 */

export type { Column, Frame, Row, Value } from '../frame.js';
export { cell, column, columnValues, emptyFrame, frameFromRows, frameToRows, toColumn } from '../frame.js';
export {
  DEFAULT_MAX_EXPRESSION_DEPTH,
  DEFAULT_MAX_EXPRESSION_LENGTH,
} from './expr/parse.js';
export type { Params } from './filter.js';
export { DEFAULT_MAX_LOOKUP_ROWS, type Dimensions, DimensionTable, loadDimension } from './lookup.js';
export { DEFAULT_MAX_GROUPS, DEFAULT_MAX_VALUES, QueryAccumulator, type QueryLimits } from './query.js';
export { runQueries, type ScanContext } from './scan.js';
export {
  DEFAULT_MAX_CSV_BYTES,
  DEFAULT_MAX_FILE_BYTES,
  type OpenSourceOptions,
  openSource,
  type RowSource,
} from './sources/index.js';
export type { QueryWhere } from './where.js';
