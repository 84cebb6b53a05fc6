import type { Row, Value } from '../frame.js';
import { type BatchColumn, batchRows, type ColumnBatch } from './batch.js';
import { IsoTimeColumn } from './batch-time.js';
import { type IsoKeyUnit, isoKey } from './bucketer.js';
import { isoTimeKeys } from './iso-time.js';

/**
 * The date texts of a dictionary column grouped by their `isoKey`, so that a time bucket is
 * computed once per group. Entries are looked at when first asked for.
 */
export class DateGroups {
  /** Per group: the text of its first entry asked for. */
  readonly texts: string[] = [];
  readonly #dict: readonly Value[];
  readonly #unit: IsoKeyUnit;
  // Per entry: -2 not looked at yet, -1 no key, else its group.
  readonly #group: Int32Array;
  readonly #index = new Map<number, number>();
  #lastKey = -1;
  #lastGroup = -1;

  constructor(dict: readonly Value[], unit: IsoKeyUnit) {
    this.#dict = dict;
    this.#unit = unit;
    this.#group = new Int32Array(dict.length).fill(-2);
  }

  /** The group of an entry, or -1 for an entry without a key. */
  groupOf(entry: number): number {
    let g = this.#group[entry]!;
    if (g !== -2) return g;
    const v = this.#dict[entry];
    const key = typeof v === 'string' ? isoKey(v, this.#unit) : -1;
    if (key < 0) g = -1;
    // Columns in time order repeat the key of the entry before.
    else if (key === this.#lastKey) g = this.#lastGroup;
    else {
      g = this.#index.get(key) ?? -1;
      if (g < 0) {
        g = this.texts.length;
        this.#index.set(key, g);
        this.texts.push(v as string);
      }
      this.#lastKey = key;
      this.#lastGroup = g;
    }
    this.#group[entry] = g;
    return g;
  }
}

/**
 * A column batch as the queries of one scan share it: columns by name, the rows built at most
 * once (for queries that read rows), and what several queries compute from one column.
 */
export class BatchView {
  readonly batch: ColumnBatch;
  readonly length: number;
  /** The column names as a row of the batch has them (`Object.keys` order, each once). */
  readonly columns: readonly string[];
  readonly #byName = new Map<string, BatchColumn>();
  readonly #dates = new Map<string, DateGroups>();
  // Keys of 15-minute slots pass 2^31: doubles, not 32-bit integers.
  readonly #isoKeys = new Map<string, Float64Array>();
  readonly #sound = new Map<string, boolean>();
  readonly #finite = new Map<string, boolean>();
  // Per column: its source vouches for its cells (see `ColumnBatch.checked`).
  readonly #checked = new Map<string, boolean>();
  readonly #derived = new Map<string, unknown>();
  #rows: Row[] | undefined;

  constructor(batch: ColumnBatch) {
    this.batch = batch;
    this.length = batch.length;
    const probe: Row = {};
    batch.names.forEach((name, i) => {
      probe[name] = null;
      // A later column of one name wins, as it does in a row.
      this.#byName.set(name, batch.columns[i]!);
      this.#checked.set(name, batch.checked?.[i] === true);
    });
    this.columns = Object.keys(probe);
  }

  /**
   * Every name is a column whose cells a row holds as they are: not `__proto__` (which a row
   * cannot hold as its own), with a cell for every row and dictionary codes in range.
   */
  has(names: readonly string[]): boolean {
    return names.every((n) => {
      let ok = this.#sound.get(n);
      if (ok === undefined) {
        const col = this.#byName.get(n);
        ok =
          n !== '__proto__' && col !== undefined && isSound(col, this.length, this.#checked.get(n) === true);
        this.#sound.set(n, ok);
      }
      return ok;
    });
  }

  /** The column called `name`; see `has`. */
  column(name: string): BatchColumn {
    const col = this.#byName.get(name);
    if (col === undefined) throw new Error(`no column "${name}" in the batch`);
    return col;
  }

  /** The rows of the batch, made on first ask and shared. */
  rows(): readonly Row[] {
    this.#rows ??= batchRows(this.batch);
    return this.#rows;
  }

  /**
   * Per row of a column that is not a dictionary (timestamps rarely repeat): `isoKey(text,
   * unit)`, or -1 for a cell without one. Computed once for all the queries of the batch.
   */
  isoKeys(name: string, unit: IsoKeyUnit): Float64Array {
    const memo = `${unit}:${name}`;
    let keys = this.#isoKeys.get(memo);
    if (keys === undefined) {
      const col = this.column(name);
      if (col instanceof IsoTimeColumn) keys = isoTimeKeys(col.ms, this.length, unit);
      else {
        keys = new Float64Array(this.length);
        for (let i = 0; i < keys.length; i++) {
          const v = col.kind === 'values' ? col.values[i] : undefined;
          keys[i] = typeof v === 'string' ? isoKey(v, unit) : -1;
        }
      }
      this.#isoKeys.set(memo, keys);
    }
    return keys;
  }

  /** Whether `name` is a number column with no NaN (null) or infinity; computed once per column. */
  finite(name: string): boolean {
    let ok = this.#finite.get(name);
    if (ok === undefined) {
      const col = this.column(name);
      ok =
        col.kind === 'number' &&
        col.values.length >= this.length &&
        (this.#checked.get(name) === true || allFinite(col.values, this.length));
      this.#finite.set(name, ok);
    }
    return ok;
  }

  /**
   * What `make` computes from the batch, made once under `key` and shared by every query that
   * asks for it (a calculated column, say). The key must name everything the result depends on.
   */
  derived<T>(key: string, make: () => T): T {
    if (this.#derived.has(key)) return this.#derived.get(key) as T;
    const made = make();
    this.#derived.set(key, made);
    return made;
  }

  /** The entries of a dictionary column grouped by `isoKey(text, unit)`; undefined for other columns. */
  dateGroups(name: string, unit: IsoKeyUnit): DateGroups | undefined {
    const col = this.column(name);
    if (col.kind !== 'dict') return undefined;
    const memo = `${unit}:${name}`;
    let groups = this.#dates.get(memo);
    if (groups === undefined) {
      groups = new DateGroups(col.dict, unit);
      this.#dates.set(memo, groups);
    }
    return groups;
  }
}

function allFinite(values: Float64Array, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (v - v !== 0) return false;
  }
  return true;
}

function isSound(col: BatchColumn, length: number, checked: boolean): boolean {
  if (col instanceof IsoTimeColumn) return col.ms.length >= length;
  if (col.kind !== 'dict') return col.values.length >= length;
  const { codes } = col;
  if (codes.length < length) return false;
  if (checked) return true;
  const size = col.dict.length;
  for (let i = 0; i < length; i++) {
    const c = codes[i]!;
    if (c < 0 || c >= size) return false;
  }
  return true;
}

/** `f` of each dictionary entry (null for a missing one), in a typed array of the entries. */
export function perEntry<T extends Uint8Array | Float64Array>(
  dict: readonly Value[],
  make: (n: number) => T,
  f: (v: Value) => number,
): T {
  const out = make(dict.length);
  for (let e = 0; e < dict.length; e++) out[e] = f(dict[e] ?? null);
  return out;
}
