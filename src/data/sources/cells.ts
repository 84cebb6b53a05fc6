import type { z } from 'zod';
import type { Row, Value } from '../../frame.js';
import type { ColumnSpec, ColumnType as ColumnTypeSchema } from '../../spec/schema.js';
import { parseIsoDate } from '../bucket.js';
import { parseNumber } from '../compare.js';
import { compileDateFormat } from '../date-format.js';
import type { InvalidCells } from '../invalid.js';

/**
 * Cell values of every source: inference for text (the one date rule of every source), and the
 * declared column types (`columns:` of a dataset) that all sources share.
 */

/** A declared column type: string, number, date or boolean. */
export type ColumnType = z.infer<typeof ColumnTypeSchema>;

/** A declared column: its type alone, or `{ type, format }`. */
export type DeclaredColumn = ColumnType | z.infer<typeof ColumnSpec>;

/** Declared columns by column name. */
export type DeclaredColumns = Readonly<Record<string, DeclaredColumn>>;

/** Turns one cell into a value of a type. */
export type CellReader = (cell: Value) => Value;

/** The type and date format of a declared column, written either way. */
export function columnSpec(d: DeclaredColumn): { type: ColumnType; format?: string | undefined } {
  return typeof d === 'string' ? { type: d } : d;
}

/**
 * Text in a column without a declared type, in every source (CSV cells, JSON and NDJSON strings,
 * inline rows): a slash date (`2024/03/05`, `2024/03/05 14:00:00`) that is a real date becomes
 * ISO; anything else, ISO dates included, stays as written. Queries read ISO dates where they
 * need dates (time buckets, date filters) and count the text that is not one.
 */
export function inferText(text: string): string {
  if (text.length < 8 || text.charCodeAt(4) !== 47 /* / */) return text;
  return slashDate(text) ?? text;
}

/**
 * A CSV cell without a declared type: an empty cell is null, a decimal number ("12", "-3.5",
 * "1e3") is a number, other text follows `inferText` (slash dates become ISO). Integers with a
 * leading zero ("007", "02134") stay strings: they are codes (zip codes, ids), and a number
 * would lose the zero.
 */
export function inferCell(cell: string): Value {
  if (cell === '') return null;
  const c = cell.charCodeAt(0);
  // Only cells starting like a number (digit, sign, dot or space) can be numbers or dates.
  if (c > 57 || (c < 48 && c !== 43 && c !== 45 && c !== 46 && c !== 32)) return cell;
  const n = parseNumber(cell);
  if (n !== undefined) return /^\s*[+-]?0\d/.test(cell) ? cell : n;
  return inferText(cell);
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
 * The reader of a declared column. Date columns read text with their `format` (see
 * `compileDateFormat`) or, without one, as `normalizeDate` does; a non-empty value that does not
 * read as a date becomes null and is counted in `invalid` (when given). Other types read as
 * `cellReaders` do.
 */
export function declaredReader(name: string, declared: DeclaredColumn, invalid?: InvalidCells): CellReader {
  const { type, format } = columnSpec(declared);
  if (type !== 'date') return cellReaders[type];
  const parse = format === undefined ? normalizeDate : compileDateFormat(format);
  const misses = invalid?.column(name, format);
  return (v) => {
    if (v === null || v === '') return null;
    const date = typeof v === 'string' ? parse(v) : null;
    // Blank text is a missing value, not a wrong one.
    if (date === null && misses !== undefined && (typeof v !== 'string' || v.trim() !== '')) misses.add(v);
    return date;
  };
}

/** Readers of the declared columns, by name (a map with no prototype). */
export function declaredReaders(
  declared: DeclaredColumns | undefined,
  invalid?: InvalidCells,
): Readonly<Record<string, CellReader>> | undefined {
  if (declared === undefined) return undefined;
  const readers: Record<string, CellReader> = Object.create(null);
  for (const name of Object.keys(declared)) readers[name] = declaredReader(name, declared[name]!, invalid);
  return readers;
}

/**
 * A JSON value as a cell: strings follow `inferText` (slash dates become ISO), numbers, booleans
 * and null stay as they are; objects and arrays become their JSON text (`{"a":1}`), since a cell
 * holds one plain value.
 */
export function jsonCell(v: unknown): Value {
  if (typeof v === 'string') return inferText(v);
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  return v === undefined ? null : JSON.stringify(v);
}

// Rows of JSON sources inherit from an empty object with no prototype, so a column missing
// from a row reads undefined, never `Object.prototype`'s `constructor` or `toString`.
const ROW_BASE: object = Object.create(null);

/**
 * The conversion of parsed JSON objects to rows: each value through its declared column's reader
 * or, without one, `jsonCell`. It gives undefined for a value that is not an object (an array,
 * a number...).
 */
export function jsonRowReader(
  declared: DeclaredColumns | undefined,
  invalid?: InvalidCells,
): (value: unknown) => Row | undefined {
  const readers = declaredReaders(declared, invalid);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const row: Row = Object.create(ROW_BASE);
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const read = readers?.[key];
      row[key] = read === undefined ? jsonCell(obj[key]) : read(jsonCellRaw(obj[key]));
    }
    return row;
  };
}

/** A JSON value as a cell for a declared reader: text as written (the reader reads it). */
function jsonCellRaw(v: unknown): Value {
  return typeof v === 'string' ? v : jsonCell(v);
}

/** One parsed JSON object as a row (see `jsonRowReader`). */
export function jsonRow(value: unknown, declared: DeclaredColumns | undefined): Row | undefined {
  return jsonRowReader(declared)(value);
}
