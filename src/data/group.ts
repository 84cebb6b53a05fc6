import { type Problem, problem } from '../errors.js';
import type { Row, Value } from '../frame.js';
import type { GroupBy, TimeBucket } from '../spec/schema.js';
import type { Accumulator, AccumulatorFactory } from './aggregate.js';
import { binner } from './bin.js';
import { parseIsoDate } from './bucket.js';
import { Bucketer } from './bucketer.js';
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
  /** The group value of a row: the cell, its time bucket or its numeric bin. Counts `misses`. */
  readonly keyOf: (row: Row) => Value;
  /** The group value of a cell, as `keyOf` gives it, without counting misses. */
  readonly cellKey: (v: Value) => Value;
  /** For sorting, when labels do not sort as text: hour labels with offsets sort as instants. */
  readonly sortBy?: ((v: Value) => Value) | undefined;
  /** Time buckets: the bucket of a date text, remembered. */
  readonly bucketer?: Bucketer | undefined;
  /** Time buckets: the non-empty cells that were not ISO dates (their rows group under null). */
  readonly misses?: DateMisses | undefined;
}

/** One group: its key values (in groupBy order) and its accumulators (in aggregate order). */
export interface Group {
  readonly keys: Value[];
  readonly accs: Accumulator[];
}

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
    return { ...plain(field, output), keyOf: (r) => toBin(r[field] ?? null), cellKey: toBin };
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
  const bucketer = new Bucketer(bucket, zone);
  const misses = new DateMisses();
  const cellKey = (v: Value): Value => (typeof v === 'string' ? bucketer.of(v) : null);
  const keyOf = (r: Row): Value => {
    const v = r[field] ?? null;
    const b = cellKey(v);
    if (b === null && isDateMiss(v)) misses.add(v);
    return b;
  };
  const sortBy =
    bucket === 'hour' && zone !== UTC
      ? (v: Value) => (typeof v === 'string' ? parseIsoDate(v) : v)
      : undefined;
  return { field, bucket, zone, output, keyOf, cellKey, sortBy, bucketer, misses };
}

function plain(field: string, output: string): GroupKey {
  return { field, bucket: undefined, zone: UTC, output, keyOf: (r) => r[field] ?? null, cellKey: (v) => v };
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

/** Inner nodes by the value of one key; leaves hold the index of a group in `groups`. */
type Node = Map<Value, Node | number>;

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
    const values = this.#scratch;
    for (let i = 0; i < keys.length; i++) values[i] = keys[i]!.keyOf(row);
    const index = this.find(values);
    if (index < 0) return false;
    for (const acc of this.groups[index]!.accs) acc.add(row, seq);
    return true;
  }

  /**
   * The index in `groups` of the group with these key values (one per key, as `keyOf` gives
   * them), made when new; -1 (and nothing made) when that would pass `maxGroups`.
   */
  find(values: readonly Value[]): number {
    const last = values.length - 1;
    if (last < 0) return 0;
    let node = this.#root;
    for (let i = 0; i < last; i++) {
      const k = values[i]!;
      let next = node.get(k) as Node | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(k, next);
      }
      node = next;
    }
    const k = values[last]!;
    let index = node.get(k) as number | undefined;
    if (index === undefined) {
      if (this.groups.length >= this.#max) return -1;
      index = this.groups.length;
      this.groups.push({ keys: values.slice(), accs: this.#aggs.map((make) => make()) });
      node.set(k, index);
    }
    return index;
  }

  #newGroup(): Group {
    return { keys: [...this.#scratch], accs: this.#aggs.map((make) => make()) };
  }
}
