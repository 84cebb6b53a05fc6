import { ChartpressError, formatPath, type Problem, problem, type Warning } from '../../errors.js';
import { type Column, type Frame, toColumn, type Value } from '../../frame.js';
import type { Dataset, Query } from '../../spec/schema.js';
import { traceAsync, tracing } from '../../telemetry/channels.js';
import { calculatedReads } from '../calculate.js';
import type { Params } from '../filter.js';
import { bucketMiss, DateMisses, dateFix, filterMiss, InvalidCells, reportMisses } from '../invalid.js';
import { type Dimensions, missingKeys } from '../lookup.js';
import { DEFAULT_MAX_GROUPS, QueryAccumulator } from '../query.js';
import { columnsRead } from '../query-check.js';
import { sortField } from '../sort.js';
import type { FileRoots } from '../sources/roots.js';
import { at, type QueryWhere } from '../where.js';
import { afterStatement, statementPart } from './after-sql.js';
import type { TallySql } from './aggregates.js';
import { type CompiledQuery, compileQuery } from './compile.js';
import { type JoinContext, type JoinedBase, joinLookups } from './lookup-join.js';
import { openSession, type SqlDataset, type SqlSession } from './sessions.js';
import { declaredReaders } from './values.js';

/** Where the queries of a SQL dataset sit, and who hears about what was not pushed down. */
export interface PushDownContext {
  /** Folder that a SQLite `path` is relative to: the report file's folder. */
  readonly baseDir: string;
  /** The report file, named in messages. */
  readonly file?: string | undefined;
  /** Field path of each query by id (`charts.revenue.data`), for messages. Defaults to the id. */
  readonly paths?: ReadonlyMap<string, string> | undefined;
  /** Receives `CP_WARN_PUSHDOWN_FALLBACK` (with the reason) and `CP_WARN_INVALID_VALUES`. */
  readonly warn?: ((w: Warning) => void) | undefined;
  /** Stops between queries; the signal's reason is thrown. */
  readonly signal?: AbortSignal | undefined;
  /** Most groups (or rows) a query may return when it has no limit. Defaults to 1,000,000. */
  readonly maxGroups?: number | undefined;
  /** Folders a SQLite file must lie under (see `FileAccessOptions`). Defaults to anywhere. */
  readonly roots?: FileRoots | undefined;
  /** The report's datasets, which queries' `lookup`s name. Defaults to none: lookups are not pushed down. */
  readonly datasets?: Readonly<Record<string, Dataset>> | undefined;
  /** The dimension datasets of the queries' lookups, read first (see `loadDimension`). Defaults to none. */
  readonly dimensions?: Dimensions | undefined;
}

/** True for datasets whose queries can be pushed down: `sqlite`, `postgres`, `parquet` and `duckdb`. */
export function isSqlDataset(dataset: Dataset): dataset is SqlDataset {
  return (
    dataset.source === 'sqlite' ||
    dataset.source === 'postgres' ||
    dataset.source === 'parquet' ||
    dataset.source === 'duckdb'
  );
}

/**
 * Runs each query the database can compute exactly as the streaming engine would as ONE
 * statement (see `compileQuery`) over one session, or two at a time where the session has lanes
 * (DuckDB), so only groups leave the database. Frames, problems and warnings keep the queries'
 * order either way. Each
 * query that cannot be pushed down is left out of the result, with a `CP_WARN_PUSHDOWN_FALLBACK`
 * naming the reason: stream the dataset's rows through `runQueries` for those.
 *
 * Frames have the streaming engine's columns, order and value types. Problems are those of
 * `runQueries` (unknown columns checked against the table's or query's columns, even when it
 * has no rows), collected over all queries and thrown together; failing to read the dataset
 * throws at once (`CP_ERR_DATA_READ`, `CP_ERR_FILE_NOT_FOUND`).
 *
 * @returns the frames of the queries pushed down, by query id.
 */
