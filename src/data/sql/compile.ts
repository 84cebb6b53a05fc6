import type { Query } from '../../spec/schema.js';
import type { Calculations } from '../calculate.js';
import { isDateFilter, type Params } from '../filter.js';
import { columnsRead } from '../query-check.js';
import { sortField } from '../sort.js';
import { aggregateSql, groupKeySql, type TallySql, tallySql } from './aggregates.js';
import { SqlBuilder } from './builder.js';
import { calcLayers, calculations, layered, ROW_ID } from './calculated.js';
import { type Dialect, NotPushable, quoteIdent, type SqlColumn, type SqlDialectName } from './dialect.js';
import { duckdbDialect } from './duckdb-dialect.js';
import { filterSql } from './filters.js';
import { postgresDialect } from './postgres-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';

/**
 * What a SQL dataset reads: a table (or view; PostgreSQL: optionally `schema.table`) or a query.
 * `rowid`: a column that orders the table's rows as the source reads them (SQLite's rowid when
 * the source reads in rowid order, PostgreSQL's ctid for a plain table read by a serial scan);
 * for a query, a column of its own that numbers its rows in scan order (a lookup's join).
 */
export type SqlBaseRef =
  | { readonly table: string; readonly rowid?: string | undefined }
  | { readonly query: string; readonly rowid?: string | undefined };

/** A query compiled to one parameterised statement. */
export interface CompiledQuery {
  readonly sql: string;
  /** Bind values, in placeholder order. */
  readonly values: readonly (number | string)[];
  /** The output columns, which the statement returns first, in order. */
  readonly fields: readonly string[];
  /** Skipped-value counts the statement returns after the fields (as totals over all groups). */
  readonly tallies: readonly TallySql[];
  /** Counts of cells that are not dates the statement returns after the tallies (totals over all rows kept). */
  readonly dates: readonly DateTallySql[];
  /**
   * Rows are numbered by their scan position (first-seen groups, ties), which only a serial
   * read keeps: no parallel workers. False when a rowid or ctid numbers them instead.
   */
  readonly serial: boolean;
  /** The fields (by index) whose 1, 0 and NULL stand for true, false and null (SQLite conditions). */
  readonly booleans: readonly number[];
  /**
   * With `having`: the statement counting what `tallies` and `dates` count, over every row
   * (one row: the tallies, then the dates), for when no group is kept to carry the counts.
   */
  readonly totals?: CompiledQuery | undefined;
}

/**
 * A column whose cells the engine reads as dates (a time bucket, a filter comparing with a date):
 * the statement counts the kept rows whose cell is not one, as `runQueries` does.
 */
export interface DateTallySql {
  readonly field: string;
  /** Where the check sits in the query: `['filter', i]` or `['groupBy', i]`. */
  readonly keys: readonly [string, number];
  /** The statement reading the first such cell in scan order, run only when some were counted. */
  readonly first: CompiledQuery;
}

/** Options of `compileQuery`. */
export interface CompileOptions {
  /** Most rows the statement may return when the query has no limit (one more is asked for, to tell). Defaults to no bound. */
  readonly maxRows?: number | undefined;
}

const ROW_NUMBER = '"__cp_rn"';
const dialects: Record<SqlDialectName, Dialect> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  duckdb: duckdbDialect,
};

/**
 * Translates a query into ONE parameterised statement with the same result as the streaming
 * engine (`runQueries`) over the rows of `base`:
 *
 * ```
 * SELECT <outputs> FROM (SELECT <keys>, <aggregates> FROM (<base> + calculated fields) AS t WHERE <filters>
 *   GROUP BY <keys>) AS g WHERE <having> ORDER BY <sort>, <first seen> LIMIT <limit>
 * ```
 *
 * Values are always bound, identifiers quoted. `columns` are the base's columns; PostgreSQL and
 * DuckDB need them (their types choose the SQL), SQLite only to select rows without groupBy in
 * scan order. What cannot be written with the same result (pivot, other, fill, `onInvalid:
 * error`; first, last, median, p90 and buckets outside UTC but in DuckDB; type combinations
 * listed in the dialects) gives `{ reason }`, and the caller streams the rows instead. So do
 * `window` and `fold`: compile the query's `statementPart` and run the rest over its rows
 * (`afterStatement`).
 */
