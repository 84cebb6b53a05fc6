import { type Problem, problem } from '../errors.js';
import type { Row, Value } from '../frame.js';
import type { GroupBy, TimeBucket } from '../spec/schema.js';
import type { Accumulator, AccumulatorFactory } from './aggregate.js';
import { binner } from './bin.js';
import { bucketValue, parseIsoDate } from './bucket.js';
import { DateMisses, isDateMiss } from './invalid.js';
import { at, type QueryWhere } from './where.js';
import { UTC, type Zone, zoneNamed } from './zone.js';

/** A groupBy item resolved: the column read, its time bucket, and the output column name. */
export interface GroupKey {
  readonly field: string;
  readonly bucket: TimeBucket | undefined;
  /** The zone time buckets are cut in. Defaults to UTC. */
  readonly zone: Zone;
  readonly output: string;
  /** The group value of a row: the cell, its time bucket or its numeric bin. */
  readonly keyOf: (row: Row) => Value;
  /** For sorting, when labels do not sort as text: hour labels with offsets sort as instants. */
  readonly sortBy?: ((v: Value) => Value) | undefined;
  /** Time buckets: the non-empty cells that were not ISO dates (their rows group under null). */
  readonly misses?: DateMisses | undefined;
}

/** One group: its key values (in groupBy order) and its accumulators (in aggregate order). */
export interface Group {
  readonly keys: Value[];
  readonly accs: Accumulator[];
}

// Distinct date strings are usually few next to rows (many rows per day), so bucketing caches them.
const BUCKET_CACHE_LIMIT = 65_536;

/**
 * Resolves a groupBy item written as a name or as `{field, bucket, timezone, bin, as}`.
 * Problems (an unknown time zone, a bin with a bucket) go to `report` with their key path
 * inside the item; the key then groups by the plain cell.
 */
export function groupKey(item: GroupBy, report: (message: string, key: string) => void = () => {}): GroupKey {
  if (typeof item === 'string') return plain(item, item);
  const { field, bucket, bin, timezone } = item;
  const output = item.as ?? field;
  if (bin !== undefined && (bucket !== undefined || timezone !== undefined)) {
    report('use either bin (numbers) or bucket/timezone (dates), not both', 'bin');
    return plain(field, output);
  }
  if (bin !== undefined) {
    const toBin = binner(bin);
    return { ...plain(field, output), keyOf: (r) => toBin(r[field] ?? null) };
  }
  const zone = timezone === undefined ? UTC : zoneNamed(timezone);
  if (zone === undefined) {
    report(`unknown time zone "${timezone}"; use an IANA name such as "Europe/Paris" or "UTC"`, 'timezone');
    return plain(field, output);
  }
  if (bucket === undefined) {
    if (timezone !== undefined) report('timezone needs a time bucket (bucket: hour, day, ...)', 'timezone');
    return plain(field, output);
  }
  const cache = new Map<string, string | null>();
  const misses = new DateMisses();
  const keyOf = (r: Row): Value => {
    const v = r[field] ?? null;
    if (typeof v !== 'string') {
      if (v !== null) misses.add(v);
      return null;
    }
    let b = cache.get(v);
    if (b === undefined) {
      b = bucketValue(v, bucket, zone);
      // A column with more distinct dates than this gains little from a cache (unique timestamps).
      if (cache.size < BUCKET_CACHE_LIMIT) cache.set(v, b);
    }
    if (b === null && isDateMiss(v)) misses.add(v);
    return b;
  };
  const sortBy =
    bucket === 'hour' && zone !== UTC
      ? (v: Value) => (typeof v === 'string' ? parseIsoDate(v) : v)
      : undefined;
  return { field, bucket, zone, output, keyOf, sortBy, misses };
}

function plain(field: string, output: string): GroupKey {
  return { field, bucket: undefined, zone: UTC, output, keyOf: (r) => r[field] ?? null };
}

/** Resolves a query's groupBy items, with the problems found at their paths. */
export function groupKeys(
  items: readonly GroupBy[],
  where: QueryWhere,
): { keys: GroupKey[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const keys = items.map((item, i) =>
    groupKey(item, (message, key) =>
      problems.push(problem('CP_ERR_INVALID_VALUE', message, at(where, 'groupBy', i, key))),
    ),
  );
  return { keys, problems };
}

type Node = Map<Value, Node | Group>;

/**
 * Groups rows by their key values, in the order each group is first seen. Keys are compared by
 * value and type (the number 1 and the string "1" are different groups); null is a group too.
 */
export class Grouper {
  readonly #keys: readonly GroupKey[];
  readonly #aggs: readonly AccumulatorFactory[];
  readonly #max: number;
  readonly #root: Node = new Map();
  readonly #scratch: Value[];
  readonly groups: Group[] = [];

  /** `maxGroups`: `add` refuses a row that would make one group more. */
  constructor(keys: readonly GroupKey[], aggs: readonly AccumulatorFactory[], maxGroups = Infinity) {
    this.#keys = keys;
    this.#aggs = aggs;
    this.#max = maxGroups;
    this.#scratch = new Array<Value>(keys.length).fill(null);
    // Without keys there is exactly one group, even for no rows (count 0, avg null).
    if (keys.length === 0) this.groups.push(this.#newGroup());
  }

  /** Adds a row to its group; false (and nothing added) when that would pass `maxGroups`. */
  add(row: Row, seq: number): boolean {
    const keys = this.#keys;
    let group: Group | undefined;
    if (keys.length === 0) group = this.groups[0]!;
    else {
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
      group = node.get(k) as Group | undefined;
      if (group === undefined) {
        if (this.groups.length >= this.#max) return false;
        this.#scratch[last] = k;
        group = this.#newGroup();
        node.set(k, group);
        this.groups.push(group);
      }
    }
    for (const acc of group.accs) acc.add(row, seq);
    return true;
  }

  #newGroup(): Group {
    return { keys: [...this.#scratch], accs: this.#aggs.map((make) => make()) };
  }
}
