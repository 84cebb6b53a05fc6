import type { Value } from '../../frame.js';
import type { TimeBucket } from '../../spec/schema.js';
import { binner } from '../bin.js';
import { bucketValue, parseIsoDate } from '../bucket.js';
import { maybeNumber } from '../compare.js';
import {
  type DatePart,
  datePart,
  extreme,
  finite,
  fromNumber,
  lower,
  toNumber,
  upper,
} from '../expr/values.js';
import { UTC, zoneNamed } from '../zone.js';
import type { Dialect } from './dialect.js';
import { type SqliteDatabase, sqliteValue } from './sqlite-db.js';

// SQLite orders every number before every text and every text before every BLOB, so storage
// classes are told apart by comparisons, which cost less than typeof(). The unary + drops the
// column's affinity, so a comparison never converts the cell.
const MAX = '1.7976931348623157e308';
const isNumber = (r: string) => `+${r} <= 9e999`;
const isFiniteNumber = (r: string) => `+${r} BETWEEN -${MAX} AND ${MAX}`;
const isText = (r: string) => `(+${r} > 9e999 AND +${r} < x'')`;

/**
 * SQLite fragments. Cells carry their own storage class: integers and reals are the source's
 * numbers, text its strings, NULL and BLOB its nulls. Where SQLite has no exact equivalent of
 * the streaming engine (parsing a numeric string, printing a number, reading an ISO date,
 * binning), the expression calls the engine's own code through the functions that
 * `registerFunctions` adds to the connection, so results match by construction.
 *
 * A calculated field that is a condition is of kind `bool`: 1, 0 or NULL standing for true,
 * false and null (SQLite has no booleans), which are read back as booleans.
 *
 * Placeholders are named (`@p1`), so a fragment may hold one several times.
 */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  param: (n) => `@p${n}`,
  value: (r, k) => (k === 'bool' ? r : `(CASE WHEN +${r} < x'' THEN ${r} END)`),
  isNull: (r) => `(${r} IS NULL OR +${r} >= x'')`,
  num: (r, k) =>
    k === 'bool' ? 'NULL' : `(CASE WHEN ${isNumber(r)} THEN ${r} WHEN ${isText(r)} THEN cp_number(${r}) END)`,
  str: (r, k) =>
    k === 'bool'
      ? `(CASE ${r} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)`
      : `(CASE WHEN ${isText(r)} THEN ${r} WHEN ${isNumber(r)} THEN cp_string(${r}) END)`,
  contains: (r, _k, p) => `(${isText(r)} AND instr(${r}, ${p()}) > 0)`,
  finite: (r, k) => (k === 'bool' ? 'NULL' : `(CASE WHEN ${isFiniteNumber(r)} THEN ${r} END)`),
  extreme: (r, k, fn, filter = '') =>
    k === 'bool'
      ? 'NULL'
      : `coalesce(${fn}(CASE WHEN ${isNumber(r)} THEN ${r} END)${filter}, ${fn}(CASE WHEN ${isText(r)} THEN ${r} END)${filter})`,
  bucket: (r, _k, unit) => `cp_bucket(${r}, '${unit}')`,
  isText: (r) => isText(r),
  isDateMiss: (r) => `cp_date_miss(${r})`,
  bin: (r, k, step, offset, bind) => (k === 'bool' ? 'NULL' : `cp_bin(${r}, ${bind(step)}, ${bind(offset)})`),
  // total() is 0.0 for no rows, where sum() is NULL.
  sum: (x, filter = '') => `total(${x})${filter}`,
  avg: (x, _k, filter = '') => `avg(${x})${filter}`,
};

// Bucketing is memoized like the streaming engine's: many rows share a date.
const BUCKET_CACHE_LIMIT = 65_536;

/**
 * Adds the functions the SQLite fragments call: `cp_number` (a numeric string's number, as the
 * engine parses it), `cp_string` (a number printed as JavaScript prints it), `cp_bucket` (a UTC
 * time bucket), `cp_date_miss` (a cell that is not an ISO date) and `cp_bin` (a numeric bin),
 * and for `calculate` expressions `cp_log`, `cp_upper`, `cp_lower`, `cp_min`, `cp_max` and
 * `cp_datepart` (see `expr/values.ts`), each the engine's own code. Deterministic, so SQLite
 * may reuse results.
 */
export function registerFunctions(db: SqliteDatabase): void {
  const opts = { deterministic: true, varargs: false };
  db.function('cp_number', opts, (v: unknown) => (typeof v === 'string' ? (maybeNumber(v) ?? null) : null));
  db.function('cp_string', opts, (v: unknown) => (typeof v === 'number' ? String(v) : null));
  const caches = new Map<string, Map<string, string | null>>();
  db.function('cp_bucket', opts, (v: unknown, unit: unknown) => {
    if (typeof v !== 'string') return null;
    let cache = caches.get(unit as string);
    if (cache === undefined) {
      cache = new Map();
      caches.set(unit as string, cache);
    }
    let b = cache.get(v);
    if (b === undefined) {
      if (cache.size >= BUCKET_CACHE_LIMIT) cache.clear();
      b = bucketValue(v as Value, unit as TimeBucket);
      cache.set(v, b);
    }
    return b;
  });
  // As the streaming engine counts: numbers and text that is neither blank nor an ISO date.
  db.function('cp_date_miss', opts, (v: unknown) => {
    if (typeof v === 'number' || typeof v === 'bigint') return 1;
    return typeof v === 'string' && v.trim() !== '' && parseIsoDate(v) === null ? 1 : 0;
  });
  db.function('cp_log', opts, (v: unknown) => fromNumber(finite(Math.log(toNumber(sqliteValue(v))))));
  db.function('cp_upper', opts, (v: unknown) => upper(sqliteValue(v)));
  db.function('cp_lower', opts, (v: unknown) => lower(sqliteValue(v)));
  const many = { deterministic: true, varargs: true };
  db.function('cp_min', many, (...vs: unknown[]) => extreme(vs.map(sqliteValue), -1));
  db.function('cp_max', many, (...vs: unknown[]) => extreme(vs.map(sqliteValue), 1));
  db.function('cp_datepart', opts, (v: unknown, part: unknown, zone: unknown) =>
    fromNumber(datePart(sqliteValue(v), part as DatePart, zoneNamed(String(zone)) ?? UTC)),
  );
  const binners = new Map<string, (v: Value) => number | null>();
  db.function('cp_bin', opts, (v: unknown, step: unknown, offset: unknown) => {
    const key = `${step}/${offset}`;
    let bin = binners.get(key);
    if (bin === undefined) {
      bin = binner({ step: step as number, offset: offset as number });
      binners.set(key, bin);
    }
    return bin(typeof v === 'number' ? v : null);
  });
}
