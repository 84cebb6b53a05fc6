import { type Accumulator, CountRows, CountValues, Extreme, Sum } from './aggregate.js';
import { unwrap } from './aggregate-where.js';
import { type BatchColumn, batchCell } from './batch.js';
import type { BatchGroups } from './batch-keys.js';
import { type BatchView, perEntry } from './batch-view.js';
import type { Group } from './group.js';
import type { Scratch } from './scratch.js';

/**
 * Adds the rows a batch put in groups (`BatchGroups`) to the groups' accumulators, one aggregate
 * at a time, in row order, each exactly as adding the rows one by one would (same sums to the
 * last bit, same first and last). count, sum, avg, min and max over numbers run as loops over
 * typed arrays; the others take the cells one by one. `fields`: the column each aggregate reads
 * (undefined for a count of rows); `seq`: the scan position of the batch's first row taken.
 * `masks`: per aggregate with a `where`, the rows that meet it (see `Conditional`).
 */
export function aggregateBatch(
  view: BatchView,
  taken: BatchGroups,
  groups: readonly Group[],
  fields: readonly (string | undefined)[],
  seq: number,
  scratch: Scratch,
  masks: readonly (Uint8Array | undefined)[] = [],
): void {
  if (taken.groups.length === 0) return;
  fields.forEach((field, j) => {
    const accs = new Array<Accumulator>(taken.groups.length);
    for (let l = 0; l < accs.length; l++) accs[l] = unwrap(groups[taken.groups[l]!]!.accs[j]!);
    const first = accs[0]!;
    const mask = masks[j];
    let local = taken.local;
    if (mask !== undefined) {
      local = scratch.int32('where', local.length);
      for (let i = 0; i < local.length; i++) local[i] = mask[i] === 1 ? taken.local[i]! : -1;
    }
    if (field === undefined) {
      if (first instanceof CountRows) countRows(accs as CountRows[], local, scratch);
      else cells(accs, local, taken.local, undefined, seq);
      return;
    }
    const col = view.column(field);
    const done =
      first instanceof CountValues
        ? countValues(accs as CountValues[], local, col, scratch)
        : first instanceof Sum
          ? sum(accs as Sum[], local, col, scratch)
          : first instanceof Extreme && extreme(accs as Extreme[], local, col, scratch);
    if (!done) cells(accs, local, taken.local, col, seq);
  });
}

function countRows(accs: CountRows[], local: Int32Array, scratch: Scratch): void {
  const counts = scratch.float64('counts', accs.length);
  for (let l = 0; l < accs.length; l++) counts[l] = accs[l]!.n;
  addOnes(local, counts);
  for (let l = 0; l < accs.length; l++) accs[l]!.n = counts[l]!;
}

function countValues(accs: CountValues[], local: Int32Array, col: BatchColumn, scratch: Scratch): boolean {
  const present = presence(col, local.length, scratch);
  if (present === undefined) return false;
  const counts = scratch.float64('counts', accs.length);
  for (let l = 0; l < accs.length; l++) counts[l] = accs[l]!.n;
  addPresent(local, present, counts);
  for (let l = 0; l < accs.length; l++) accs[l]!.n = counts[l]!;
  return true;
}

/** 1 for a non-null cell, per row; undefined for a column of values. */
function presence(col: BatchColumn, n: number, scratch: Scratch): Uint8Array | undefined {
  if (col.kind === 'values') return undefined;
  const out = scratch.uint8('present', n);
  if (col.kind === 'number') {
    const { values } = col;
    for (let i = 0; i < n; i++) out[i] = Number.isNaN(values[i]!) ? 0 : 1;
  } else {
    const entry = perEntry(
      col.dict,
      (k) => new Uint8Array(k),
      (v) => (v === null ? 0 : 1),
    );
    const { codes } = col;
    for (let i = 0; i < n; i++) out[i] = entry[codes[i]!]!;
  }
  return out;
}

/**
 * The cells as numbers, per row: NaN for null and, unless `all`, for a cell that is no number;
 * undefined when some cell is not a number and `all` is set, or for a column of values.
 */
