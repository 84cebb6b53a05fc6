import type { TimeBucket } from '../../spec/schema.js';

/** Where a SQL dataset sits in the report, for error messages. */
export interface SqlWhere {
  /** The report file. */
  readonly file?: string | undefined;
  /** Field path of the dataset, e.g. `datasets.sales`. */
  readonly path: string;
}

/** The databases push-down can write SQL for. */
export type SqlDialectName = 'sqlite' | 'postgres' | 'duckdb';

/**
 * How the values of a column arrive, which decides the SQL that reproduces the streaming engine
 * on them. SQLite columns are `dynamic` (each cell has its own storage class); PostgreSQL
 * columns have one type.
 */
export type ColumnKind =
  | 'dynamic'
  | 'number'
  | 'numeric'
  | 'float4'
  | 'text'
  | 'bool'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'other';

/** A column of the dataset, as the compiler sees it. */
export interface SqlColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

/**
 * Thrown while compiling when a part of the query cannot be written in SQL with the same result
 * as the streaming engine; `compileQuery` turns it into `{ reason }`.
 */
export class NotPushable extends Error {}

/**
 * SQL fragments for one database. Every expression takes a column reference (`t."name"`) and
 * reproduces what the streaming engine computes on the value the source would have yielded.
 */
export interface Dialect {
  readonly name: SqlDialectName;
  /** The placeholder of the `n`th bind value (`?`, or `$3::float8`); `int` for LIMIT. */
  param(n: number, value: number | string, int?: boolean): string;
  /** The cell as the source yields it; equal cells group together and sort as in JS. */
  value(ref: string, kind: ColumnKind): string;
  /** True when the source yields null. */
  isNull(ref: string, kind: ColumnKind): string;
  /** The number the cell stands for (numbers, numeric strings), else NULL: `maybeNumber`. */
  num(ref: string, kind: ColumnKind): string;
  /** `String(cell)` for non-null cells, compared by code point. */
  str(ref: string, kind: ColumnKind): string;
  /** A text cell holds the string parameter `p()` binds (case-sensitive); other cells do not. */
  contains(ref: string, kind: ColumnKind, p: () => string): string;
  /** Finite numbers only, else NULL: what `sum` and `avg` take. */
  finite(ref: string, kind: ColumnKind): string;
  /**
   * `min`/`max`: over numbers when the group has any, else over strings. `filter` follows each
   * aggregate call: `''`, or ` FILTER (WHERE …)` for an aggregate with a `where`.
   */
  extreme(ref: string, kind: ColumnKind, fn: 'min' | 'max', filter?: string): string;
  /**
   * The start of the cell's time bucket (in UTC, or in the IANA `zone` where `zones`) as the
   * streaming engine writes it, else NULL; with `bucketFormat`, the start as a value that orders
   * as that text does, printed after grouping.
   */
  bucket(ref: string, kind: ColumnKind, unit: TimeBucket, zone?: string): string;
  /** Prints a key of `bucket` as the streaming engine writes it: grouping rows by the raw start costs less. */
  bucketFormat?(key: string, unit: TimeBucket, zone?: string): string;
  /** Time buckets may be cut in any IANA time zone, not only UTC. */
  readonly zones?: boolean;
  /** True for cells the source yields as strings. */
  isText(ref: string, kind: ColumnKind): string;
  /** True for non-empty cells that are not ISO dates to the engine (see `parseIsoDate`). */
  isDateMiss(ref: string, kind: ColumnKind): string;
  /** The lower edge of the cell's numeric bin (see `binner`), else NULL; `bind` makes placeholders. */
  bin(ref: string, kind: ColumnKind, step: number, offset: number, bind: (v: number) => string): string;
  /** Sum of `finite(ref)`; 0 when there are none. `filter` as for `extreme`. */
  sum(x: string, filter?: string): string;
  /** Mean of `finite(ref)` as sum / count in float8; NULL when there are none. `filter` as for `extreme`. */
  avg(x: string, kind: ColumnKind, filter?: string): string;
  /**
   * The `p` quantile of `finite(ref)` as the streaming engine interpolates it (see `quantile`),
   * NULL when there are none; absent where the database cannot compute it exactly (then
   * `median` and `p90` are streamed). `filter` as for `extreme`.
   */
  quantile?(x: string, p: number, filter?: string): string;
  /**
   * `first` (or `last`): the cell of the non-null row with the lowest (highest) `rowNumber`, as
   * the source yields it; `and` adds ` AND <condition>` for an aggregate's `where`. Absent where
   * the database has no such aggregate (then they are streamed).
   */
  pick?(ref: string, kind: ColumnKind, rowNumber: string, last: boolean, and: string): string;
}

/** `"name"` with embedded quotes doubled: safe for any identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
