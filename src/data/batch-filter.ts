import { batchCell } from './batch.js';
import { type BatchView, perEntry } from './batch-view.js';
import type { DateCheck, FieldTest, NumericOp } from './filter.js';
import { isDateMiss } from './invalid.js';
import type { Scratch } from './scratch.js';

/**
 * Which rows of a batch pass every test (1) or not (0); undefined when there are no tests. A
 * dictionary column is tested once per entry, other columns once per row. The mask is the
 * scratch array `name`.
 */
export function filterMask(
  view: BatchView,
  tests: readonly FieldTest[],
  scratch: Scratch,
  name = 'mask',
): Uint8Array | undefined {
  if (tests.length === 0) return undefined;
  const n = view.length;
  const mask = scratch.uint8(name, n).fill(1);
  for (const { field, test, numeric } of tests) {
    const col = view.column(field);
    if (col.kind === 'dict') {
      const ok = perEntry(
        col.dict,
        (k) => new Uint8Array(k),
        (v) => (test(v) ? 1 : 0),
      );
      const { codes } = col;
      for (let i = 0; i < n; i++) if (mask[i] === 1) mask[i] = ok[codes[i]!]!;
    } else if (col.kind === 'number' && numeric !== undefined) {
      numberMask(mask, col.values, n, numeric.op, numeric.target);
    } else if (col.kind === 'number') {
      const { values } = col;
      for (let i = 0; i < n; i++) {
        if (mask[i] === 0) continue;
        const v = values[i]!;
        if (!test(Number.isNaN(v) ? null : v)) mask[i] = 0;
      }
    } else {
      for (let i = 0; i < n; i++) if (mask[i] === 1 && !test(col.values[i] ?? null)) mask[i] = 0;
    }
  }
  return mask;
}

/** Clears the rows of `mask` whose number (NaN for null, which fails) does not compare with `t` as `op` says. */
function numberMask(mask: Uint8Array, values: Float64Array, n: number, op: NumericOp, t: number): void {
  // NaN fails every comparison below, `!==` included: `ne` keeps only numbers.
  switch (op) {
    case 'eq':
      for (let i = 0; i < n; i++) if (!(values[i]! === t)) mask[i] = 0;
      return;
    case 'ne':
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        if (Number.isNaN(v) || v === t) mask[i] = 0;
      }
      return;
    case 'lt':
      for (let i = 0; i < n; i++) if (!(values[i]! < t)) mask[i] = 0;
      return;
    case 'lte':
      for (let i = 0; i < n; i++) if (!(values[i]! <= t)) mask[i] = 0;
      return;
    case 'gt':
      for (let i = 0; i < n; i++) if (!(values[i]! > t)) mask[i] = 0;
      return;
    case 'gte':
      for (let i = 0; i < n; i++) if (!(values[i]! >= t)) mask[i] = 0;
      return;
  }
}

/**
 * Counts, for each filter comparing with a date, the cells of the rows taken (`local[i] >= 0`)
 * that are not dates, in row order. A dictionary entry is looked at once.
 */
export function countDateMisses(view: BatchView, local: Int32Array, checks: readonly DateCheck[]): void {
  const n = view.length;
  for (const d of checks) {
    const col = view.column(d.field);
    if (col.kind === 'dict') {
      // Per entry: 0 not looked at yet, 1 a date (or null), 2 a miss; only entries of rows taken.
      const { codes, dict } = col;
      const seen = new Uint8Array(dict.length);
      for (let i = 0; i < n; i++) {
        if (local[i]! < 0) continue;
        const c = codes[i]!;
        if (seen[c] === 0) seen[c] = isDateMiss(dict[c] ?? null) ? 2 : 1;
        if (seen[c] === 2) d.misses.add(dict[c] ?? null);
      }
    } else if (col.kind === 'number') {
      // Every number is a miss: a date is text.
      const { values } = col;
      for (let i = 0; i < n; i++) if (local[i]! >= 0 && !Number.isNaN(values[i]!)) d.misses.add(values[i]!);
    } else {
      for (let i = 0; i < n; i++) {
        if (local[i]! < 0) continue;
        const v = batchCell(col, i);
        if (isDateMiss(v)) d.misses.add(v);
      }
    }
  }
}
