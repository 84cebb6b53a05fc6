import type { TimeBucket } from '../../spec/schema.js';
import { type ColumnKind, type Dialect, NotPushable } from './dialect.js';

/**
 * The kinds of a DuckDB dataset's columns. Every column is read through a view that gives it
 * one of these (see `duckdb-db.ts`): numbers as DOUBLE without NaN, text, booleans, dates, and
 * timestamps in UTC.
 */
const NUMBER: ColumnKind = 'number';

/** The engine reads four-digit years from 0100 on; other dates are no date to it. */
const LOW = `'0100-01-01'`;
const HIGH = `'10000-01-01'`;

function unsupported(ref: string, kind: ColumnKind, what: string): never {
  throw new NotPushable(`${what} on column ${ref.slice(2)} (of type ${kind}) in DuckDB`);
}

const isDate = (kind: ColumnKind) => kind === 'date' || kind === 'timestamp';
const isString = (kind: ColumnKind) => kind === 'text' || isDate(kind);

/**
 * The cell as the source yields it: numbers, text and booleans as they are; dates as
 * `2024-03-05`; timestamps as `2024-03-05T14:00:00Z`, with the fraction of a second when there
 * is one (`…:00.5Z`). Text compares by code point, as DuckDB's default collation (bytes of UTF-8)
 * does.
 */
export function duckdbValue(r: string, kind: ColumnKind): string {
  if (kind === 'date') return `strftime(${r}, '%Y-%m-%d')`;
  if (kind === 'timestamp')
    return `(regexp_replace(strftime(${r}, '%Y-%m-%dT%H:%M:%S.%f'), '\\.?0+$', '') || 'Z')`;
  return r;
}

/** The first day of the calendar DuckDB counts buckets from: a Monday. */
const EPOCH = `DATE '0001-01-01'`;
const HOUR_US = 3_600_000_000;
/** Offsets of zones before this are read differently (local mean times in seconds): streamed. */
const ZONES_FROM = `TIMESTAMP '1972-01-01'`;

/**
 * A number for the time bucket of a (local) date or timestamp, which orders as the buckets do:
 * integer arithmetic costs a fraction of `date_trunc`. Weeks start on Monday.
 */
function bucketKey(r: string, kind: ColumnKind, unit: TimeBucket): string {
  switch (unit) {
    case 'hour':
      return kind === 'date'
        ? `((${r} - ${EPOCH}) * 24)`
        : `((epoch_us(${r}) - epoch_us(${EPOCH}::TIMESTAMP)) // ${HOUR_US})`;
    case 'day':
      return `CAST(${r} AS DATE)`;
    case 'week':
      return `((CAST(${r} AS DATE) - ${EPOCH}) // 7)`;
    case 'month':
      return `(year(${r}) * 12 + month(${r}) - 1)`;
    case 'quarter':
      return `(year(${r}) * 4 + (month(${r}) - 1) // 3)`;
    case 'year':
      return `year(${r})`;
  }
}

/** The first day (or UTC hour) of the bucket `bucketKey` numbered. */
function bucketStart(k: string, unit: TimeBucket): string {
  switch (unit) {
    case 'hour':
      return `(${EPOCH}::TIMESTAMP + to_hours(${k}))`;
    case 'day':
      return k;
    case 'week':
      return `(${EPOCH} + CAST(${k} * 7 AS INTEGER))`;
    case 'month':
      return `make_date(CAST(${k} // 12 AS INTEGER), CAST(${k} % 12 + 1 AS INTEGER), 1)`;
    case 'quarter':
      return `make_date(CAST(${k} // 4 AS INTEGER), CAST(${k} % 4 * 3 + 1 AS INTEGER), 1)`;
    case 'year':
      return `make_date(CAST(${k} AS INTEGER), 1, 1)`;
  }
}

/** A zone name as a SQL literal (names are checked against the engine's zones first). */
const zoneLiteral = (zone: string) => `'${zone.replaceAll("'", "''")}'`;

