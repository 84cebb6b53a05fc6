import type { z } from 'zod';
import type { ColumnType as ColumnTypeSchema } from '../../spec/schema.js';
import { parseNumber } from '../compare.js';
import type { Value } from '../frame.js';

/** A declared column type: string, number, date or boolean. */
export type ColumnType = z.infer<typeof ColumnTypeSchema>;

/** Turns one CSV cell (a string) into a value. */
export type CellReader = (cell: string) => Value;

/**
 * Without a declared type: an empty cell is null, a decimal number ("12", "-3.5", "1e3") is a
 * number, anything else stays a string (ISO dates included). Integers with a leading zero
 * ("007", "02134") stay strings: they are codes (zip codes, ids), and a number would lose the zero.
 */
export const inferCell: CellReader = (cell) => {
  if (cell === '') return null;
  const n = parseNumber(cell);
  if (n === undefined || /^\s*[+-]?0\d/.test(cell)) return cell;
  return n;
};

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/**
 * Readers for declared column types. An empty cell is null for every type; a cell that is not
 * of the declared type (a word in a number column) is null too.
 */
export const cellReaders: Readonly<Record<ColumnType, CellReader>> = {
  string: (cell) => (cell === '' ? null : cell),
  number: (cell) => parseNumber(cell) ?? null,
  // Dates stay ISO strings; parsing happens where they are bucketed or compared.
  date: (cell) => (cell.trim() === '' ? null : cell.trim()),
  boolean: (cell) => {
    const s = cell.trim().toLowerCase();
    return TRUE.has(s) ? true : FALSE.has(s) ? false : null;
  },
};
