/**
 * SQL push-down: a query on a `sqlite`, `postgres`, `parquet` or `duckdb` dataset becomes one
 * parameterised statement, so the database groups the rows and only groups cross over.
 *
 * ```
 * query ──► compileQuery() ──► SELECT … FROM (<table|query>) AS t WHERE … GROUP BY … ORDER BY … LIMIT ?
 *   │            └ { reason } ──► CP_WARN_PUSHDOWN_FALLBACK ──► runQueries() over the rows
 *   └ runPushDowns(): one connection per dataset, a frame per query pushed down
 *
 * lookup of a dimension in the same database ──► joinLookups(): <table|query> LEFT JOIN <dimension>
 *   as the base of the statement, the dataset's scan order kept
 * ```
 */

export { type CompiledQuery, type CompileOptions, compileQuery, type SqlBaseRef } from './compile.js';
export type { ColumnKind, SqlColumn, SqlDialectName } from './dialect.js';
export { DEFAULT_POSTGRES_TIMEOUT_MS } from './postgres-client.js';
export { isSqlDataset, type PushDownContext, runPushDown, runPushDowns } from './pushdown.js';
export type { SqlDataset } from './sessions.js';
