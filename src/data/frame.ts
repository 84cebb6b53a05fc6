/** A value in a row or a frame column. Dates are ISO 8601 strings. */
export type Value = string | number | boolean | null;

/** A row as read from a source: column name -> value. */
export type Row = Record<string, Value>;

/** One column of a frame, in row order. */
export type Column = readonly Value[];

/**
 * The result of a query: named columns of equal length. Charts and tables read frames only
 * through their columns, so the storage can change (typed arrays) without touching them.
 */
export interface Frame {
  readonly fields: readonly string[];
  readonly columns: Readonly<Record<string, Column>>;
  readonly length: number;
}

export function frameFromRows(rows: readonly Row[], fields?: readonly string[]): Frame {
  const names = fields ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns: Record<string, Value[]> = {};
  for (const name of names) columns[name] = rows.map((r) => r[name] ?? null);
  return { fields: names, columns, length: rows.length };
}

export function frameToRows(frame: Frame): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < frame.length; i++) {
    const row: Row = {};
    for (const name of frame.fields) row[name] = frame.columns[name]?.[i] ?? null;
    rows.push(row);
  }
  return rows;
}

/** The column called `name`, or undefined when the frame has none. */
export function column(frame: Frame, name: string | undefined): Column | undefined {
  return name === undefined ? undefined : frame.columns[name];
}

export const emptyFrame: Frame = Object.freeze({ fields: [], columns: {}, length: 0 });