export function runPushDowns(
  name: string,
  dataset: SqlDataset,
  queries: ReadonlyMap<string, Query>,
  params: Params,
  ctx: PushDownContext,
): Promise<Map<string, Frame>> {
  // Traced like a streaming scan; `rows` counts the rows the database returned.
  return traceAsync(
    tracing.data,
    () => ({ dataset: name, queries: queries.size, rows: 0 }),
    () => pushDownAll(name, dataset, queries, params, ctx),
    (event, frames) => {
      for (const frame of frames.values()) event.rows += frame.length;
    },
  );
}

async function pushDownAll(
  name: string,
  dataset: SqlDataset,
  queries: ReadonlyMap<string, Query>,
  params: Params,
  ctx: PushDownContext,
): Promise<Map<string, Frame>> {
  const frames = new Map<string, Frame>();
  if (queries.size === 0) return frames;
  ctx.signal?.throwIfAborted();
  const where = { file: ctx.file, path: `datasets.${name}` };
  const session = await openSession(dataset, ctx.baseDir, where, ctx.roots);
  const sessions = [session];
  const problems: Problem[] = [];
  const probed: JoinContext['probed'] = new Map();
  // A statement running when the render is aborted is stopped where the database can stop it.
  const interrupt = () => {
    for (const s of sessions) s.interrupt?.();
  };
  ctx.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    const list = [...queries];
    const lanes = session.fork === undefined ? 1 : Math.min(session.lanes ?? 1, list.length);
    for (let i = 1; i < lanes; i++) sessions.push(await (session.fork as () => Promise<SqlSession>)());
    // Each query's frame, problems and warnings, passed on in the queries' order once all are done.
    const done: { id: string; frame?: Frame | undefined; problems: Problem[]; warnings: Warning[] }[] = [];
    let next = 0;
    let failure: { error: unknown } | undefined;
    const lane = async (s: SqlSession) => {
      while (failure === undefined && next < list.length) {
        const i = next++;
        const [id, query] = list[i] as [string, Query];
        const out = { id, problems: [] as Problem[], warnings: [] as Warning[] };
        const own = { ...ctx, warn: (w: Warning) => out.warnings.push(w) };
        const where: QueryWhere = { dataset: name, path: ctx.paths?.get(id) ?? id, file: ctx.file };
        try {
          ctx.signal?.throwIfAborted();
          const frame = await pushDown(s, dataset, query, params, where, own, out.problems, {
            ...own,
            probed,
          });
          done[i] = { ...out, frame };
        } catch (e) {
          if (failure === undefined) {
            failure = { error: e };
            // The other lanes' statements are of no use now.
            if (sessions.length > 1) interrupt();
          }
        }
      }
    };
    await Promise.all(sessions.map(lane));
    if (failure !== undefined) throw failure.error;
    for (const out of done) {
      if (out.frame !== undefined) frames.set(out.id, out.frame);
      problems.push(...out.problems);
      for (const w of out.warnings) ctx.warn?.(w);
    }
  } catch (e) {
    // An interrupted statement fails as the abort does.
    ctx.signal?.throwIfAborted();
    throw e;
  } finally {
    ctx.signal?.removeEventListener('abort', interrupt);
    for (const s of sessions.slice(1)) await s.close();
    await session.close();
  }
  ctx.signal?.throwIfAborted();
  if (problems.length > 0) throw new ChartpressError(problems);
  return frames;
}

/**
 * `runPushDowns` for one query: its frame, or undefined when it cannot be pushed down (a
 * `CP_WARN_PUSHDOWN_FALLBACK` says why; stream the rows instead). `path` is the query's field path.
 */
export async function runPushDown(
  name: string,
  dataset: SqlDataset,
  query: Query,
  params: Params,
  ctx: Omit<PushDownContext, 'paths'> & { readonly path?: string | undefined },
): Promise<Frame | undefined> {
  const paths = new Map([['query', ctx.path ?? '']]);
  return (await runPushDowns(name, dataset, new Map([['query', query]]), params, { ...ctx, paths })).get(
    'query',
  );
}

