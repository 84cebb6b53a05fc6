import { ChartpressError, type Problem, problem } from '../errors.js';
import type { Row, Value } from '../frame.js';
import type { Lookup, Query } from '../spec/schema.js';
import { traceAsync, tracing } from '../telemetry/channels.js';
import type { BatchColumn, ColumnBatch } from './batch.js';
import { batchCell } from './batch.js';
import { BatchView } from './batch-view.js';
import { list } from './query-check.js';
import { batchesOf, type RowSource } from './sources/rows.js';
import { at, type QueryWhere } from './where.js';

/** Most rows a lookup's dimension dataset may have: it is held in memory. Defaults to 1,000,000. */
export const DEFAULT_MAX_LOOKUP_ROWS = 1_000_000;

/** Missing keys a `CP_ERR_LOOKUP_MISSING_KEY` names, at most. */
const NAMED_KEYS = 5;

/** The lookups of a query, as a list. */
export function lookupsOf(query: Query): readonly Lookup[] {
  const l = query.lookup;
  return l === undefined ? [] : Array.isArray(l) ? l : [l];
}

/** The key columns of a lookup: `left` in the query's dataset, `right` in the dimension. */
export function lookupKeys(l: Lookup): { left: string; right: string } {
  return typeof l.on === 'string' ? { left: l.on, right: l.on } : l.on;
}

/** The name a looked-up field takes in the rows: its column name, prefixed or renamed by `as`. */
export function lookupName(l: Lookup, field: string): string {
  if (l.as === undefined) return field;
  if (typeof l.as === 'string') return `${l.as}${field}`;
  return Object.hasOwn(l.as, field) ? l.as[field]! : field;
}

/** The columns of the dimension dataset a lookup reads: its key, then its fields. */
export function lookupColumns(l: Lookup): string[] {
  return [lookupKeys(l).right, ...l.fields];
}

/** Where one key column's values sit among the rows of a dimension, or the key found twice. */
type KeyIndex = { readonly rows: ReadonlyMap<Value, number> } | { readonly duplicate: Value };

/**
 * A dimension dataset held in memory, read once and shared by every query that looks it up:
 * the columns its lookups read, each as an array of cells, and per key column an index of row
 * by key (built on first use). Null keys are left out: they never match.
 */
export class DimensionTable {
  readonly dataset: string;
  /** Every column of the dataset. */
  readonly columns: readonly string[];
  readonly length: number;
  readonly #cells: ReadonlyMap<string, readonly Value[]>;
  readonly #indexes = new Map<string, KeyIndex>();

  constructor(
    dataset: string,
    columns: readonly string[],
    cells: ReadonlyMap<string, readonly Value[]>,
    length: number,
  ) {
    this.dataset = dataset;
    this.columns = columns;
    this.#cells = cells;
    this.length = length;
  }

  /** The cells of a column that was read (see `loadDimension`). */
  cells(column: string): readonly Value[] {
    const cells = this.#cells.get(column);
    if (cells === undefined) throw new Error(`column "${column}" of dataset "${this.dataset}" was not read`);
    return cells;
  }

  /** The row of each key of a column, or the first key found on two rows. */
  index(column: string): KeyIndex {
    let index = this.#indexes.get(column);
    if (index === undefined) {
      const rows = new Map<Value, number>();
      index = { rows };
      const cells = this.cells(column);
      for (let i = 0; i < cells.length; i++) {
        const key = cells[i] ?? null;
        if (key === null) continue;
        if (rows.has(key)) {
          index = { duplicate: key };
          break;
        }
        rows.set(key, i);
      }
      this.#indexes.set(column, index);
    }
    return index;
  }
}

/** The dimension datasets of a scan by name: each table, or the problem of reading it. */
export type Dimensions = ReadonlyMap<string, DimensionTable | Problem>;