export function compileQuery(
  query: Query,
  params: Params,
  dialect: SqlDialectName,
  base: SqlBaseRef,
  columns?: readonly SqlColumn[],
  options: CompileOptions = {},
): CompiledQuery | { reason: string } {
  try {
    return compile(query, params, dialects[dialect], base, columns, options);
  } catch (e) {
    if (e instanceof NotPushable) return { reason: e.message };
    throw e;
  }
}

function compile(
  query: Query,
  params: Params,
  d: Dialect,
  base: SqlBaseRef,
  columns: readonly SqlColumn[] | undefined,
  options: CompileOptions,
): CompiledQuery {
  // Windows and fold run over the groups the statement returns (see after-sql.ts).
  if (query.window) throw new NotPushable('window');
  if (query.fold) throw new NotPushable('fold');
  if (query.pivot) throw new NotPushable('pivot');
  if (query.other) throw new NotPushable('other');
  if (query.fill) throw new NotPushable('fill');
  if (query.onInvalid === 'error') throw new NotPushable('onInvalid: error');
  const kinds = columns && new Map(columns.map((c) => [c.name, c.kind]));
  // A row object keeps one value per name; SQL would read another.
  if (kinds && kinds.size < (columns?.length ?? 0))
    throw new NotPushable('the base has two columns of one name');
  const calc = calculations(query);
  const names = calc?.names ?? [];
  if (kinds)
    for (const name of columnNames(query, calc))
      if (!kinds.has(name)) throw new NotPushable(`no column "${name}"`);
  const builder = () => new SqlBuilder(d, d.name === 'sqlite' ? undefined : kinds);
  const b = builder();
  const layers = calcLayers(calc, b);
  const groupBy = query.groupBy ?? [];
  const aggregates = Object.entries(query.aggregate ?? {});
  const sort = (query.sort ?? []).map(sortField);
  const limit = query.limit ?? (options.maxRows === undefined ? undefined : options.maxRows + 1);
  const rowid = base.rowid;
  const source = (numbered: boolean) => layered(from(base, d, numbered), layers, rowid);
  const rn = rowNumber(base, layers.length > 0);
  const bools = (fields: readonly string[]) =>
    d.name === 'sqlite' ? fields.flatMap((f, i) => (b.column(f).kind === 'bool' ? [i] : [])) : [];

  if (groupBy.length === 0 && aggregates.length === 0) {
    if (query.having !== undefined) throw new NotPushable('having without groupBy or aggregate');
    // Rows keep scan order, also under a filter an index could serve, and sort ties keep it.
    if (columns === undefined && (rowid === undefined || layers.length > 0))
      throw new NotPushable('the columns of the base are unknown');
    const checks = dateChecks(query, params, b);
    if (checks.length > 0 && columns === undefined)
      throw new NotPushable('the columns of the base are unknown');
    const list = [
      ...(columns === undefined ? ['t.*'] : columns.map((c) => passColumn(c, d))),
      ...names.map((name) => `t.${quoteIdent(name)}`),
      ...checks.map((t, i) => `count(CASE WHEN ${t.miss} THEN 1 END) OVER () AS "__cp_date${i}"`),
    ].join(', ');
    const where = filterSql(query.filter, params, b);
    const order = sort.map(({ field, desc }) => {
      const col = b.column(field);
      return `${d.value(col.ref, col.kind)} ${desc ? 'DESC' : 'ASC'} NULLS LAST`;
    });
    const tail = ` ORDER BY ${[...order, rn].join(', ')}${limitSql(limit, b)}`;
    const sql = `SELECT ${list} FROM ${source(true)} WHERE ${where}${tail}`;
    const fields = [...(columns?.map((c) => c.name) ?? []), ...names];
    const dates = firstMisses(checks, query, params, d, base, kinds);
    return {
      sql,
      values: b.values,
      fields,
      tallies: [],
      dates,
      serial: rowid === undefined,
      booleans: bools(fields),
    };
  }

  const keys = groupBy.map((g) => groupKeySql(g, b));
  // first and last pick by scan position: the rows are numbered for them.
  const picks = aggregates.some(([, agg]) => agg.op === 'first' || agg.op === 'last');
  const aggs = aggregates.map(([name, agg]) => ({
    name,
    ...aggregateSql(agg, params, b, picks ? rn : undefined),
  }));
  const tallies = tallySql(aggregates, params, b);
  const checks = dateChecks(query, params, b);
  const fields = [...keys.map((k) => k.output), ...aggs.map((a) => a.name)];
  const bySort = new Set(sort.map((s) => s.field));
  for (const s of sort)
    if (!fields.includes(s.field)) throw new NotPushable(`sort column "${s.field}" is no output`);
  // Groups come out in first-seen order, and sort ties keep it: unless the sort orders every
  // key, the scan position of each group's first row decides.
  const ordered = keys.length > 0 && !keys.every((k) => bySort.has(k.output));
  const serial = ordered && rowid === undefined;
  const grouped = keys.length > 0;
  const select = [
    ...keys.map((k) => `${k.expr} AS ${quoteIdent(k.output)}`),
    ...aggs.map((a) => `${a.expr} AS ${quoteIdent(a.name)}`),
    ...tallies.map((t, i) => `${grouped ? `sum(${t.expr}) OVER ()` : t.expr} AS "__cp_bad${i}"`),
    ...checks.map((t, i) => {
      const count = `count(CASE WHEN ${t.miss} THEN 1 END)`;
      return `${grouped ? `sum(${count}) OVER ()` : count} AS "__cp_date${i}"`;
    }),
    ...(ordered ? [`min(${rn}) AS ${ROW_NUMBER}`] : []),
  ];
  const where = filterSql(query.filter, params, b);
  const groupSql = grouped ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  const inner = `SELECT ${select.join(', ')} FROM ${source(ordered || picks)} WHERE ${where}${groupSql}`;
  // `having` reads the output columns, as the streaming engine's rows of groups hold them.
  const outputs = new Map([
    ...keys.map((k) => [k.output, { ref: shown(k, `g.${quoteIdent(k.output)}`), kind: k.kind }] as const),
    ...aggs.map((a) => [a.name, { ref: `g.${quoteIdent(a.name)}`, kind: a.kind }] as const),
  ]);
  const having =
    query.having === undefined ? '' : ` WHERE ${filterSql(query.having, params, b.scoped(outputs))}`;
  const order = [
    ...sort.map(({ field, desc }) => `g.${quoteIdent(field)} ${desc ? 'DESC' : 'ASC'} NULLS LAST`),
    ...(ordered ? [`g.${ROW_NUMBER}`] : []),
  ];
  const list = [
    ...keys.map((k) =>
      k.format
        ? `${shown(k, `g.${quoteIdent(k.output)}`)} AS ${quoteIdent(k.output)}`
        : `g.${quoteIdent(k.output)}`,
    ),
    ...aggs.map((a) => `g.${quoteIdent(a.name)}`),
    ...tallies.map((_, i) => `g."__cp_bad${i}"`),
    ...checks.map((_, i) => `g."__cp_date${i}"`),
  ];
  const sql =
    `SELECT ${list.join(', ')} FROM (${inner}) AS g${having}` +
    `${order.length > 0 ? ` ORDER BY ${order.join(', ')}` : ''}${limitSql(limit, b)}`;
  const dates = firstMisses(checks, query, params, d, base, kinds);
  const booleans = d.name === 'sqlite' ? keys.flatMap((k, i) => (k.kind === 'bool' ? [i] : [])) : [];
  // When `having` keeps no group, no row carries the counts: a statement of its own does.
  const totals =
    having !== '' && tallies.length + checks.length > 0
      ? totalsQuery(query, params, d, base, kinds, calc, rowid)
      : undefined;
  return { sql, values: b.values, fields, tallies, dates, serial, booleans, totals };
}

