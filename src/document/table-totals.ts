import type { Value } from '../frame.js';
import type { TableBlock, TotalsOp } from '../spec/schema.js';

/** The label a totals row shows in its first column, by op (mixed ops read "Total"). */
const LABEL: Readonly<Record<TotalsOp, string>> = {
  sum: 'Total',
  avg: 'Average',
  min: 'Minimum',
  max: 'Maximum',
  count: 'Count',
};

/** One column's total: the op, and its value (null when the column has no number). */
export interface ColumnTotal {
  readonly op: TotalsOp;
  readonly value: number | null;
}

/**
 * The op of each shown column under the table's `totals` (undefined: no total). One op applies
 * to every number column the query does not group by; a map names its columns.
 */
export function totalsOps(
  table: TableBlock,
  fields: readonly string[],
  numeric: readonly boolean[],
  groups: ReadonlySet<string>,
): (TotalsOp | undefined)[] | undefined {
  const totals = table.totals;
  if (totals === undefined) return undefined;
  if (typeof totals === 'string') {
    return fields.map((f, i) => (numeric[i] && !groups.has(f) ? totals : undefined));
  }
  return fields.map((f) => (Object.hasOwn(totals, f) ? totals[f] : undefined));
}

/** The total of a column's values (all the table's rows, not only those shown). */
export function columnTotal(op: TotalsOp, values: readonly Value[]): ColumnTotal {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (op === 'count') return { op, value: values.filter((v) => v !== null).length };
  if (numbers.length === 0) return { op, value: null };
  let value: number;
  switch (op) {
    case 'sum':
      value = numbers.reduce((a, b) => a + b, 0);
      break;
    case 'avg':
      value = numbers.reduce((a, b) => a + b, 0) / numbers.length;
      break;
    case 'min':
      value = numbers.reduce((a, b) => Math.min(a, b));
      break;
    case 'max':
      value = numbers.reduce((a, b) => Math.max(a, b));
      break;
  }
  return { op, value };
}

/** The label of a totals row: its op's, or "Total" when the columns differ. */
export function totalsLabel(ops: readonly (TotalsOp | undefined)[]): string {
  const used = new Set(ops.filter((o): o is TotalsOp => o !== undefined));
  const [only] = used;
  return used.size === 1 && only !== undefined ? LABEL[only] : 'Total';
}
