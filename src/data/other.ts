import type { Value } from '../frame.js';
import type { AccumulatorFactory } from './aggregate.js';
import type { Group } from './group.js';

/** Default label of the row that sums the rows past a limit. */
export const DEFAULT_OTHER_LABEL = 'Other';

/**
 * Cuts sorted tuples to `limit` and, when `label` is given and rows were cut, appends one row
 * for all of them: `label` in the first column (a group key), null in the other group keys, and
 * each aggregate computed over the cut groups together. Every aggregate is exact there, since
 * the groups' accumulators are merged (count and sum add up; avg, min, max, median, p90,
 * countDistinct, first and last are those of the merged rows). Tuples without a group (filled
 * gaps) add nothing.
 */
export function limitWithOther(
  tuples: Value[][],
  limit: number,
  label: string | undefined,
  keys: number,
  aggs: readonly AccumulatorFactory[],
  groupOf: ReadonlyMap<Value[], Group>,
): Value[][] {
  if (tuples.length <= limit) return tuples;
  const kept = tuples.slice(0, limit);
  if (label === undefined) return kept;
  const merged = aggs.map((make) => make());
  for (const t of tuples.slice(limit)) {
    const group = groupOf.get(t);
    if (group === undefined) continue;
    merged.forEach((acc, j) => {
      acc.merge(group.accs[j]!);
    });
  }
  const other = new Array<Value>(keys).fill(null);
  other[0] = label;
  kept.push([...other, ...merged.map((acc) => acc.result())]);
  return kept;
}