/** A key's value as the output shows it: printed after grouping when the key was grouped raw. */
const shown = (k: { readonly format?: ((ref: string) => string) | undefined }, ref: string) =>
  k.format ? k.format(ref) : ref;

/** The skipped-value and date-miss counts of a query over every row it keeps, in one row. */
function totalsQuery(
  query: Query,
  params: Params,
  d: Dialect,
  base: SqlBaseRef,
  kinds: ReadonlyMap<string, SqlColumn['kind']> | undefined,
  calc: Calculations | undefined,
  rowid: string | undefined,
): CompiledQuery {
  const b = new SqlBuilder(d, d.name === 'sqlite' ? undefined : kinds);
  const layers = calcLayers(calc, b);
  const tallies = tallySql(Object.entries(query.aggregate ?? {}), params, b);
  const checks = dateChecks(query, params, b);
  const list = [...tallies.map((t) => t.expr), ...checks.map((t) => `count(CASE WHEN ${t.miss} THEN 1 END)`)];
  const where = filterSql(query.filter, params, b);
  const sql = `SELECT ${list.join(', ')} FROM ${layered(from(base, d, false), layers, rowid)} WHERE ${where}`;
  return { sql, values: b.values, fields: [], tallies, dates: [], serial: false, booleans: [] };
}