function numbers(col: BatchColumn, n: number, all: boolean, scratch: Scratch): Float64Array | undefined {
  if (col.kind === 'number') return col.values;
  if (col.kind === 'values') return undefined;
  let other = false;
  const entry = perEntry(
    col.dict,
    (k) => new Float64Array(k),
    (v) => {
      if (typeof v === 'number') return v;
      if (v !== null) other = true;
      return Number.NaN;
    },
  );
  if (other && all) return undefined;
  const out = scratch.float64('numbers', n);
  const { codes } = col;
  for (let i = 0; i < n; i++) out[i] = entry[codes[i]!]!;
  return out;
}

function sum(accs: Sum[], local: Int32Array, col: BatchColumn, scratch: Scratch): boolean {
  const nums = numbers(col, local.length, false, scratch);
  if (nums === undefined) return false;
  const sums = scratch.float64('sums', accs.length);
  const counts = scratch.float64('counts', accs.length);
  for (let l = 0; l < accs.length; l++) {
    const a = accs[l]!;
    sums[l] = a.sum;
    counts[l] = a.n;
  }
  addFinite(local, nums, sums, counts);
  for (let l = 0; l < accs.length; l++) {
    const a = accs[l]!;
    a.sum = sums[l]!;
    a.n = counts[l]!;
  }
  return true;
}

function extreme(accs: Extreme[], local: Int32Array, col: BatchColumn, scratch: Scratch): boolean {
  // Text is compared as text: only columns without any stay in numbers.
  const nums = numbers(col, local.length, true, scratch);
  if (nums === undefined) return false;
  const sign = accs[0]!.sign;
  const best = scratch.float64('best', accs.length);
  const has = scratch.uint8('has', accs.length);
  for (let l = 0; l < accs.length; l++) {
    const num = accs[l]!.num;
    best[l] = num ?? Number.NaN;
    has[l] = num === undefined ? 0 : 1;
  }
  keepBest(local, nums, sign, best, has);
  for (let l = 0; l < accs.length; l++) if (has[l] === 1) accs[l]!.num = best[l]!;
  return true;
}

// The loops over a batch's rows, each in a function of its own that touches typed arrays only.
// V8 may compile a long loop while it runs (on-stack replacement); loops that sat beside reads
// and writes of the accumulators, which come in several classes (Sum, Avg), kept entering such
// code and leaving it again at the first accumulator of a class it had not seen.

/** counts[local[i]] += 1 for each row taken. */
function addOnes(local: Int32Array, counts: Float64Array): void {
  for (let i = 0; i < local.length; i++) {
    const l = local[i]!;
    if (l >= 0) counts[l]!++;
  }
}

/** counts[local[i]] += present[i] for each row taken. */
function addPresent(local: Int32Array, present: Uint8Array, counts: Float64Array): void {
  for (let i = 0; i < local.length; i++) {
    const l = local[i]!;
    if (l >= 0) counts[l]! += present[i]!;
  }
}

/** The finite numbers of the rows taken, summed and counted by group. */
function addFinite(local: Int32Array, nums: Float64Array, sums: Float64Array, counts: Float64Array): void {
  for (let i = 0; i < local.length; i++) {
    const l = local[i]!;
    const v = nums[i]!;
    // Finite numbers only: v - v is NaN for NaN (null) and the infinities.
    if (l >= 0 && v - v === 0) {
      sums[l]! += v;
      counts[l]!++;
    }
  }
}

/** The least (sign -1) or greatest (sign 1) number of the rows taken, by group. */
function keepBest(
  local: Int32Array,
  nums: Float64Array,
  sign: number,
  best: Float64Array,
  has: Uint8Array,
): void {
  for (let i = 0; i < local.length; i++) {
    const l = local[i]!;
    const v = nums[i]!;
    if (l < 0 || Number.isNaN(v)) continue;
    if (has[l] === 0 || (v - best[l]!) * sign > 0) {
      best[l] = v;
      has[l] = 1;
    }
  }
}

/**
 * Any aggregate, cell by cell in row order (null cells without a column); `seq` counts the rows
 * the query took (`all`), whether or not the aggregate's `where` took them (`local`).
 */
function cells(
  accs: Accumulator[],
  local: Int32Array,
  all: Int32Array,
  col: BatchColumn | undefined,
  seq: number,
): void {
  let s = seq;
  for (let i = 0; i < local.length; i++) {
    const l = local[i]!;
    if (l >= 0) accs[l]!.addValue(col === undefined ? null : batchCell(col, i), s);
    if (all[i]! >= 0) s++;
  }
}
