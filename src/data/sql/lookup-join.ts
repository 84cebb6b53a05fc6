import { resolve } from 'node:path';
import type { Dataset, Lookup, Query } from '../../spec/schema.js';
import { lookupKeys, lookupName, lookupsOf } from '../lookup.js';
import type { FileRoots } from '../sources/roots.js';
import type { CompiledQuery, SqlBaseRef } from './compile.js';
import { type ColumnKind, quoteIdent, type SqlColumn } from './dialect.js';
import { duckdbValue } from './duckdb-dialect.js';
import { quoteTable } from './postgres-client.js';
import { openSession, type SqlDataset, type SqlSession } from './sessions.js';

/** The column of a lookup's join that numbers the rows of the query's dataset in scan order. */
const FACT_ROW = '"__cp_fn"';

/** A query's dataset with its lookups joined in, as the base of its statement. */
export interface JoinedBase {
  readonly base: SqlBaseRef;
  /** The dataset's columns, then the looked-up fields. */
  readonly columns: readonly SqlColumn[];
  /** The rows are numbered by a window function, which only a serial scan keeps in scan order. */
  readonly serial: boolean;
  /**
   * For each lookup with `onMissing: error` (by its index), the statement giving the rows
   * whose key it misses: one row per missing key (`k`), first seen first (at most
   * `MISSING_KEYS_READ`), each with the number of all such rows (`total`).
   */
  readonly checks: readonly {
    readonly index: number;
    readonly lookup: Lookup;
    readonly query: CompiledQuery;
  }[];
}

/** Missing keys a check reads: one more than an error names, to tell that there are more. */
export const MISSING_KEYS_READ = 6;

/** Where the datasets of a push-down are, and the columns of the dimensions probed so far. */
export interface JoinContext {
  readonly baseDir: string;
  readonly file?: string | undefined;
  readonly roots?: FileRoots | undefined;
  /** The report's datasets, which the lookups name. */
  readonly datasets?: Readonly<Record<string, Dataset>> | undefined;
  /** Each dimension's columns (with PostgreSQL's kinds), probed once per push-down. */
  readonly probed: Map<string, Promise<readonly SqlColumn[]>>;
}

/**
 * The query's dataset LEFT JOINed to the dimension datasets its lookups read (an INNER JOIN
 * for `onMissing: skip`), when they are tables or queries of the same database (see
 * `sameDatabase`). The dimension's keys were checked unique beforehand (see
 * `QueryLookups`), so the join keeps one row per row of the dataset; its rows keep their scan
 * order through `FACT_ROW`. A lookup with `onMissing: error` comes with the statement that
 * finds the rows it misses (`checks`). Otherwise `{ reason }`: the rows are streamed and joined
 * in JS.
 */
export async function joinLookups(
  query: Query,
  fact: SqlDataset,
  session: SqlSession,
  ctx: JoinContext,
): Promise<JoinedBase | { reason: string }> {
  const lookups = lookupsOf(query);
  // Each name a key may read: a column of the dataset, or a field looked up before.
  const refs = new Map<string, SqlColumn & { ref: string }>(
    session.columns.map((c) => [c.name, { ...c, ref: `f.${quoteIdent(c.name)}` }]),
  );
  const joins: string[] = [];
  const fields: string[] = [];
  const columns: SqlColumn[] = [...session.columns];
  const checks: JoinedBase['checks'][number][] = [];
  const base = session.base;
  const numbered =
    'table' in base && base.rowid !== undefined
      ? {
          from: `${tableSql(base.table, session.dialect)} AS f`,
          row: `, f.${base.rowid} AS ${FACT_ROW}`,
          ref: `f.${base.rowid}`,
        }
      : {
          from: `(SELECT b.*, row_number() OVER () AS ${FACT_ROW} FROM (${baseSql(base, session.dialect)}) AS b) AS f`,
          row: '',
          ref: `f.${FACT_ROW}`,
        };
  const serial = numbered.row === '';
  for (const [i, l] of lookups.entries()) {
    const dim = ctx.datasets?.[l.from];
    if (dim === undefined) return { reason: `lookup of an unknown dataset "${l.from}"` };
    if (!sameDatabase(fact, dim, ctx.baseDir))
      return { reason: `lookup of dataset "${l.from}", which is not in the same database` };
    const { left, right } = lookupKeys(l);
    const key = refs.get(left);
    if (key === undefined) return { reason: `no column "${left}"` };
    const declared = dim.columns;
    const typed = [right, ...l.fields].find((c) => declared !== undefined && Object.hasOwn(declared, c));
    if (typed !== undefined)
      return { reason: `column "${typed}" of dataset "${l.from}" has a declared type` };
    const where = { file: ctx.file, path: `datasets.${l.from}` };
    // DuckDB reads the dimension through a view of its own in the session; the others name it.
    const rel = session.relation
      ? await session.relation(l.from, dim as SqlDataset, where)
      : { sql: relation(dim, session.dialect), columns: await probe(l.from, dim, ctx) };
    if ('reason' in rel) return rel;
    const kinds = new Map(rel.columns.map((c) => [c.name, c.kind] as const));
    const alias = `d${i}`;
    const join = l.onMissing === 'skip' ? 'JOIN' : 'LEFT JOIN';
    const on = match(key, { ref: `${alias}.${quoteIdent(right)}`, kind: kinds.get(right) }, session.dialect);
    joins.push(` ${join} ${rel.sql} AS ${alias} ON ${on}`);
    if (l.onMissing === 'error') {
      // The rows the joins so far keep whose key this one misses (a match has a key), each key
      // as the source gives it.
      const k = session.dialect === 'duckdb' ? duckdbValue(key.ref, key.kind) : key.ref;
      const missed = `SELECT ${k} AS k, ${numbered.ref} AS n FROM ${numbered.from}${joins.join('')} WHERE ${alias}.${quoteIdent(right)} IS NULL`;
      const sql = `SELECT t.k, min(t.n) AS first, sum(count(*)) OVER () AS total FROM (${missed}) AS t GROUP BY t.k ORDER BY first LIMIT ${MISSING_KEYS_READ}`;
      checks.push({
        index: i,
        lookup: l,
        query: {
          sql,
          values: [],
          fields: ['k', 'first', 'total'],
          tallies: [],
          dates: [],
          serial,
          booleans: [],
        },
      });
    }
    for (const field of l.fields) {
      const name = lookupName(l, field);
      const ref = `${alias}.${quoteIdent(field)}`;
      const kind = kinds.get(field) ?? 'dynamic';
      fields.push(`${ref} AS ${quoteIdent(name)}`);
      columns.push({ name, kind });
      refs.set(name, { name, kind, ref });
    }
  }
  const sql = `SELECT f.*${numbered.row}, ${fields.join(', ')} FROM ${numbered.from}${joins.join('')}`;
  return { base: { query: sql, rowid: FACT_ROW }, columns, serial, checks };
}

