import { ChartpressError, problem } from '../errors.js';
import { type Column, type Frame, type Row, toColumn, type Value } from '../frame.js';
import type { Query } from '../spec/schema.js';
import type { AccumulatorFactory } from './aggregate.js';
import { fillGaps } from './fill.js';
import type { Group, GroupKey } from './group.js';
import { DEFAULT_OTHER_LABEL, limitWithOther } from './other.js';
import { pivotTuples } from './pivot.js';
import { type SortKey, sortTuples } from './sort.js';
import { at, type QueryWhere } from './where.js';
import { applyWindows } from './window.js';

/** What a grouped query has at the end of the scan. */
export interface GroupedResult {
  readonly query: Query;
  readonly where: QueryWhere;
  readonly keys: readonly GroupKey[];
  readonly aggs: readonly AccumulatorFactory[];
  readonly groups: readonly Group[];
  /** Output columns: group keys, then aggregates (windows add theirs after). */
  readonly fields: readonly string[];
  readonly sort: readonly SortKey[];
  /** Most rows the output may have (filled gaps count). */
  readonly maxRows: number;
  /** The query's `having`: which groups to keep, by their output row. Defaults to every group. */
  readonly having?: ((row: Row) => boolean) | undefined;
}

/**
 * The frame of a grouped query, in this order: one row per group that meets `having`, gaps
 * filled (`fill`), window columns added (`window`), sorted, limited (with the `other` row), pivoted; numeric columns as
 * `Float64Array`s. Without a sort of
 * its own, a filled query runs in time order. Throws `CP_ERR_INVALID_VALUE` when filling passes
 * `maxRows` or a pivoted value names a column that exists.
 */
export function groupedFrame(r: GroupedResult): Frame {
  const q = r.query;
  const groupOf = new Map<Value[], Group>();
  let tuples = r.groups.map((g) => {
    const t = [...g.keys, ...g.accs.map((a) => a.result())];
    groupOf.set(t, g);
    return t;
  });
  const having = r.having;
  if (having !== undefined) {
    tuples = tuples.filter((t) => {
      const row: Row = Object.create(null);
      r.fields.forEach((f, j) => {
        row[f] = t[j] ?? null;
      });
      return having(row);
    });
  }
  let sort = r.sort;
  const bucketed = r.keys.findIndex((k) => k.bucket !== undefined);
  if (q.fill !== undefined && bucketed >= 0) {
    const key = r.keys[bucketed]!;
    const added = fillGaps(tuples, key, bucketed, r.keys.length, q.fill === 'zero' ? 0 : null, r.maxRows);
    if (added === undefined) {
      const message = `filling gaps makes more than ${r.maxRows} rows; use a coarser bucket or a filter`;
      throw new ChartpressError(problem('CP_ERR_INVALID_VALUE', message, at(r.where, 'fill')));
    }
    tuples.push(...added);
    if (sort.length === 0) sort = [{ index: bucketed, desc: false, by: key.sortBy }];
  }
  let fields = r.fields;
  if (q.window !== undefined) fields = applyWindows(q.window, fields, tuples, r.keys);
  sortTuples(tuples, sort);
  if (q.limit !== undefined) {
    const label = q.other === true ? DEFAULT_OTHER_LABEL : q.other || undefined;
    tuples = limitWithOther(tuples, q.limit, label, r.keys.length, r.aggs, groupOf);
  }
  if (q.pivot) {
    const pivoted = pivotTuples(fields, tuples, fields.indexOf(q.pivot.on), fields.indexOf(q.pivot.value));
    if (typeof pivoted === 'string') {
      throw new ChartpressError(problem('CP_ERR_INVALID_VALUE', pivoted, at(r.where, 'pivot', 'on')));
    }
    ({ fields, tuples } = pivoted);
  }
  const columns: Record<string, Column> = Object.create(null);
  fields.forEach((name, j) => {
    columns[name] = toColumn(tuples.map((t) => t[j] ?? null));
  });
  return { fields, columns, length: tuples.length };
}
