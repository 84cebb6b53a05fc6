import type { SortItem } from '../spec/schema.js';
import { compareForSort } from './compare.js';
import type { Value } from './frame.js';

/** A sort key resolved to a position in the output tuples. */
export interface SortKey {
  readonly index: number;
  readonly desc: boolean;
}

/** `{field, order}` of a sort item written either way. */
export function sortField(item: SortItem): { field: string; desc: boolean } {
  return typeof item === 'string'
    ? { field: item, desc: false }
    : { field: item.field, desc: item.order === 'desc' };
}

/**
 * Sorts tuples in place by several keys. Numbers order numerically, strings by code unit (ISO
 * dates chronologically); nulls sort last in both orders. The sort is stable, so ties keep
 * their input order.
 */
export function sortTuples(tuples: Value[][], keys: readonly SortKey[]): void {
  if (keys.length === 0) return;
  tuples.sort((a, b) => {
    for (const { index, desc } of keys) {
      const x = a[index] ?? null;
      const y = b[index] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = compareForSort(x, y);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}