async function pushDown(
  session: SqlSession,
  dataset: SqlDataset,
  query: Query,
  params: Params,
  where: QueryWhere,
  ctx: PushDownContext,
  problems: Problem[],
  join: JoinContext,
): Promise<Frame | undefined> {
  const maxRows = ctx.maxGroups ?? DEFAULT_MAX_GROUPS;
  // The streaming engine's own checks, so problems read exactly the same.
  const acc = new QueryAccumulator(query, params, where, { maxGroups: maxRows }, ctx.dimensions);
  const found = [...acc.problems, ...acc.start(session.columns.map((c) => c.name))];
  if (found.length > 0) {
    problems.push(...found);
    return undefined;
  }
  const declared = declaredRead(query, dataset);
  // A query with lookups reads its dataset joined to their dimensions.
  const { lookup, ...plain } = query;
  const joined = lookup === undefined ? undefined : await joinLookups(query, dataset, session, join);
  const compiled: CompiledQuery | { reason: string } =
    declared !== undefined
      ? { reason: `column "${declared}" has a declared type` }
      : joined === undefined
        ? compileQuery(statementPart(query), params, session.dialect, session.base, session.columns, {
            maxRows,
          })
        : 'reason' in joined
          ? joined
          : serially(
              compileQuery(statementPart(plain), params, session.dialect, joined.base, joined.columns, {
                maxRows,
              }),
              joined.serial,
            );
  // `onMissing: error`: the rows a lookup misses, counted by statements of their own first.
  const missed =
    'reason' in compiled || joined === undefined || 'reason' in joined
      ? []
      : await missingKeysOf(session, query, joined, where);
  if (!('reason' in missed) && missed.length > 0) {
    problems.push(...missed);
    return undefined;
  }
  const rows = 'reason' in compiled ? compiled : 'reason' in missed ? missed : await session.run(compiled);
  if ('reason' in rows) {
    const db = DATABASES[session.dialect];
    const message = `not pushed down to ${db}: ${rows.reason}; its rows are streamed instead`;
    ctx.warn?.({ code: 'CP_WARN_PUSHDOWN_FALLBACK', message, file: where.file, path: where.path });
    return undefined;
  }
  const c = compiled as CompiledQuery;
  if (statementPart(query).limit === undefined && rows.length > maxRows) {
    const grouped = !isPassThrough(query);
    const message = grouped
      ? `query produced more than ${maxRows} groups; add a filter or a coarser bucket`
      : `query kept more than ${maxRows} rows; add a filter, a limit or a groupBy`;
    problems.push(problem('CP_ERR_INVALID_VALUE', message, grouped ? at(where, 'groupBy') : where));
    return undefined;
  }
  // The counts come with every row; when `having` kept none, from a statement of their own.
  let counts = rows[0];
  let offset = c.fields.length;
  if (counts === undefined && c.totals !== undefined) {
    const totals = await session.run(c.totals);
    if (!('reason' in totals)) {
      counts = totals[0];
      offset = 0;
    }
  }
  await dateWarnings(session, c, counts, offset + c.tallies.length, where, ctx);
  for (const w of invalidWarnings(c.tallies, counts, offset, where)) ctx.warn?.(w);
  const invalid = new InvalidCells();
  const readers =
    c.tallies.length === 0 && isPassThrough(query)
      ? declaredReaders(c.fields, dataset.columns, { path: '' }, invalid)
      : [];
  const columns: Record<string, Column> = Object.create(null);
  const booleans = new Set(c.booleans);
  c.fields.forEach((field, j) => {
    const read = booleans.has(j) ? asBoolean : readers[j];
    columns[field] = toColumn(rows.map((r) => (read === undefined ? (r[j] ?? null) : read(r[j] ?? null))));
  });
  // As the streaming scan warns of declared date columns' values that were not dates.
  for (const m of invalid.missed) {
    const place = { file: where.file, path: formatPath(['datasets', where.dataset, 'columns', m.column]) };
    reportMisses(m.column, m.misses, InvalidCells.what(m), place, 'skip', (w) => ctx.warn?.(w));
  }
  return afterStatement(query, { fields: c.fields, columns, length: rows.length }, where);
}

const DATABASES = { sqlite: 'SQLite', postgres: 'PostgreSQL', duckdb: 'DuckDB' } as const;

