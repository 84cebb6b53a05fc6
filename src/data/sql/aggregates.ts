import type { Aggregate, AggregateOp, GroupBy } from '../../spec/schema.js';
import { UTC, zoneNamed } from '../zone.js';
import type { SqlBuilder } from './builder.js';
import { NotPushable } from './dialect.js';

/** A groupBy item as SQL: the key expression and its output column. */
export function groupKeySql(item: GroupBy, b: SqlBuilder): { expr: string; output: string } {
  const d = b.dialect;
  if (typeof item === 'string') {
    const col = b.column(item);
    return { expr: d.value(col.ref, col.kind), output: item };
  }
  const { field, bucket, bin, timezone } = item;
  const output = item.as ?? field;
  const col = b.column(field);
  if (bin !== undefined) {
    if (bucket !== undefined || timezone !== undefined) throw new NotPushable('bin with a bucket');
    return { expr: d.bin(col.ref, col.kind, bin.step, bin.offset ?? 0, (v) => b.bind(v)), output };
  }
  if (timezone !== undefined && zoneNamed(timezone) !== UTC) {
    throw new NotPushable(`time buckets in time zone "${timezone}" (only UTC is pushed down)`);
  }
  if (bucket === undefined) {
    if (timezone !== undefined) throw new NotPushable('timezone without a bucket');
    return { expr: d.value(col.ref, col.kind), output };
  }
  return { expr: d.bucket(col.ref, col.kind, bucket), output };
}

/** An aggregate as SQL, with the streaming engine's results (see `accumulator`). */
export function aggregateSql(agg: Aggregate, b: SqlBuilder): string {
  const d = b.dialect;
  if (agg.field === undefined) {
    if (agg.op !== 'count') throw new NotPushable(`${agg.op} without a field`);
    return 'count(*)';
  }
  const { ref, kind } = b.column(agg.field);
  switch (agg.op) {
    case 'count':
      return `count(${d.value(ref, kind)})`;
    case 'countDistinct':
      return `count(DISTINCT ${d.value(ref, kind)})`;
    case 'sum':
      return d.sum(d.finite(ref, kind));
    case 'avg':
      return d.avg(d.finite(ref, kind), kind);
    case 'min':
    case 'max':
      return d.extreme(ref, kind, agg.op);
    default:
      throw new NotPushable(`aggregate ${agg.op} (computed exactly by streaming)`);
  }
}

/** Aggregates that skip cells that are not finite numbers. */
const NUMERIC: ReadonlySet<AggregateOp> = new Set(['sum', 'avg', 'median', 'p90']);
/** Aggregates that also take text. */
const ORDERED: ReadonlySet<AggregateOp> = new Set(['min', 'max']);

/** A column read by numeric aggregates, whose skipped cells are counted for a warning. */
export interface TallySql {
  readonly field: string;
  /** The first aggregate reading the column, named in the warning. */
  readonly aggregate: string;
  /** Text counts as valid (min/max only). */
  readonly text: boolean;
  /** Counts the skipped cells of the rows aggregated. */
  readonly expr: string;
}

/**
 * The invalid-value counts of the streaming engine's `InvalidTally`: per column read by sum,
 * avg, min or max, the cells those aggregates skip (nulls included); a column read by both
 * kinds follows the stricter rule.
 */
export function tallySql(aggregates: readonly (readonly [string, Aggregate])[], b: SqlBuilder): TallySql[] {
  const found: { field: string; aggregate: string; text: boolean }[] = [];
  for (const [name, agg] of aggregates) {
    if (agg.field === undefined || !(NUMERIC.has(agg.op) || ORDERED.has(agg.op))) continue;
    const text = ORDERED.has(agg.op);
    const known = found.find((t) => t.field === agg.field);
    if (known) known.text &&= text;
    else found.push({ field: agg.field, aggregate: name, text });
  }
  const d = b.dialect;
  return found.map((t) => {
    const { ref, kind } = b.column(t.field);
    const finite = `${d.finite(ref, kind)} IS NOT NULL`;
    const valid = t.text ? `(${finite} OR ${d.isText(ref, kind)})` : finite;
    return { ...t, expr: `count(*) - count(CASE WHEN ${valid} THEN 1 END)` };
  });
}
