import type { Value } from '../frame.js';
import { type BatchColumn, batchCell, type DictColumn } from './batch.js';
import type { BatchView } from './batch-view.js';
import type { Grouper, GroupKey } from './group.js';
import { isDateMiss } from './invalid.js';
import type { Scratch } from './scratch.js';

/** The groups of a batch's rows for one query. */
export interface BatchGroups {
  /**
   * Per row: the index in `groups` of its group, or -1 for a row not taken (filtered out, or
   * from the row that would have passed the group limit on).
   */
  readonly local: Int32Array;
  /** The indexes in the grouper's `groups` of the groups the batch's rows went to, by first row. */
  readonly groups: readonly number[];
  /** Rows taken. */
  readonly taken: number;
  /** A row needed one group more than the limit allows. */
  readonly overflow: boolean;
  /** Per group key: the key of each row. */
  readonly keyIds: readonly KeyIds[];
}

/** One key over a batch: an id per row (rows that pass) and the key value of each id. */
export interface KeyIds {
  readonly ids: Int32Array;
  readonly values: readonly Value[];
}

/** Key combinations of a batch counted in a table up to this many; past it, in a map. */
const TABLE_LIMIT = 1 << 16;
// -0 and 0 are one group but keep the sign of the row that made it: the ids tell them apart.
const MINUS_ZERO = Symbol('-0');

/**
 * Puts the rows of a batch that pass `mask` in their groups, making groups in row order as
 * `Grouper.add` does, until a row would pass the group limit (`overflow`). Key values are
 * computed once per dictionary entry (time buckets once per day, see `Bucketer`), otherwise
 * once per row. Undefined, with no group made, when the batch has too many key combinations to
 * number.
 */
export function groupBatch(
  view: BatchView,
  mask: Uint8Array | undefined,
  keys: readonly GroupKey[],
  grouper: Grouper,
  scratch: Scratch,
): BatchGroups | undefined {
  const n = view.length;
  const local = scratch.int32('local', n);
  const groups: number[] = [];
  let taken = 0;
  if (keys.length === 0) {
    for (let i = 0; i < n; i++) {
      if (mask !== undefined && mask[i] === 0) local[i] = -1;
      else {
        local[i] = 0;
        taken++;
      }
    }
    if (taken > 0) groups.push(0);
    return { local, groups, taken, overflow: false, keyIds: [] };
  }
  // Arrays here are made by push, not by `map`: V8's `map` makes arrays of one kind when it
  // runs as compiled code and of another when it does not, and the row loops that take them,
  // compiled for one kind, were thrown away at each array of the other.
  const all: KeyIds[] = [];
  for (let j = 0; j < keys.length; j++) all.push(keyIds(view, mask, keys[j]!, scratch, j));
  // Each row's ids as one number: id0 + id1 * size0 + ...
  const strides: number[] = [];
  let size = 1;
  for (const k of all) {
    strides.push(size);
    size *= Math.max(1, k.values.length);
  }
  if (size > Number.MAX_SAFE_INTEGER) return undefined;
  const localOf = new Map<number, number>();
  const values = new Array<Value>(keys.length);
  // The group of the key combination of row i, met first: its index in `groups`, or -1 when
  // it would pass the group limit.
  const place = (i: number): number => {
    for (let j = 0; j < all.length; j++) values[j] = all[j]!.values[all[j]!.ids[i]!] ?? null;
    const g = grouper.find(values);
    if (g < 0) return -1;
    let l = localOf.get(g) ?? -1;
    if (l < 0) {
      l = groups.length;
      groups.push(g);
      localOf.set(g, l);
    }
    return l;
  };
  const passed = mask ?? scratch.uint8('all', n).fill(1);
  let done: number;
  if (size <= Math.max(TABLE_LIMIT, n)) {
    const table = scratch.int32('table', size).fill(-1);
    const ids: Int32Array[] = [];
    for (const k of all) ids.push(k.ids);
    const combos = ids.length === 1 ? ids[0]! : combine(ids, strides, n, scratch);
    done = tableGroups(combos, passed, table, local, n, place);
  } else {
    done = mapGroups(all, strides, passed, local, n, place);
  }
  const overflow = done < 0;
  return { local, groups, taken: overflow ? -1 - done : done, overflow, keyIds: all };
}

// The row loops below run in functions of their own, each with one kind of argument, so that
// V8 compiles each once for every query of a scan.

