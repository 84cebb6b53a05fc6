import { ChartpressError, problem } from '../../errors.js';
import type { Value } from '../../frame.js';
import { compileDateFormat } from '../date-format.js';
import type { InvalidCells } from '../invalid.js';
import {
  type ColumnType,
  cellReaders,
  columnSpec,
  type DeclaredColumns,
  normalizeDate,
} from '../sources/cells.js';
import type { SqlWhere } from './dialect.js';

/** Turns a database value into a value of a declared type. */
export type ValueReader = (v: Value) => Value;

/**
 * Readers for the declared column types of a SQL dataset, by column position (undefined where
 * nothing is declared). A value already of the declared type is kept; any other is read from its
 * text like a CSV cell (so a numeric string becomes a number and 1/0 a boolean), or null when it
 * is not of the type. Date columns read text with their declared format; a value the database
 * gives as an ISO date (a date or timestamp column) is kept. Values of a date column that are
 * not dates are counted in `invalid` (when given). A declared column the data lacks is
 * `CP_ERR_UNKNOWN_COLUMN` at `<dataset>.columns.<name>`.
 */
export function declaredReaders(
  names: readonly string[],
  declared: DeclaredColumns | undefined,
  where: SqlWhere,
  invalid?: InvalidCells,
): (ValueReader | undefined)[] {
  if (declared === undefined) return names.map(() => undefined);
  const missing = Object.keys(declared).filter((name) => !names.includes(name));
  if (missing.length > 0) {
    const list = names.length === 0 ? '(none)' : names.join(', ');
    throw new ChartpressError(
      missing.map((name) =>
        problem('CP_ERR_UNKNOWN_COLUMN', `declared column "${name}" not found; columns: ${list}`, {
          file: where.file,
          path: `${where.path}.columns.${name}`,
        }),
      ),
    );
  }
  return names.map((name) => {
    const column = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (column === undefined) return undefined;
    const { type, format } = columnSpec(column);
    return type === 'date' ? dateReader(name, format, invalid) : valueReader(type);
  });
}

function dateReader(
  name: string,
  format: string | undefined,
  invalid: InvalidCells | undefined,
): ValueReader {
  const parse = format === undefined ? normalizeDate : compileDateFormat(format);
  const misses = invalid?.column(name, format);
  return (v) => {
    if (v === null || v === '') return null;
    const text = String(v);
    const date = parse(text) ?? (format === undefined ? null : normalizeDate(text));
    if (date === null && text.trim() !== '') misses?.add(v);
    return date;
  };
}

function valueReader(type: ColumnType): ValueReader {
  const fromText = cellReaders[type];
  const keep = type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string';
  return (v) => {
    if (v === null) return null;
    if (typeof v === keep && type !== 'string' && type !== 'date') return v;
    return fromText(String(v));
  };
}