/**
 * The key of a bucket in a time zone, for a timestamp in UTC: days and longer are numbered on the
 * local calendar (ICU's). An hour is labelled by its local start and the offset at its first
 * instant (a local hour that comes twice in autumn is two buckets), as in the engine: the key is
 * the minute of the label's instant times 4096 plus a rank of the offset, so keys sort as the
 * engine sorts labels, by their instants. Instants before 1972 fail the statement (the query is streamed): zones' offsets
 * then were not whole minutes everywhere.
 */
function zonedKey(r: string, unit: TimeBucket, zone: string): string {
  const z = zoneLiteral(zone);
  const local = `epoch_us(timezone(${z}, timezone('UTC', ${r})))`;
  const since = `(${local} - epoch_us(${EPOCH}::TIMESTAMP))`;
  let key: string;
  if (unit === 'hour') {
    const first = `(epoch_us(${r}) - ${since} % ${HOUR_US})`;
    const minutes = `((epoch_us(timezone(${z}, make_timestamptz(${first}))) - ${first}) // 60000000)`;
    // The label's instant in minutes, then the offset's rank: labels sort by their instants.
    const instant = `(${since} // ${HOUR_US} * 60 - ${minutes})`;
    key = `(${instant} * 4096 + (CASE WHEN ${minutes} >= 0 THEN ${minutes} ELSE 2048 - ${minutes} END))`;
  } else key = bucketKey(`timezone(${z}, timezone('UTC', ${r}))`, 'timestamp', unit);
  const type = unit === 'day' ? 'DATE' : 'BIGINT';
  const early = `'chartpress: time buckets in a zone before 1972 are computed by streaming'`;
  // The failing text depends on the row, so it is not evaluated (and does not fail) when planned.
  return `(CASE WHEN ${r} < ${ZONES_FROM} THEN CAST(CASE WHEN ${r} IS NULL THEN NULL ELSE ${early} END AS ${type}) ELSE ${key} END)`;
}

/** An hour bucket in a zone as the engine labels it: local start, then the offset (`+05:30`). */
function zonedHour(k: string): string {
  const rank = `(${k} % 4096)`;
  const minutes = `(CASE WHEN ${rank} >= 2048 THEN ${rank} - 2048 ELSE ${rank} END)`;
  const pad = (n: string) => `lpad(CAST(${n} AS VARCHAR), 2, '0')`;
  const negative = `${rank} >= 2048`;
  const offset = `(CASE WHEN ${negative} THEN '-' ELSE '+' END || ${pad(`${minutes} // 60`)} || ':' || ${pad(`${minutes} % 60`)})`;
  const local = `(${k} // 4096 + CASE WHEN ${negative} THEN -${minutes} ELSE ${minutes} END)`;
  return `(strftime(${EPOCH}::TIMESTAMP + to_minutes(${local}), '%Y-%m-%dT%H:00:00') || ${offset})`;
}

/** Decimals that bin edges are rounded to, as in binner(): those of step and offset, at most 15. */
function binDigits(step: number, offset: number): number {
  const decimals = (n: number) => {
    const [mantissa = '', exponent] = String(n).split('e');
    return Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - Number(exponent ?? 0));
  };
  return Math.min(15, Math.max(decimals(step), decimals(offset)));
}