/**
 * Keys that match as the streaming engine matches them: by value and type. SQLite would convert
 * a text to a number for a column of numeric affinity (the unary + drops it), compare with the
 * column's collation, and match BLOBs, which the engine reads as null. DuckDB's columns have one
 * kind each (see `duckdb-db.ts`): keys of one kind compare as they are; a text and a date or a
 * timestamp as the texts the source gives; a number or a boolean never equals another kind.
 */
function match(
  left: { ref: string; kind: ColumnKind },
  right: { ref: string; kind: ColumnKind | undefined },
  dialect: SqlSession['dialect'],
): string {
  if (dialect === 'sqlite') return `+${left.ref} = +${right.ref} COLLATE BINARY AND +${left.ref} < x''`;
  if (dialect === 'postgres' || left.kind === right.kind) return `${left.ref} = ${right.ref}`;
  const texts = new Set<ColumnKind | undefined>(['text', 'date', 'timestamp']);
  if (right.kind === undefined || !texts.has(left.kind) || !texts.has(right.kind)) return 'FALSE';
  return `${duckdbValue(left.ref, left.kind)} = ${duckdbValue(right.ref, right.kind)}`;
}

/**
 * Both datasets are tables or queries of one database: the same SQLite file or PostgreSQL URL;
 * for DuckDB, the same database file, or none (Parquet files, queries over files), read in the
 * one session of the query's dataset, under its memory, thread and time limits.
 */
function sameDatabase(fact: SqlDataset, dim: Dataset, baseDir: string): boolean {
  if (fact.source === 'sqlite' && dim.source === 'sqlite')
    return resolve(baseDir, fact.path) === resolve(baseDir, dim.path);
  if (fact.source === 'postgres' && dim.source === 'postgres') return fact.url === dim.url;
  const duck = (d: Dataset) => d.source === 'parquet' || d.source === 'duckdb';
  const file = (d: Dataset) =>
    d.source === 'duckdb' && d.path !== undefined ? resolve(baseDir, d.path) : undefined;
  return duck(fact) && duck(dim) && file(fact) === file(dim);
}

/** The columns of a dimension dataset, from a session of its own (PostgreSQL's types choose the SQL). */
function probe(name: string, dim: Dataset, ctx: JoinContext): Promise<readonly SqlColumn[]> {
  let found = ctx.probed.get(name);
  if (found === undefined) {
    found = (async () => {
      let session: SqlSession | undefined;
      try {
        session = await openSession(
          dim as SqlDataset,
          ctx.baseDir,
          { file: ctx.file, path: `datasets.${name}` },
          ctx.roots,
        );
        return session.columns;
      } finally {
        await session?.close();
      }
    })();
    ctx.probed.set(name, found);
  }
  return found;
}

/** A dimension dataset as a relation of the join. */
function relation(dim: Dataset, dialect: SqlSession['dialect']): string {
  if ('table' in dim && typeof dim.table === 'string') return tableSql(dim.table, dialect);
  const query = 'query' in dim && typeof dim.query === 'string' ? dim.query : '';
  return `(${query.trim().replace(/;\s*$/, '')})`;
}

function tableSql(table: string, dialect: SqlSession['dialect']): string {
  return dialect === 'postgres' ? quoteTable(table) : quoteIdent(table);
}

function baseSql(base: SqlBaseRef, dialect: SqlSession['dialect']): string {
  if ('table' in base) return `SELECT * FROM ${tableSql(base.table, dialect)}`;
  return base.query.trim().replace(/;\s*$/, '');
}
