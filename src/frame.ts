import { isoTimeText } from './time-text.js';

/** A value in a row or a frame column. Dates are ISO 8601 strings. */
export type Value = string | number | boolean | null;

/** Decimal number syntax: "12", "-3.5", "1e3", ".5" (surrounding spaces allowed; no hex, no "Infinity"). */
const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The number a numeric string stands for, or undefined. */
export function parseNumber(s: string): number | undefined {
  if (!NUMERIC.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** The number a value stands for: numbers as they are, numeric strings parsed; else undefined. */
export function maybeNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? parseNumber(v) : undefined;
}

/** A row as read from a source: column name -> value. */
export type Row = Record<string, Value>;

/**
 * A column of ISO timestamp texts of one shape held as numbers (see `time-text.ts`): each
 * row's number, NaN for null. Its cells are those texts, made when first asked for: all at
 * once (`values`) or one by one (`cell`). A CSV file's timestamps reach the queries' results
 * so, and downsampling reads the numbers: a long series makes texts only for the points kept.
 */
export class TimeColumn {
  /** Per row: the number of its text, NaN for an empty cell (null). */
  readonly ms: Float64Array;
  /** The texts' shape (`SHAPE_*` bits of `time-text.ts`). */
  readonly shape: number;
  #values: Value[] | undefined;

  constructor(ms: Float64Array, shape: number) {
    this.ms = ms;
    this.shape = shape;
  }

  get length(): number {
    return this.ms.length;
  }

  /** The cells, made on first ask. */
  get values(): readonly Value[] {
    if (this.#values === undefined) {
      const { ms, shape } = this;
      const values = new Array<Value>(ms.length);
      for (let i = 0; i < ms.length; i++) {
        const t = ms[i]!;
        values[i] = !Number.isNaN(t) ? isoTimeText(t, shape) : null;
      }
      this.#values = values;
    }
    return this.#values;
  }

  /** Whether the texts have been made (`values` asked for). */
  get made(): boolean {
    return this.#values !== undefined;
  }

  /** The cell of a row. */
  cell(i: number): Value {
    if (this.#values !== undefined) return this.#values[i] ?? null;
    const t = this.ms[i];
    return t !== undefined && !Number.isNaN(t) ? isoTimeText(t, this.shape) : null;
  }
}

/**
 * One column of a frame, in row order: numbers in a `Float64Array` (NaN stands for null), which
 * a worker can take without a copy; timestamps as numbers in a `TimeColumn`, until a query's
 * result is drawn; anything else in an array. Read cells with `cell()`.
 */
export type Column = readonly Value[] | Float64Array | TimeColumn;

/** A column as a renderer gets it: no `TimeColumn` (see `plainFrame`). */
export type PlainColumn = readonly Value[] | Float64Array;

/** The value of a column at a row: NaN in a numeric column reads as null. */
export function cell(col: Column | undefined, i: number): Value {
  if (col instanceof TimeColumn) return col.cell(i);
  const v = col?.[i];
  if (v === undefined) return null;
  return typeof v === 'number' && Number.isNaN(v) ? null : v;
}

/** Every cell of a column as a plain array (NaN in a numeric column becomes null). */
export function columnValues(col: Column | undefined, length = col?.length ?? 0): Value[] {
  if (col instanceof TimeColumn && length === col.length) return [...col.values];
  const out = new Array<Value>(length);
  for (let i = 0; i < length; i++) out[i] = cell(col, i);
  return out;
}

/**
 * Stores values as a column: a `Float64Array` when there is at least one number and every
 * non-null value is a number (nulls become NaN); otherwise the array itself. Columns with no
 * number at all (all null, or empty) stay arrays, since nothing says they are numeric.
 */
export function toColumn(values: readonly Value[]): Column {
  let numbers = 0;
  for (const v of values) {
    if (typeof v === 'number') numbers++;
    else if (v !== null) return values;
  }
  if (numbers === 0) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' ? v : Number.NaN;
  }
  return out;
}

/**
 * The result of a query: named columns of equal length. Charts and tables read frames only
 * through their columns (with `cell()`), whatever the storage.
 */
export interface Frame {
  readonly fields: readonly string[];
  readonly columns: Readonly<Record<string, Column>>;
  readonly length: number;
}

/** A frame of rows; numeric columns are stored as `Float64Array`s (see `toColumn`). */
export function frameFromRows(rows: readonly Row[], fields?: readonly string[]): Frame {
  const names = fields ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns: Record<string, Column> = Object.create(null);
  for (const name of names) columns[name] = toColumn(rows.map((r) => r[name] ?? null));
  return { fields: names, columns, length: rows.length };
}

export function frameToRows(frame: Frame): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < frame.length; i++) {
    const row: Row = {};
    for (const name of frame.fields) row[name] = cell(frame.columns[name], i);
    rows.push(row);
  }
  return rows;
}

/** The column called `name`, or undefined when the frame has none. */
export function column(frame: Frame, name: string | undefined): Column | undefined {
  return name === undefined ? undefined : frame.columns[name];
}

/**
 * The frame with each `TimeColumn` made an array of its texts, the others shared: what keys and
 * renderers read. The frame itself when it has none.
 */
export function plainFrame(frame: Frame): Frame {
  const { columns } = frame;
  if (!frame.fields.some((name) => columns[name] instanceof TimeColumn)) return frame;
  const plain: Record<string, Column> = Object.create(null);
  for (const name of frame.fields) {
    const col = columns[name];
    if (col !== undefined) plain[name] = col instanceof TimeColumn ? col.values : col;
  }
  return { fields: frame.fields, columns: plain, length: frame.length };
}

export const emptyFrame: Frame = Object.freeze({ fields: [], columns: {}, length: 0 });
