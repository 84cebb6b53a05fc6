import type { z } from 'zod';
import type { ColumnType as ColumnTypeSchema } from '../../spec/schema.js';
import { parseIsoDate } from '../bucket.js';
import { parseNumber } from '../compare.js';
import type { Row, Value } from '../frame.js';

/**
 * Cell values of every file source: inference for CSV text, and the declared column types
 * (`columns:` of a dataset) that CSV, NDJSON and JSON share.
 */

/** A declared column type: string, number, date or boolean. */
export type ColumnType = z.infer<typeof ColumnTypeSchema>;

/** Declared column types by column name. */
export type DeclaredColumns = Readonly<Record<string, ColumnType>>;

/** Turns one cell into a value of a type. */
export type CellReader = (cell: Value) => Value;

/**
 * A CSV cell without a declared type: an empty cell is null, a decimal number ("12", "-3.5",
 * "1e3") is a number, a slash date (`2024/03/05`, `2024/03/05 14:00:00`) becomes ISO, anything
 * else stays a string (ISO dates included). Integers with a leading zero ("007", "02134") stay
 * strings: they are codes (zip codes, ids), and a number would lose the zero.
 */
export function inferCell(cell: string): Value {
  if (cell === '') return null;
  const c = cell.charCodeAt(0);
  // Only cells starting like a number (digit, sign, dot or space) can be numbers or dates.
  if (c > 57 || (c < 48 && c !== 43 && c !== 45 && c !== 46 && c !== 32)) return cell;
  const n = parseNumber(cell);
  if (n !== undefined) return /^\s*[+-]?0\d/.test(cell) ? cell : n;
  if (cell.length >= 8 && cell.charCodeAt(4) === 47 /* / */) return slashDate(cell) ?? cell;
  return cell;
}

// YYYY/MM/DD[( |T)hh:mm[:ss[.fff]]]
const SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/;

/** `2024/03/05 14:00:00` -> `2024-03-05T14:00:00Z`, `2024/3/5` -> `2024-03-05`; null when not a real date. */
function slashDate(s: string): string | null {
  const m = SLASH.exec(s.trim());
  if (!m) return null;
  const [, y, mo = '', d = '', h, mi, sec = '00', frac = ''] = m;
  const date = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const iso = h === undefined ? date : `${date}T${h.padStart(2, '0')}:${mi}:${sec}${frac}Z`;
  return parseIsoDate(iso) === null ? null : iso;
}

const HAS_TIME = /[T ]\d{2}:\d{2}/;
const HAS_ZONE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * A date as ISO 8601: ISO dates and date-times (a space before the time becomes `T`, a time
 * without an offset gets `Z`: it is UTC) and slash dates `YYYY/MM/DD[ hh:mm[:ss]]`. Null when
 * the text is not a real date.
 */
export function normalizeDate(text: string): string | null {
  const s = text.trim();
  if (s === '') return null;
  if (s.charCodeAt(4) === 47) return slashDate(s);
  if (parseIsoDate(s) === null) return null;
  if (!HAS_TIME.test(s)) return s;
  const t = s.replace(' ', 'T');
  return HAS_ZONE.test(t) ? t : `${t}Z`;
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/**
 * Readers for declared column types, for text (CSV) and JSON values alike. An empty text is
 * null for every type, and so is a value that is not of the declared type (a word in a number
 * column, an impossible date). Numbers and booleans read as text in a string column;
 * 1 and 0 read as true and false in a boolean column. Dates become ISO (see `normalizeDate`).
 */
export const cellReaders: Readonly<Record<ColumnType, CellReader>> = {
  string: (v) => (v === '' || v === null ? null : String(v)),
  number: (v) => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    return typeof v === 'string' ? (parseNumber(v) ?? null) : null;
  },
  date: (v) => (typeof v === 'string' ? normalizeDate(v) : null),
  boolean: (v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
    if (typeof v !== 'string') return null;
    const s = v.trim().toLowerCase();
    return TRUE.has(s) ? true : FALSE.has(s) ? false : null;
  },
};

/**
 * A JSON value as a cell: strings, numbers, booleans and null as they are; objects and arrays
 * become their JSON text (`{"a":1}`), since a cell holds one plain value.
 */
export function jsonCell(v: unknown): Value {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return v === undefined ? null : JSON.stringify(v);
}

// Rows of JSON sources inherit from an empty object with no prototype, so a column missing
// from a row reads undefined, never `Object.prototype`'s `constructor` or `toString`.
const ROW_BASE: object = Object.create(null);

/**
 * A parsed JSON object as a row: each value through `jsonCell`, then its declared type's
 * reader when it has one. Undefined when the value is not an object (an array, a number...).
 */
export function jsonRow(value: unknown, declared: DeclaredColumns | undefined): Row | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const row: Row = Object.create(ROW_BASE);
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = jsonCell(obj[key]);
    const type = declared !== undefined && Object.hasOwn(declared, key) ? declared[key] : undefined;
    row[key] = type === undefined ? v : cellReaders[type](v);
  }
  return row;
}