interface DateCheckSql {
  readonly field: string;
  readonly keys: readonly [string, number];
  /** True for a cell that is not a date. */
  readonly miss: string;
}

/** The query's date checks, in the streaming engine's order: date filters, then time buckets. */
function dateChecks(query: Query, params: Params, b: SqlBuilder): DateCheckSql[] {
  const checks: DateCheckSql[] = [];
  const add = (field: string, keys: readonly [string, number]) => {
    const col = b.column(field);
    checks.push({ field, keys, miss: b.dialect.isDateMiss(col.ref, col.kind) });
  };
  (query.filter ?? []).forEach((f, i) => {
    if (isDateFilter(f, params)) add(f.field, ['filter', i]);
  });
  (query.groupBy ?? []).forEach((g, i) => {
    if (typeof g !== 'string' && g.bucket !== undefined && g.bin === undefined) add(g.field, ['groupBy', i]);
  });
  return checks;
}

/** For each check, the statement reading the first kept cell that is not a date. */
function firstMisses(
  checks: readonly DateCheckSql[],
  query: Query,
  params: Params,
  d: Dialect,
  base: SqlBaseRef,
  kinds: ReadonlyMap<string, SqlColumn['kind']> | undefined,
): DateTallySql[] {
  const rowid = base.rowid;
  return checks.map(({ field, keys, miss }) => {
    const b = new SqlBuilder(d, d.name === 'sqlite' ? undefined : kinds);
    const layers = calcLayers(calculations(query), b);
    const col = b.column(field);
    const where = filterSql(query.filter, params, b);
    const source = layered(from(base, d, true), layers, rowid);
    const sql =
      `SELECT ${d.value(col.ref, col.kind)} FROM ${source} WHERE ${where} AND ${miss}` +
      ` ORDER BY ${rowNumber(base, layers.length > 0)} LIMIT 1`;
    const first = {
      sql,
      values: b.values,
      fields: [field],
      tallies: [],
      dates: [],
      serial: rowid === undefined,
      booleans: [],
    };
    return { field, keys, first };
  });
}

/**
 * A column of the base as rows passed through return it. DuckDB gives each cell as the source
 * yields it (`value`); the other databases' drivers read their cells as their sources do.
 */
function passColumn(c: SqlColumn, d: Dialect): string {
  const ref = `t.${quoteIdent(c.name)}`;
  return d.name === 'duckdb' ? `${d.value(ref, c.kind)} AS ${quoteIdent(c.name)}` : ref;
}

/** The base as `(...) AS t`, numbering its rows in scan order when the result depends on it. */
function from(base: SqlBaseRef, d: Dialect, numbered: boolean): string {
  // A rowid numbers a table's rows for free; a window function has to count them.
  if ('table' in base && (!numbered || base.rowid !== undefined)) return `${quoteTable(base.table, d)} AS t`;
  // A query that numbers its rows itself (a lookup's join, see lookup-join.ts).
  if ('query' in base && base.rowid !== undefined) return `(${base.query}) AS t`;
  const sql =
    'table' in base ? `SELECT * FROM ${quoteTable(base.table, d)}` : base.query.trim().replace(/;\s*$/, '');
  if (!numbered) return `(${sql}) AS t`;
  return `(SELECT b.*, row_number() OVER () AS ${ROW_NUMBER} FROM (${sql}) AS b) AS t`;
}

/** The scan position of a row of `t` (`layered`: inside the subqueries of calculated fields). */
function rowNumber(base: SqlBaseRef, layered = false): string {
  if (base.rowid === undefined) return `t.${ROW_NUMBER}`;
  return layered ? `t.${ROW_ID}` : `t.${base.rowid}`;
}

function quoteTable(table: string, d: Dialect): string {
  const dot = table.indexOf('.');
  if (d.name === 'sqlite' || dot < 0) return quoteIdent(table);
  return `${quoteIdent(table.slice(0, dot))}.${quoteIdent(table.slice(dot + 1))}`;
}

function limitSql(limit: number | undefined, b: SqlBuilder): string {
  if (limit === undefined) return '';
  return ` LIMIT ${b.bind(limit, true)}`;
}

/** Every column of the base the query reads (its calculated fields' included). */
function columnNames(query: Query, calc: Calculations | undefined): string[] {
  return [...columnsRead(query).map((r) => r.field), ...(calc?.reads ?? [])];
}
