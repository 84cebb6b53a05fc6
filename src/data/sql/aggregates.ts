import type { Aggregate, AggregateOp, GroupBy } from '../../spec/schema.js';
import type { Params } from '../filter.js';
import { UTC, zoneNamed } from '../zone.js';
import type { SqlBuilder } from './builder.js';
import { type ColumnKind, NotPushable } from './dialect.js';
import { filterSql } from './filters.js';

const NUMBERS = new Set<ColumnKind>(['number', 'numeric', 'float4']);

/**
 * How the values of an output column arrive, to filter them with `having`: SQLite's are as
 * its cells (conditions of `kind` bool aside); PostgreSQL's as `value()` writes them.
 */
function outputKind(b: SqlBuilder, kind: ColumnKind, number = false): ColumnKind {
  if (b.dialect.name === 'sqlite') return kind === 'bool' ? 'bool' : 'dynamic';
  if (number || NUMBERS.has(kind)) return 'number';
  return kind === 'bool' ? 'bool' : 'text';
}

/**
 * A groupBy item as SQL: the key expression, its output column and how its values arrive; with
 * `format`, the key is grouped raw and shown (and filtered by `having`) as `format` prints it.
 */
export function groupKeySql(
  item: GroupBy,
  b: SqlBuilder,
): { expr: string; output: string; kind: ColumnKind; format?: ((ref: string) => string) | undefined } {
  const d = b.dialect;
  if (typeof item === 'string') {
    const col = b.column(item);
    return { expr: d.value(col.ref, col.kind), output: item, kind: outputKind(b, col.kind) };
  }
  const { field, bucket, bin, timezone } = item;
  const output = item.as ?? field;
  const col = b.column(field);
  if (bin !== undefined) {
    if (bucket !== undefined || timezone !== undefined) throw new NotPushable('bin with a bucket');
    const expr = d.bin(col.ref, col.kind, bin.step, bin.offset ?? 0, (v) => b.bind(v));
    return { expr, output, kind: outputKind(b, 'dynamic', true) };
  }
  const zoned = timezone !== undefined && zoneNamed(timezone) !== UTC;
  if (zoned && d.zones !== true) {
    throw new NotPushable(`time buckets in time zone "${timezone}" (only UTC is pushed down)`);
  }
  if (bucket === undefined) {
    if (timezone !== undefined) throw new NotPushable('timezone without a bucket');
    return { expr: d.value(col.ref, col.kind), output, kind: outputKind(b, col.kind) };
  }
  const zone = zoned ? timezone : undefined;
  const expr = d.bucket(col.ref, col.kind, bucket, zone);
  const { bucketFormat } = d;
  const format = bucketFormat && ((ref: string) => bucketFormat(ref, bucket, zone));
  return { expr, output, kind: outputKind(b, 'text'), format };
}

/** ` FILTER (WHERE …)` for an aggregate with a `where`, or `''`. */
export function aggregateFilter(agg: Aggregate, params: Params, b: SqlBuilder): string {
  return agg.where === undefined ? '' : ` FILTER (WHERE ${filterSql(agg.where, params, b)})`;
}

/**
 * An aggregate as SQL, with the streaming engine's results (see `accumulator`), and how its
 * values arrive. An aggregate with a `where` aggregates the rows that meet it (`FILTER`).
 * `rowNumber` numbers the rows in scan order, for `first` and `last`.
 */
export function aggregateSql(
  agg: Aggregate,
  params: Params,
  b: SqlBuilder,
  rowNumber?: string,
): { expr: string; kind: ColumnKind } {
  const d = b.dialect;
  const number = outputKind(b, 'dynamic', true);
  if (agg.field === undefined) {
    if (agg.op !== 'count') throw new NotPushable(`${agg.op} without a field`);
    return { expr: `count(*)${aggregateFilter(agg, params, b)}`, kind: number };
  }
  const { ref, kind } = b.column(agg.field);
  switch (agg.op) {
    case 'count':
      return { expr: `count(${d.value(ref, kind)})${aggregateFilter(agg, params, b)}`, kind: number };
    case 'countDistinct':
      return {
        expr: `count(DISTINCT ${d.value(ref, kind)})${aggregateFilter(agg, params, b)}`,
        kind: number,
      };
    case 'sum':
      return { expr: d.sum(d.finite(ref, kind), aggregateFilter(agg, params, b)), kind: number };
    case 'avg':
      return { expr: d.avg(d.finite(ref, kind), kind, aggregateFilter(agg, params, b)), kind: number };
    case 'min':
    case 'max': {
      const expr = d.extreme(ref, kind, agg.op, aggregateFilter(agg, params, b));
      // PostgreSQL: numbers as numbers, strings as text, and NULL for the rest.
      const text = b.dialect.name !== 'sqlite' && !NUMBERS.has(kind) && kind !== 'bool';
      return {
        expr,
        kind: text
          ? outputKind(b, 'text')
          : kind === 'bool'
            ? outputKind(b, 'dynamic', true)
            : outputKind(b, kind),
      };
    }
    case 'first':
    case 'last': {
      if (d.pick === undefined || rowNumber === undefined)
        throw new NotPushable(`aggregate ${agg.op} (computed exactly by streaming)`);
      const where = agg.where === undefined ? '' : ` AND ${filterSql(agg.where, params, b)}`;
      return { expr: d.pick(ref, kind, rowNumber, agg.op === 'last', where), kind: outputKind(b, kind) };
    }
    case 'median':
    case 'p90': {
      if (d.quantile === undefined)
        throw new NotPushable(`aggregate ${agg.op} (computed exactly by streaming)`);
      const p = agg.op === 'median' ? 0.5 : 0.9;
      return { expr: d.quantile(d.finite(ref, kind), p, aggregateFilter(agg, params, b)), kind: number };
    }
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
  /** The aggregates' `where`, as `InvalidTally` keys it (undefined for none). */
  readonly where?: string | undefined;
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
 * kinds follows the stricter rule. Aggregates with a `where` count the rows that meet it, apart.
 */
export function tallySql(
  aggregates: readonly (readonly [string, Aggregate])[],
  params: Params,
  b: SqlBuilder,
): TallySql[] {
  const found: {
    field: string;
    where: string | undefined;
    agg: Aggregate;
    aggregate: string;
    text: boolean;
  }[] = [];
  for (const [name, agg] of aggregates) {
    if (agg.field === undefined || !(NUMERIC.has(agg.op) || ORDERED.has(agg.op))) continue;
    const text = ORDERED.has(agg.op);
    const where = agg.where === undefined ? undefined : JSON.stringify(agg.where);
    const known = found.find((t) => t.field === agg.field && t.where === where);
    if (known) known.text &&= text;
    else found.push({ field: agg.field, where, agg, aggregate: name, text });
  }
  const d = b.dialect;
  return found.map(({ agg, ...t }) => {
    const { ref, kind } = b.column(t.field);
    const finite = d.finite(ref, kind);
    const isText = t.text ? d.isText(ref, kind) : 'FALSE';
    // count(x) counts the cells where x is not null: the finite numbers.
    const valid = isText === 'FALSE' ? finite : `CASE WHEN (${finite} IS NOT NULL OR ${isText}) THEN 1 END`;
    const filter = aggregateFilter(agg, params, b);
    return { ...t, expr: `(count(*)${filter} - count(${valid})${filter})` };
  });
}