/** Options of `loadDimension`. */
export interface DimensionOptions {
  /** The report file, named in messages. */
  readonly file?: string | undefined;
  /** Most rows read. Defaults to `DEFAULT_MAX_LOOKUP_ROWS` (1,000,000). */
  readonly maxRows?: number | undefined;
  /** Stops the read between batches; the signal's reason is thrown. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Reads a dimension dataset into memory: the cells of `needed` columns (those it has), for at
 * most `maxRows` rows (past them: `CP_ERR_LOOKUP_TOO_LARGE`, at `datasets.<name>`). Traced on
 * `chartpress:data` as a read feeding no query (`queries: 0`).
 */
export function loadDimension(
  name: string,
  source: AsyncIterable<Row> | RowSource,
  needed: ReadonlySet<string>,
  opts: DimensionOptions = {},
): Promise<DimensionTable> {
  return traceAsync(
    tracing.data,
    () => ({ dataset: name, queries: 0, rows: 0 }),
    () => readDimension(name, source, needed, opts),
    (event, table) => {
      event.rows = table.length;
    },
  );
}

async function readDimension(
  name: string,
  source: AsyncIterable<Row> | RowSource,
  needed: ReadonlySet<string>,
  opts: DimensionOptions,
): Promise<DimensionTable> {
  const maxRows = opts.maxRows ?? DEFAULT_MAX_LOOKUP_ROWS;
  const seen = new Set<string>();
  const cells = new Map<string, Value[]>([...needed].map((c) => [c, []]));
  const kept = [...cells];
  let n = 0;
  for await (const batch of batchesOf(source as RowSource)) {
    if (n + batch.length > maxRows) {
      const message = `dataset "${name}" has more than ${maxRows} rows, the most a lookup holds in memory`;
      throw new ChartpressError([
        problem('CP_ERR_LOOKUP_TOO_LARGE', message, { file: opts.file, path: `datasets.${name}` }),
      ]);
    }
    for (const row of batch) {
      if (n === 0 || (source as RowSource).sparse === true) for (const key in row) seen.add(key);
      for (const [column, values] of kept) values.push(row[column] ?? null);
      n++;
    }
    opts.signal?.throwIfAborted();
  }
  // A dataset with no rows is not checked for columns (as a scan does not): nothing matches.
  return new DimensionTable(name, n === 0 ? [...needed] : [...seen], cells, n);
}

/** One lookup of a query, resolved against its dimension. */
interface Step {
  readonly spec: Lookup;
  /** Path keys of the lookup in the query: `['lookup']` or `['lookup', i]`. */
  readonly keys: readonly PropertyKey[];
  readonly left: string;
  readonly right: string;
  readonly names: readonly string[];
  readonly onMissing: 'null' | 'skip' | 'error';
  readonly rows: ReadonlyMap<Value, number> | undefined;
  readonly cells: readonly (readonly Value[])[];
  /** Rows whose key was missing, and the first missing keys (distinct), for `onMissing: error`. */
  missing: number;
  readonly missed: Value[];
}

/**
 * The lookups of one query: each row (or batch) of its dataset gets the looked-up fields, in
 * order, before the query's calculated fields, filters and groups see it. Rows whose key the
 * dimension lacks get nulls (`onMissing: null`, the default), are dropped (`skip`) or counted
 * for an error at the end (`error`). `problems` lists what is wrong whatever the rows: an
 * unread dimension, a key or field it lacks, a key on two of its rows.
 */
export class QueryLookups {
  readonly problems: readonly Problem[];
  /** The names the looked-up fields take, in order. */
  readonly names: readonly string[];
  readonly #steps: readonly Step[];
  readonly #where: QueryWhere;
  /** Shares the looked-up columns of a batch between queries with the same lookups. */
  readonly #memo: string;

  constructor(query: Query, where: QueryWhere, dimensions: Dimensions | undefined) {
    this.#where = where;
    const specs = lookupsOf(query);
    const many = Array.isArray(query.lookup);
    const problems: Problem[] = [];
    const steps: Step[] = [];
    specs.forEach((spec, i) => {
      const keys = many ? ['lookup', i] : ['lookup'];
      const { left, right } = lookupKeys(spec);
      const dim = dimensions?.get(spec.from);
      const names = spec.fields.map((f) => lookupName(spec, f));
      let rows: ReadonlyMap<Value, number> | undefined;
      let cells: (readonly Value[])[] = [];
      if (dim === undefined) {
        const message = `dataset "${spec.from}" was not read for the lookup`;
        problems.push(problem('CP_ERR_UNKNOWN_DATASET', message, at(where, ...keys, 'from')));
      } else if (!(dim instanceof DimensionTable)) {
        problems.push(problem(dim.code, dim.message, { ...at(where, ...keys, 'from'), hint: dim.hint }));
      } else {
        const unknown = (column: string, ...path: PropertyKey[]) => {
          const message = `column "${column}" not found in dataset "${spec.from}"; columns: ${list(dim.columns)}`;
          problems.push(problem('CP_ERR_UNKNOWN_COLUMN', message, at(where, ...keys, ...path)));
        };
        const has = new Set(dim.columns);
        if (!has.has(right)) unknown(right, 'on', ...(typeof spec.on === 'string' ? [] : ['right']));
        spec.fields.forEach((f, j) => {
          if (!has.has(f)) unknown(f, 'fields', j);
        });
        if (has.has(right)) {
          const index = dim.index(right);
          if ('duplicate' in index) {
            const message = `key ${show(index.duplicate)} of column "${right}" is on more than one row of dataset "${spec.from}"`;
            problems.push(problem('CP_ERR_LOOKUP_DUPLICATE_KEY', message, at(where, ...keys, 'on')));
          } else rows = index.rows;
        }
        if (spec.fields.every((f) => has.has(f))) cells = spec.fields.map((f) => dim.cells(f));
      }
      const seen = new Set(steps.flatMap((s) => s.names));
      names.forEach((name, j) => {
        if (!seen.has(name) && names.indexOf(name) === j) return;
        const message = `looked-up field "${name}" is named twice`;
        problems.push(
          problem('CP_ERR_INVALID_VALUE', message, {
            ...at(where, ...keys, 'fields', j),
            hint: 'rename it with `as`',
          }),
        );
      });
      steps.push({
        spec,
        keys,
        left,
        right,
        names,
        onMissing: spec.onMissing ?? 'null',
        rows,
        cells,
        missing: 0,
        missed: [],
      });
    });
    this.#steps = steps;
    this.names = steps.flatMap((s) => s.names);
    this.problems = problems;
    this.#memo = `lookup:${JSON.stringify(specs)}`;
  }