/**
 * `CP_ERR_LOOKUP_MISSING_KEY` for each lookup with `onMissing: error` that misses keys, as the
 * streaming engine reports it.
 */
async function missingKeysOf(
  session: SqlSession,
  query: Query,
  joined: JoinedBase,
  where: QueryWhere,
): Promise<Problem[] | { reason: string }> {
  const found: Problem[] = [];
  for (const check of joined.checks) {
    const rows = await session.run(check.query);
    if ('reason' in rows) return rows;
    if (rows.length === 0) continue;
    const keys = Array.isArray(query.lookup) ? ['lookup', check.index] : ['lookup'];
    const total = Number(rows[0]?.[2] ?? 0);
    const missing = rows.map((r) => r[0] ?? null);
    found.push(missingKeys(check.lookup, at(where, ...keys, 'onMissing'), total, missing));
  }
  return found;
}

/** The statement (and its totals) run by a serial scan when `serial`. */
function serially(
  c: CompiledQuery | { reason: string },
  serial: boolean,
): CompiledQuery | { reason: string } {
  if ('reason' in c || !serial) return c;
  const dates = c.dates.map((t) => ({ ...t, first: { ...t.first, serial: true } }));
  return { ...c, serial: true, dates, ...(c.totals ? { totals: { ...c.totals, serial: true } } : {}) };
}

/** SQLite's 1 and 0 for a condition's true and false. */
const asBoolean = (v: Value): Value => (v === 1 ? true : v === 0 ? false : v);

const isPassThrough = (q: Query) =>
  (q.groupBy ?? []).length === 0 && Object.keys(q.aggregate ?? {}).length === 0;

/** A column with a declared type that the query reads (its values would need converting first). */
function declaredRead(query: Query, dataset: SqlDataset): string | undefined {
  const declared = dataset.columns;
  if (declared === undefined) return undefined;
  const read = [
    ...columnsRead(query).map((r) => r.field),
    ...calculatedReads(query),
    ...(isPassThrough(query) ? (query.sort ?? []).map((s) => sortField(s).field) : []),
  ];
  return read.find((name) => Object.hasOwn(declared, name));
}

/**
 * The streaming engine's warnings of cells that are not dates (time buckets, date filters), from
 * the counts the statement returned; the first such cell is read by one more statement.
 */
async function dateWarnings(
  session: SqlSession,
  c: CompiledQuery,
  row: Value[] | undefined,
  offset: number,
  where: QueryWhere,
  ctx: PushDownContext,
): Promise<void> {
  for (const [i, t] of c.dates.entries()) {
    const misses = new DateMisses();
    misses.count = Number(row?.[offset + i] ?? 0);
    if (misses.count === 0) continue;
    const first = await session.run(t.first);
    misses.first = 'reason' in first ? null : (first[0]?.[0] ?? null);
    const what = t.keys[0] === 'filter' ? filterMiss : bucketMiss;
    const place = at(where, ...t.keys);
    reportMisses(t.field, misses, what, place, 'skip', (w) => ctx.warn?.(w), dateFix(where.dataset));
  }
}

/** The streaming engine's `CP_WARN_INVALID_VALUES`, from the totals the statement returned. */
function invalidWarnings(
  tallies: readonly TallySql[],
  row: Value[] | undefined,
  offset: number,
  where: QueryWhere,
): Warning[] {
  return tallies.flatMap((t, i) => {
    const skipped = Number(row?.[offset + i] ?? 0);
    if (skipped === 0) return [];
    const one = skipped === 1;
    const kind = t.text ? (one ? 'a boolean' : 'booleans') : one ? 'not a number' : 'not numbers';
    const what = `${skipped} ${one ? 'value' : 'values'} in column ${JSON.stringify(t.field)} ${one ? 'was' : 'were'} null or ${kind}`;
    const message = `${what} and ${one ? 'was' : 'were'} skipped`;
    return [{ code: 'CP_WARN_INVALID_VALUES', message, ...at(where, 'aggregate', t.aggregate) } as Warning];
  });
}
