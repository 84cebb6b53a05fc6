import type { Value } from '../../frame.js';
import type { TimeBucket } from '../../spec/schema.js';
import { binner } from '../bin.js';
import { bucketValue, parseIsoDate } from '../bucket.js';
import { maybeNumber } from '../compare.js';
import type { Dialect } from './dialect.js';
import type { SqliteDatabase } from './sqlite-db.js';

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
 */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  param: () => '?',
  value: (r) => `(CASE WHEN +${r} < x'' THEN ${r} END)`,
  isNull: (r) => `(${r} IS NULL OR +${r} >= x'')`,
  num: (r) => `(CASE WHEN ${isNumber(r)} THEN ${r} WHEN ${isText(r)} THEN cp_number(${r}) END)`,
  str: (r) => `(CASE WHEN ${isText(r)} THEN ${r} WHEN ${isNumber(r)} THEN cp_string(${r}) END)`,
  contains: (r, _k, p) => `(${isText(r)} AND instr(${r}, ${p()}) > 0)`,
  finite: (r) => `(CASE WHEN ${isFiniteNumber(r)} THEN ${r} END)`,
  extreme: (r, _k, fn) =>
    `coalesce(${fn}(CASE WHEN ${isNumber(r)} THEN ${r} END), ${fn}(CASE WHEN ${isText(r)} THEN ${r} END))`,
  bucket: (r, _k, unit) => `cp_bucket(${r}, '${unit}')`,
  isText: (r) => isText(r),
  isDateMiss: (r) => `cp_date_miss(${r})`,
  bin: (r, _k, step, offset, bind) => `cp_bin(${r}, ${bind(step)}, ${bind(offset)})`,
  // total() is 0.0 for no rows, where sum() is NULL.
  sum: (x) => `total(${x})`,
  avg: (x) => `avg(${x})`,
};

// Bucketing is memoized like the streaming engine's: many rows share a date.
const BUCKET_CACHE_LIMIT = 65_536;

/**
 * Adds the functions the SQLite fragments call: `cp_number` (a numeric string's number, as the
 * engine parses it), `cp_string` (a number printed as JavaScript prints it), `cp_bucket` (a UTC
 * time bucket), `cp_date_miss` (a cell that is not an ISO date) and `cp_bin` (a numeric bin), each the engine's own code. Deterministic, so
 * SQLite may reuse results.
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