/**
 * DuckDB fragments. Columns have one type each, so each expression is chosen by the column's
 * kind, as for PostgreSQL; where the result could differ from the streaming engine (parsing
 * numbers out of text, printing numbers as text, reading dates out of text) the compiler is told
 * to fall back. `median` and `p90` are `quantile_cont`, which interpolates between the closest
 * ranks exactly as the engine does.
 */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  param: (n, v, int) => `$${n}::${int ? 'BIGINT' : typeof v === 'number' ? 'DOUBLE' : 'VARCHAR'}`,
  value: duckdbValue,
  isNull: (r) => `(${r} IS NULL)`,
  num: (r, kind) => {
    if (kind === NUMBER) return r;
    if (kind === 'bool' || isDate(kind)) return 'NULL::DOUBLE';
    return unsupported(r, kind, 'a numeric comparison');
  },
  str: (r, kind) => {
    if (isString(kind)) return duckdbValue(r, kind);
    if (kind === 'bool') return `(CASE ${r} WHEN true THEN 'true' WHEN false THEN 'false' END)`;
    return unsupported(r, kind, 'a text comparison');
  },
  contains: (r, kind, p) => (isString(kind) ? `(strpos(${duckdbValue(r, kind)}, ${p()}) > 0)` : 'FALSE'),
  finite: (r, kind) => (kind === NUMBER ? `(CASE WHEN isfinite(${r}) THEN ${r} END)` : 'NULL::DOUBLE'),
  extreme: (r, kind, fn, filter = '') => {
    if (kind === NUMBER || isString(kind)) return `${fn}(${duckdbValue(r, kind)})${filter}`;
    return 'NULL::DOUBLE';
  },
  // Rows are grouped by a number for the bucket, and only the groups are printed.
  bucket: (r, kind, unit, zone) => {
    if (kind === NUMBER || kind === 'bool') return unit === 'day' ? 'NULL::DATE' : 'NULL::BIGINT';
    if (!isDate(kind)) return unsupported(r, kind, 'a time bucket');
    // A date alone stays on its day in every zone; its hours would need the zone's midnight.
    if (zone !== undefined && kind === 'date' && unit === 'hour')
      throw new NotPushable(`hour buckets of dates in time zone "${zone}"`);
    const key = zone !== undefined && kind !== 'date' ? zonedKey(r, unit, zone) : bucketKey(r, kind, unit);
    return `(CASE WHEN ${r} >= ${LOW} AND ${r} < ${HIGH} THEN ${key} END)`;
  },
  bucketFormat: (key, unit, zone) => {
    if (unit === 'hour' && zone !== undefined) return zonedHour(key);
    const format = unit === 'hour' ? `'%Y-%m-%dT%H:00:00Z'` : `'%Y-%m-%d'`;
    return `strftime(${bucketStart(key, unit)}, ${format})`;
  },
  zones: true,
  isText: (r, kind) => (kind === NUMBER || kind === 'bool' ? 'FALSE' : `(${r} IS NOT NULL)`),
  isDateMiss: (r, kind) => {
    if (kind === NUMBER || kind === 'bool') return `(${r} IS NOT NULL)`;
    // Text would need the engine's date reader: such queries are streamed.
    if (!isDate(kind)) return unsupported(r, kind, 'a date check');
    return `(${r} IS NOT NULL AND NOT (${r} >= ${LOW} AND ${r} < ${HIGH}))`;
  },
  bin: (r, kind, step, offset, bind) => {
    if (kind !== NUMBER) return 'NULL::DOUBLE';
    const [s, o, scale] = [bind(step), bind(offset), bind(10 ** binDigits(step, offset))];
    const q = `((${r} - ${o}) / ${s})`;
    // As binner(): a quotient within 1e-9 of an integer is that integer; edges are rounded to
    // the decimals of step and offset. Both roundings only meet near-integers, where DuckDB's
    // round() (half away from zero) agrees with Math.round.
    const k = `(CASE WHEN abs(${q} - round(${q})) < 1e-9 THEN round(${q}) ELSE floor(${q}) END)`;
    return `(CASE WHEN isfinite(${r}) THEN round((${o} + ${k} * ${s}) * ${scale}) / ${scale} END)`;
  },
  sum: (x, filter = '') => `coalesce(sum(${x})${filter}, 0::DOUBLE)`,
  // As JavaScript divides: a sum over a count, never a running mean.
  avg: (x, _kind, filter = '') => `(sum(${x})${filter} / nullif(count(${x})${filter}, 0))`,
  quantile: (x, p, filter = '') => `quantile_cont(${x}, ${p})${filter}`,
  // The cell is printed once per group, after picking.
  pick: (r, kind, rn, last, and) =>
    duckdbValue(`${last ? 'arg_max' : 'arg_min'}(${r}, ${rn}) FILTER (WHERE ${r} IS NOT NULL${and})`, kind),
};
