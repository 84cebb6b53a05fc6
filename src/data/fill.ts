import type { Value } from '../frame.js';
import { nextBucket, parseIsoDate } from './bucket.js';
import type { GroupKey } from './group.js';

/**
 * Inserts the time buckets missing between the first and the last bucket of the output, for
 * each combination of the other group keys that occurs, with every aggregate set to `fill`
 * (0 or null). `index` is the position of the bucketed key in the tuples, whose first `keys`
 * values are group keys and the rest aggregates. Rows whose bucket is null are left alone.
 *
 * Returns the new tuples (appended after the given ones), or undefined when the output would
 * pass `max` rows.
 */
export function fillGaps(
  tuples: readonly Value[][],
  key: GroupKey,
  index: number,
  keys: number,
  fill: 0 | null,
  max: number,
): Value[][] | undefined {
  const bucket = key.bucket;
  if (bucket === undefined) return [];
  let lo: { label: string; at: number } | undefined;
  let hi = Number.NEGATIVE_INFINITY;
  const combos = new Map<string, Value[]>();
  const present = new Set<string>();
  for (const t of tuples) {
    const label = t[index];
    if (typeof label !== 'string') continue;
    const when = parseIsoDate(label);
    if (when === null) continue;
    if (lo === undefined || when < lo.at) lo = { label, at: when };
    if (when > hi) hi = when;
    const others = t.slice(0, keys);
    others[index] = null;
    const combo = JSON.stringify(others);
    if (!combos.has(combo)) combos.set(combo, others);
    present.add(`${combo}\u0000${label}`);
  }
  if (lo === undefined) return [];
  const labels: string[] = [];
  for (let label: string | null = lo.label; label !== null; label = nextBucket(label, bucket, key.zone)) {
    const when = parseIsoDate(label);
    if (when === null || when > hi) break;
    labels.push(label);
    if (labels.length * combos.size > max) return undefined;
  }
  const added: Value[][] = [];
  const width = tuples[0]?.length ?? keys;
  for (const [combo, others] of combos) {
    for (const label of labels) {
      if (present.has(`${combo}\u0000${label}`)) continue;
      const t = new Array<Value>(width).fill(fill);
      for (let i = 0; i < keys; i++) t[i] = others[i] ?? null;
      t[index] = label;
      added.push(t);
    }
  }
  return tuples.length + added.length > max ? undefined : added;
}