/** Each row's key ids as one number (rows that do not pass hold any number). */
function combine(
  all: readonly Int32Array[],
  strides: readonly number[],
  n: number,
  scratch: Scratch,
): Int32Array {
  const combos = scratch.int32('combos', n);
  const first = all[0]!;
  for (let i = 0; i < n; i++) combos[i] = first[i]!;
  for (let j = 1; j < all.length; j++) {
    const ids = all[j]!;
    const stride = strides[j]!;
    for (let i = 0; i < n; i++) combos[i] = combos[i]! + ids[i]! * stride;
  }
  return combos;
}

/**
 * Sets `local` for the rows that pass (-1 for the others) from each row's key combination,
 * numbered in `table` (-1: not met yet, `place` gives its group). Returns the rows taken, or
 * `-1 - taken` when a row would pass the group limit (that row and the rest are not taken).
 */
function tableGroups(
  combos: Int32Array,
  passed: Uint8Array,
  table: Int32Array,
  local: Int32Array,
  n: number,
  place: (i: number) => number,
): number {
  const taken = new Int32Array(1);
  // `place` runs here, not in the row loop: it differs from query to query.
  for (let i = knownGroups(combos, passed, table, local, 0, n, taken); i < n; ) {
    const l = place(i);
    if (l < 0) {
      local.fill(-1, i);
      return -1 - taken[0]!;
    }
    table[combos[i]!] = l;
    local[i] = l;
    taken[0]!++;
    i = knownGroups(combos, passed, table, local, i + 1, n, taken);
  }
  return taken[0]!;
}

/**
 * Sets `local` from row `from` on, until a row whose combination is not in `table` yet: returns
 * that row, or `n`. Adds the rows taken to `taken[0]`.
 */
function knownGroups(
  combos: Int32Array,
  passed: Uint8Array,
  table: Int32Array,
  local: Int32Array,
  from: number,
  n: number,
  taken: Int32Array,
): number {
  let count = 0;
  let i = from;
  for (; i < n; i++) {
    // One store for rows taken and not: a store first met by the first filtered row, after
    // V8 compiled the loop for the queries before, would throw the compiled loop away.
    let l = -1;
    if (passed[i] !== 0) {
      l = table[combos[i]!]!;
      if (l < 0) break;
      count++;
    }
    local[i] = l;
  }
  taken[0] = taken[0]! + count;
  return i;
}

/** As `tableGroups`, for key combinations too many to number in a table. */
function mapGroups(
  all: readonly KeyIds[],
  strides: readonly number[],
  passed: Uint8Array,
  local: Int32Array,
  n: number,
  place: (i: number) => number,
): number {
  const map = new Map<number, number>();
  let taken = 0;
  for (let i = 0; i < n; i++) {
    if (passed[i] === 0) {
      local[i] = -1;
      continue;
    }
    let combo = 0;
    for (let j = 0; j < all.length; j++) combo += all[j]!.ids[i]! * strides[j]!;
    let l = map.get(combo) ?? -1;
    if (l < 0) {
      l = place(i);
      if (l < 0) {
        local.fill(-1, i);
        return -1 - taken;
      }
      map.set(combo, l);
    }
    local[i] = l;
    taken++;
  }
  return taken;
}

function keyIds(
  view: BatchView,
  mask: Uint8Array | undefined,
  key: GroupKey,
  scratch: Scratch,
  j: number,
): KeyIds {
  const n = view.length;
  const col = view.column(key.field);
  if (col.kind === 'dict' && key.bucketer === undefined && mask === undefined) {
    // Every row taken: each entry's key, by the entry's code, and the codes are the ids. Two
    // entries with one key (0 and -0) make two ids, which `groupBatch` puts in one group.
    const values: Value[] = [];
    for (const v of col.dict) values.push(key.cellKey(v));
    return { ids: col.codes, values };
  }
  if (col.kind !== 'dict' && key.bucketer !== undefined && mask === undefined) {
    // Every row taken: the ids of one time bucket are shared by the batch's queries.
    const shared = `keyIds:${key.bucket}:${key.zone.name}:${key.field}`;
    return view.derived(shared, () => rowKeyIds(view, mask, key, col, new Int32Array(n)));
  }
  // Read only at rows that pass, which are all written.
  return rowKeyIds(view, mask, key, col, scratch.int32(`ids${j}`, n));
}

