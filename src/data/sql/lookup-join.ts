import { resolve } from 'node:path';
import type { Dataset, Lookup, Query } from '../../spec/schema.js';
import { lookupKeys, lookupName, lookupsOf } from '../lookup.js';
import type { FileRoots } from '../sources/roots.js';
import type { CompiledQuery, SqlBaseRef } from './compile.js';
import { quoteIdent, type SqlColumn } from './dialect.js';
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
 * for `onMissing: skip`), when they are tables or queries of the same database: the same SQLite
 * file, or the same PostgreSQL URL. The dimension's keys were checked unique beforehand (see
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
  const refs = new Map<string, string>(session.columns.map((c) => [c.name, `f.${quoteIdent(c.name)}`]));
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
    const kinds = new Map((await probe(l.from, dim, ctx)).map((c) => [c.name, c.kind] as const));
    const alias = `d${i}`;
    const join = l.onMissing === 'skip' ? 'JOIN' : 'LEFT JOIN';
    joins.push(
      ` ${join} ${relation(dim, session.dialect)} AS ${alias} ON ${match(key, `${alias}.${quoteIdent(right)}`, session.dialect)}`,
    );
    if (l.onMissing === 'error') {
      // The rows the joins so far keep whose key this one misses (a match has a key).
      const missed = `SELECT ${key} AS k, ${numbered.ref} AS n FROM ${numbered.from}${joins.join('')} WHERE ${alias}.${quoteIdent(right)} IS NULL`;
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
      fields.push(`${ref} AS ${quoteIdent(name)}`);
      columns.push({ name, kind: kinds.get(field) ?? 'dynamic' });
      refs.set(name, ref);
    }
  }
  const sql = `SELECT f.*${numbered.row}, ${fields.join(', ')} FROM ${numbered.from}${joins.join('')}`;
  return { base: { query: sql, rowid: FACT_ROW }, columns, serial, checks };
}

/**
 * Keys that match as the streaming engine matches them: by value and type. SQLite would convert
 * a text to a number for a column of numeric affinity (the unary + drops it), compare with the
 * column's collation, and match BLOBs, which the engine reads as null.
 */
function match(left: string, right: string, dialect: SqlSession['dialect']): string {
  if (dialect !== 'sqlite') return `${left} = ${right}`;
  return `+${left} = +${right} COLLATE BINARY AND +${left} < x''`;
}

/** Both datasets are tables or queries of one database: the same SQLite file or PostgreSQL URL. */
function sameDatabase(fact: SqlDataset, dim: Dataset, baseDir: string): boolean {
  if (fact.source === 'sqlite' && dim.source === 'sqlite')
    return resolve(baseDir, fact.path) === resolve(baseDir, dim.path);
  if (fact.source === 'postgres' && dim.source === 'postgres') return fact.url === dim.url;
  return false;
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
