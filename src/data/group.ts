import type { GroupBy, TimeBucket } from '../spec/schema.js';
import type { Accumulator, AccumulatorFactory } from './aggregate.js';
import { bucketValue } from './bucket.js';
import type { Row, Value } from './frame.js';

/** A groupBy item resolved: the column read, its time bucket, and the output column name. */
export interface GroupKey {
  readonly field: string;
  readonly bucket: TimeBucket | undefined;
  readonly output: string;
  /** The group value of a row: the cell, or the start of its time bucket. */
  readonly keyOf: (row: Row) => Value;
}

/** One group: its key values (in groupBy order) and its accumulators (in aggregate order). */
export interface Group {
  readonly keys: Value[];
  readonly accs: Accumulator[];
}

// Distinct date strings are few next to rows (many rows per day), so bucketing caches them.
const BUCKET_CACHE_LIMIT = 65_536;

/** Resolves a groupBy item written as a name or as `{field, bucket, as}`. */
export function groupKey(item: GroupBy): GroupKey {
  if (typeof item === 'string')
    return { field: item, bucket: undefined, output: item, keyOf: (r) => r[item] ?? null };
  const { field, bucket } = item;
  const output = item.as ?? field;
  if (bucket === undefined) return { field, bucket, output, keyOf: (r) => r[field] ?? null };
  const cache = new Map<string, string | null>();
  const keyOf = (r: Row): Value => {
    const v = r[field] ?? null;
    if (typeof v !== 'string') return null;
    let b = cache.get(v);
    if (b === undefined) {
      if (cache.size >= BUCKET_CACHE_LIMIT) cache.clear();
      b = bucketValue(v, bucket);
      cache.set(v, b);
    }
    return b;
  };
  return { field, bucket, output, keyOf };
}

type Node = Map<Value, Node | Group>;

/**
 * Groups rows by their key values, in the order each group is first seen. Keys are compared by
 * value and type (the number 1 and the string "1" are different groups); null is a group too.
 */
export class Grouper {
  readonly #keys: readonly GroupKey[];
  readonly #aggs: readonly AccumulatorFactory[];
  readonly #root: Node = new Map();
  readonly #scratch: Value[];
  readonly groups: Group[] = [];

  constructor(keys: readonly GroupKey[], aggs: readonly AccumulatorFactory[]) {
    this.#keys = keys;
    this.#aggs = aggs;
    this.#scratch = new Array<Value>(keys.length).fill(null);
    // Without keys there is exactly one group, even for no rows (count 0, avg null).
    if (keys.length === 0) this.groups.push(this.#newGroup());
  }

  add(row: Row): void {
    const keys = this.#keys;
    if (keys.length === 0) {
      for (const acc of this.groups[0]!.accs) acc.add(row);
      return;
    }
    let node = this.#root;
    const last = keys.length - 1;
    for (let i = 0; i < last; i++) {
      const k = keys[i]!.keyOf(row);
      this.#scratch[i] = k;
      let next = node.get(k) as Node | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(k, next);
      }
      node = next;
    }
    const k = keys[last]!.keyOf(row);
    let group = node.get(k) as Group | undefined;
    if (group === undefined) {
      this.#scratch[last] = k;
      group = this.#newGroup();
      node.set(k, group);
      this.groups.push(group);
    }
    for (const acc of group.accs) acc.add(row);
  }

  #newGroup(): Group {
    return { keys: [...this.#scratch], accs: this.#aggs.map((make) => make()) };
  }
}