/** `keyIds` row by row, in `ids`. */
function rowKeyIds(
  view: BatchView,
  mask: Uint8Array | undefined,
  key: GroupKey,
  col: BatchColumn,
  ids: Int32Array,
): KeyIds {
  const n = view.length;
  const values: Value[] = [];
  const index = new Map<Value | symbol, number>();
  const idOf = (k: Value): number => {
    const m = k === 0 && 1 / k < 0 ? MINUS_ZERO : k;
    let id = index.get(m);
    if (id === undefined) {
      id = values.length;
      index.set(m, id);
      values.push(k);
    }
    return id;
  };
  const bucketer = key.bucketer;
  if (col.kind !== 'dict' && bucketer !== undefined) {
    // Time buckets of texts: one per day (hour, slot), the keys shared by the batch's queries.
    const keys = view.isoKeys(key.field, bucketer.unit);
    const byKey = new Map<number, number>();
    let lastKey = -1;
    let lastId = -1;
    for (let i = 0; i < n; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      const k = keys[i]!;
      if (k >= 0 && k === lastKey) {
        ids[i] = lastId;
        continue;
      }
      let id = -1;
      if (k >= 0) {
        id = byKey.get(k) ?? -2;
        if (id === -2) {
          const text = batchCell(col, i) as string;
          id = bucketer.sharesKey(text) ? idOf(bucketer.of(text)) : -1;
          byKey.set(k, id);
        }
        if (id >= 0) {
          lastKey = k;
          lastId = id;
        }
      }
      ids[i] = id >= 0 ? id : idOf(key.cellKey(batchCell(col, i)));
    }
    return { ids, values };
  }
  if (col.kind !== 'dict') {
    // Rows often repeat the cell before (a year, a flag): its id is taken again.
    let last: Value | undefined;
    let lastId = -1;
    for (let i = 0; i < n; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      const v = batchCell(col, i);
      if (!Object.is(v, last)) {
        last = v;
        lastId = idOf(key.cellKey(v));
      }
      ids[i] = lastId;
    }
    return { ids, values };
  }
  // Each entry's id, computed when a row taken first has it.
  const { codes } = col;
  const entryIds = new Int32Array(col.dict.length).fill(-1);
  const entryId = entryIdOf(view, col, key, idOf);
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const c = codes[i]!;
    let id = entryIds[c]!;
    if (id < 0) {
      id = entryId(c);
      entryIds[c] = id;
    }
    ids[i] = id;
  }
  return { ids, values };
}

/** The id of a dictionary entry's key; a time bucket once per day (hour, slot) of the texts. */
function entryIdOf(
  view: BatchView,
  col: DictColumn,
  key: GroupKey,
  idOf: (k: Value) => number,
): (entry: number) => number {
  const { dict } = col;
  const bucketer = key.bucketer;
  const dates = bucketer && view.dateGroups(key.field, bucketer.unit);
  if (bucketer === undefined || dates === undefined) return (e) => idOf(key.cellKey(dict[e] ?? null));
  // Per group of texts: the id of their bucket, or -1 when they do not share one.
  const groupIds: number[] = [];
  return (e) => {
    const g = dates.groupOf(e);
    if (g < 0) return idOf(key.cellKey(dict[e] ?? null));
    let id = groupIds[g];
    if (id === undefined) {
      const text = dates.texts[g]!;
      id = bucketer.sharesKey(text) ? idOf(bucketer.of(text)) : -1;
      groupIds[g] = id;
    }
    return id >= 0 ? id : idOf(key.cellKey(dict[e] ?? null));
  };
}

/**
 * Counts the cells of the rows taken that time buckets read and that were not dates, in row
 * order, as `GroupKey.keyOf` does. Only cells whose key is null are looked at (once per
 * dictionary entry).
 */
export function countKeyMisses(view: BatchView, taken: BatchGroups, keys: readonly GroupKey[]): void {
  const { local } = taken;
  const n = view.length;
  keys.forEach((key, j) => {
    const misses = key.misses;
    const ids = taken.keyIds[j];
    if (misses === undefined || ids === undefined) return;
    const nullId = ids.values.indexOf(null);
    if (nullId < 0) return;
    const col = view.column(key.field);
    // Per dictionary entry: 0 not looked at yet, 1 a date (or null), 2 a miss.
    const seen = col.kind === 'dict' ? new Uint8Array(col.dict.length) : undefined;
    for (let i = 0; i < n; i++) {
      if (local[i]! < 0 || ids.ids[i] !== nullId) continue;
      if (seen !== undefined && col.kind === 'dict') {
        const c = col.codes[i]!;
        if (seen[c] === 0) seen[c] = isDateMiss(col.dict[c] ?? null) ? 2 : 1;
        if (seen[c] === 2) misses.add(col.dict[c] ?? null);
      } else {
        const v = batchCell(col, i);
        if (isDateMiss(v)) misses.add(v);
      }
    }
  });
}