  /** Whether the batch's key columns can be read column by column (see `BatchView.has`). */
  fits(view: BatchView): boolean {
    return view.has(
      this.#steps
        .filter((s, i) => !this.#steps.slice(0, i).some((b) => b.names.includes(s.left)))
        .map((s) => s.left),
    );
  }

  /** Problems with the dataset's columns: a key it lacks, a looked-up field named as one of its columns. */
  check(columns: readonly string[]): Problem[] {
    const have = new Set(columns);
    const problems: Problem[] = [];
    const before = new Set<string>();
    for (const s of this.#steps) {
      if (!have.has(s.left) && !before.has(s.left)) {
        const message = `column "${s.left}" not found in dataset "${this.#where.dataset}"; columns: ${list(columns)}`;
        const path = typeof s.spec.on === 'string' ? ['on'] : ['on', 'left'];
        problems.push(problem('CP_ERR_UNKNOWN_COLUMN', message, at(this.#where, ...s.keys, ...path)));
      }
      s.names.forEach((name, j) => {
        if (!have.has(name)) return;
        const message = `looked-up field "${name}" has the name of a column of dataset "${this.#where.dataset}"`;
        const where = at(this.#where, ...s.keys, 'fields', j);
        problems.push(
          problem('CP_ERR_INVALID_VALUE', message, {
            ...where,
            hint: 'rename it with `as` (a prefix, or { field: name })',
          }),
        );
      });
      for (const name of s.names) before.add(name);
    }
    return problems;
  }

  /** The row with its looked-up fields; undefined when a lookup with `onMissing: skip` drops it. */
  extend(row: Row): Row | undefined {
    let out = row;
    for (const s of this.#steps) {
      const key = out[s.left] ?? null;
      const r = key === null ? undefined : s.rows?.get(key);
      if (r === undefined) {
        if (s.onMissing === 'skip') return undefined;
        if (s.onMissing === 'error') this.#miss(s, key);
      }
      out = out === row ? { ...row } : out;
      s.names.forEach((name, j) => {
        out[name] = r === undefined ? null : (s.cells[j]?.[r] ?? null);
      });
    }
    return out;
  }

  /**
   * The batch with the looked-up fields as columns after its own (dictionary columns over the
   * dimension rows the batch meets), its rows dropped by `skip` left out. Shared by the queries
   * of the scan with the same lookups.
   */
  extendView(view: BatchView): BatchView {
    const made = view.derived(this.#memo, () => this.#extendBatch(view));
    // Each query counts what its own `onMissing: error` reports.
    made.missing.forEach((m, i) => {
      const s = this.#steps[i]!;
      s.missing += m.count;
      for (const key of m.keys) this.#note(s, key);
    });
    return made.view;
  }

  #extendBatch(view: BatchView): { view: BatchView; missing: { count: number; keys: Value[] }[] } {
    let batch: ColumnBatch = view.batch;
    const missing: { count: number; keys: Value[] }[] = [];
    for (const s of this.#steps) {
      const n = batch.length;
      const index = new BatchView(batch);
      const rowOf = rowsOfKeys(index.column(s.left), n, s.rows);
      const m = { count: 0, keys: [] as Value[] };
      const noted = new Set<Value>();
      let kept = n;
      for (let i = 0; i < n; i++) {
        if (rowOf[i]! >= 0) continue;
        m.count++;
        kept--;
        if (m.keys.length <= NAMED_KEYS) {
          const key = batchCell(index.column(s.left), i);
          if (!noted.has(key)) {
            noted.add(key);
            m.keys.push(key);
          }
        }
      }
      missing.push(s.onMissing === 'error' ? m : { count: 0, keys: [] });
      let rows = rowOf;
      if (s.onMissing === 'skip' && kept < n) {
        const take = new Int32Array(kept);
        let k = 0;
        for (let i = 0; i < n; i++) if (rowOf[i]! >= 0) take[k++] = i;
        batch = gather(batch, take);
        rows = new Int32Array(kept);
        for (let i = 0; i < kept; i++) rows[i] = rowOf[take[i]!]!;
      }
      batch = withColumns(batch, s.names, s.cells, rows);
    }
    return { view: new BatchView(batch), missing };
  }

  /** `CP_ERR_LOOKUP_MISSING_KEY` for each lookup with `onMissing: error` that missed keys. */
  finish(): Problem[] {
    return this.#steps.flatMap((s) =>
      s.missing === 0
        ? []
        : [missingKeys(s.spec, at(this.#where, ...s.keys, 'onMissing'), s.missing, s.missed)],
    );
  }

  #miss(s: Step, key: Value): void {
    s.missing++;
    this.#note(s, key);
  }

  #note(s: Step, key: Value): void {
    // One more than named, to tell whether there are more.
    if (s.missed.length <= NAMED_KEYS && !s.missed.includes(key)) s.missed.push(key);
  }
}

/**
 * `CP_ERR_LOOKUP_MISSING_KEY` for `rows` rows whose key the lookup missed: the first missing
 * keys (distinct, first seen first; one more than named tells that there are more).
 */
export function missingKeys(
  l: Lookup,
  where: { file?: string | undefined; path: string },
  rows: number,
  keys: readonly Value[],
): Problem {
  const { left, right } = lookupKeys(l);
  const count = rows === 1 ? '1 row has' : `${rows} rows have`;
  const named = keys.slice(0, NAMED_KEYS).map(show).join(', ');
  const more = keys.length > NAMED_KEYS ? ', ...' : '';
  const message = `${count} a "${left}" not found in column "${right}" of dataset "${l.from}": ${named}${more}`;
  return problem('CP_ERR_LOOKUP_MISSING_KEY', message, where);
}

/** Per row of a key column, the dimension row of its key, or -1. */
function rowsOfKeys(col: BatchColumn, n: number, rows: ReadonlyMap<Value, number> | undefined): Int32Array {
  const out = new Int32Array(n).fill(-1);
  if (rows === undefined) return out;
  if (col.kind === 'dict') {
    // Each distinct key is looked up once.
    const perEntry = col.dict.map((v) => (v === null ? -1 : (rows.get(v) ?? -1)));
    for (let i = 0; i < n; i++) out[i] = perEntry[col.codes[i]!] ?? -1;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const key = batchCell(col, i);
    if (key !== null) out[i] = rows.get(key) ?? -1;
  }
  return out;
}

/** The batch's columns followed by the looked-up ones: dictionaries of the dimension rows met. */
function withColumns(
  batch: ColumnBatch,
  names: readonly string[],
  cells: readonly (readonly Value[])[],
  rows: Int32Array,
): ColumnBatch {
  const n = batch.length;
  const codes = new Int32Array(n);
  const local = new Map<number, number>();
  const met: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    let c = local.get(r);
    if (c === undefined) {
      c = met.length;
      local.set(r, c);
      met.push(r);
    }
    codes[i] = c;
  }
  const columns = names.map((_, j): BatchColumn => {
    const values = cells[j];
    const dict = met.map((r) => (r < 0 || values === undefined ? null : (values[r] ?? null)));
    return { kind: 'dict', codes, dict };
  });
  return { length: n, names: [...batch.names, ...names], columns: [...batch.columns, ...columns] };
}

/** The rows `take` of a batch, in that order. */
function gather(batch: ColumnBatch, take: Int32Array): ColumnBatch {
  const columns = batch.columns.map((col): BatchColumn => {
    if (col.kind === 'number') {
      const values = new Float64Array(take.length);
      for (let k = 0; k < take.length; k++) values[k] = col.values[take[k]!]!;
      return { kind: 'number', values };
    }
    if (col.kind === 'dict') {
      const codes = new Int32Array(take.length);
      for (let k = 0; k < take.length; k++) codes[k] = col.codes[take[k]!]!;
      return { kind: 'dict', codes, dict: col.dict };
    }
    return { kind: 'values', values: Array.from(take, (i) => col.values[i] ?? null) };
  });
  return { length: take.length, names: batch.names, columns };
}

const show = (v: Value): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
