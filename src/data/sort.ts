import type { Row, Value } from '../frame.js';
import type { SortItem } from '../spec/schema.js';
import { compareForSort } from './compare.js';

/** A sort key resolved to a position in the output tuples. */
export interface SortKey {
  readonly index: number;
  readonly desc: boolean;
  /** Maps a value to the one compared, e.g. a local time with its offset to its instant. */
  readonly by?: ((v: Value) => Value) | undefined;
}

/** `{field, order}` of a sort item written either way. */
export function sortField(item: SortItem): { field: string; desc: boolean } {
  return typeof item === 'string'
    ? { field: item, desc: false }
    : { field: item.field, desc: item.order === 'desc' };
}

/**
 * Compares two values for sorting: numbers numerically, strings by code unit (ISO dates in time
 * order); nulls sort last in both orders.
 */
export function compareValues(x: Value, y: Value, desc: boolean): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  const c = compareForSort(x, y);
  return desc ? -c : c;
}

/**
 * Sorts tuples in place by several keys (see `compareValues`). The sort is stable, so ties keep
 * their input order.
 */
export function sortTuples(tuples: Value[][], keys: readonly SortKey[]): void {
  if (keys.length === 0) return;
  tuples.sort(tupleComparator(keys.map(({ index, desc, by }) => ({ index, desc, by: by && memo(by) }))));
}

/** A comparator of tuples by several keys (see `compareValues`); 0 for ties. */
export function tupleComparator(
  keys: readonly SortKey[],
): (a: readonly Value[], b: readonly Value[]) => number {
  return (a, b) => {
    for (const { index, desc, by } of keys) {
      let x = a[index] ?? null;
      let y = b[index] ?? null;
      if (by) {
        x = by(x);
        y = by(y);
      }
      const c = compareValues(x, y, desc);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** A comparator of rows by fields (see `compareValues`); 0 for ties. */
export function rowComparator(keys: readonly { field: string; desc: boolean }[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const { field, desc } of keys) {
      const c = compareValues(a[field] ?? null, b[field] ?? null, desc);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function memo(f: (v: Value) => Value): (v: Value) => Value {
  const seen = new Map<Value, Value>();
  return (v) => {
    let out = seen.get(v);
    if (out === undefined) {
      out = f(v);
      seen.set(v, out);
    }
    return out;
  };
}

/**
 * The `k` smallest items under `compare`, kept in a heap as items are pushed, so memory stays
 * at `k` items whatever the input length. Ties keep push order, as a stable sort would.
 */
export class TopK<T> {
  readonly #k: number;
  readonly #compare: (a: T, b: T) => number;
  /** A max-heap: the worst item kept is at the root. */
  readonly #heap: { item: T; seq: number }[] = [];
  #seq = 0;

  constructor(k: number, compare: (a: T, b: T) => number) {
    this.#k = k;
    this.#compare = compare;
  }

  get size(): number {
    return this.#heap.length;
  }

  push(item: T): void {
    const entry = { item, seq: this.#seq++ };
    const heap = this.#heap;
    if (heap.length < this.#k) {
      heap.push(entry);
      this.#up(heap.length - 1);
    } else if (heap.length > 0 && this.#order(entry, heap[0]!) < 0) {
      heap[0] = entry;
      this.#down(0);
    }
  }

  /** The items kept, in order. */
  sorted(): T[] {
    return [...this.#heap].sort((a, b) => this.#order(a, b)).map((e) => e.item);
  }

  #order(a: { item: T; seq: number }, b: { item: T; seq: number }): number {
    return this.#compare(a.item, b.item) || a.seq - b.seq;
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#order(heap[i]!, heap[parent]!) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && this.#order(heap[l]!, heap[top]!) > 0) top = l;
      if (r < heap.length && this.#order(heap[r]!, heap[top]!) > 0) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  }
}
