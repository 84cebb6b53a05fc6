import { type Problem, problem, type Warning } from '../errors.js';
import type { Row, Value } from '../frame.js';
import type { Aggregate, AggregateOp } from '../spec/schema.js';
import { type BatchColumn, batchCell } from './batch.js';
import { parseIsoDate } from './bucket.js';
import { at, type QueryWhere } from './where.js';

/** Aggregates that need finite numbers. */
const NUMERIC: ReadonlySet<AggregateOp> = new Set(['sum', 'avg', 'median', 'p90']);
/** Aggregates that take numbers or, failing those, text (ISO dates). */
const ORDERED: ReadonlySet<AggregateOp> = new Set(['min', 'max']);

/** The condition of an aggregate with `where`: a key naming it, and its test of a row. */
export interface TallyCondition {
  readonly key: string;
  readonly predicate: (row: Row) => boolean;
}

interface Tally {
  readonly field: string;
  /** The rows counted: those meeting the aggregate's `where`, when it has one. */
  readonly cond: TallyCondition | undefined;
  /** The first aggregate reading the column, named in messages. */
  readonly aggregate: string;
  /** Text counts as valid (min/max only). */
  text: boolean;
  skipped: number;
  first: Value | undefined;
}

/**
 * Counts, per column, the cells that a query's numeric aggregates skip: for sum, avg, median
 * and p90 every cell that is not a finite number (nulls included: a missing amount is as absent
 * from a total as a word is); for min and max, nulls and booleans (text is compared as text).
 * A column read by both kinds follows the stricter rule. Only rows that pass the filter count;
 * for an aggregate with a `where` (`conditionOf` its name), only rows that also meet it, counted
 * apart from the column's other aggregates.
 */
export class InvalidTally {
  readonly #tallies: Tally[] = [];

  constructor(
    aggregates: readonly (readonly [string, Aggregate])[],
    conditionOf: (name: string) => TallyCondition | undefined = () => undefined,
  ) {
    for (const [name, agg] of aggregates) {
      if (agg.field === undefined || !(NUMERIC.has(agg.op) || ORDERED.has(agg.op))) continue;
      const text = ORDERED.has(agg.op);
      const cond = conditionOf(name);
      const known = this.#tallies.find((t) => t.field === agg.field && t.cond?.key === cond?.key);
      if (known) known.text &&= text;
      else
        this.#tallies.push({ field: agg.field, cond, aggregate: name, text, skipped: 0, first: undefined });
    }
  }

  /** Looks at one row. */
  check(row: Row): void {
    for (const t of this.#tallies) {
      if (t.cond !== undefined && !t.cond.predicate(row)) continue;
      const v = row[t.field] ?? null;
      if (!valid(t, v) && t.skipped++ === 0) t.first = v;
    }
  }

  /**
   * Looks at the rows of a batch taken (`taken[i] >= 0`), in row order, as `check` would;
   * `column` gives the batch's column of a name, `mask` which rows meet a condition, `finite`
   * whether a number column of that name holds only finite numbers (its rows are then not looked
   * at). A dictionary entry is looked at once.
   */
  checkBatch(
    column: (name: string) => BatchColumn,
    all: Int32Array,
    mask: (cond: TallyCondition) => Uint8Array | undefined = () => undefined,
    finite: (name: string) => boolean = () => false,
  ): void {
    const n = all.length;
    for (const t of this.#tallies) {
      const m = t.cond === undefined ? undefined : mask(t.cond);
      let taken = all;
      if (m !== undefined) {
        taken = new Int32Array(n);
        for (let i = 0; i < n; i++) taken[i] = m[i] === 1 ? all[i]! : -1;
      }
      const col = column(t.field);
      let bad = 0;
      let first = -1;
      if (col.kind === 'number') {
        if (finite(t.field)) continue;
        const { values } = col;
        for (let i = 0; i < n; i++) {
          const v = values[i]!;
          // Not finite: NaN (null) or an infinity.
          if (taken[i]! >= 0 && v - v !== 0 && bad++ === 0) first = i;
        }
      } else if (col.kind === 'dict') {
        const { codes, dict } = col;
        const ok = Uint8Array.from(dict, (v) => (valid(t, v ?? null) ? 1 : 0));
        for (let i = 0; i < n; i++) if (taken[i]! >= 0 && ok[codes[i]!] === 0 && bad++ === 0) first = i;
      } else {
        for (let i = 0; i < n; i++) {
          if (taken[i]! >= 0 && !valid(t, col.values[i] ?? null) && bad++ === 0) first = i;
        }
      }
      if (bad > 0 && t.skipped === 0) t.first = batchCell(col, first);
      t.skipped += bad;
    }
  }

  /**
   * After the scan: one `CP_WARN_INVALID_VALUES` per column with skipped cells, or with
   * `onInvalid: 'error'` one `CP_ERR_INVALID_VALUE` problem per such column (returned), each at
   * the path of the first aggregate reading the column.
   */
  report(where: QueryWhere, onInvalid: 'skip' | 'error', warn: (w: Warning) => void): Problem[] {
    const problems: Problem[] = [];
    for (const t of this.#tallies) {
      if (t.skipped === 0) continue;
      const { file, path } = at(where, 'aggregate', t.aggregate);
      const one = t.skipped === 1;
      const what = `${t.skipped} ${one ? 'value' : 'values'} in column ${JSON.stringify(t.field)} ${one ? 'was' : 'were'} null or ${t.text ? (one ? 'a boolean' : 'booleans') : one ? 'not a number' : 'not numbers'}`;
      if (onInvalid === 'error') {
        const first = t.first === undefined ? 'null' : JSON.stringify(t.first);
        problems.push(problem('CP_ERR_INVALID_VALUE', `${what} (the first: ${first})`, { file, path }));
      } else {
        const w: { -readonly [K in keyof Warning]: Warning[K] } = {
          code: 'CP_WARN_INVALID_VALUES',
          message: `${what} and ${one ? 'was' : 'were'} skipped`,
          path,
        };
        if (file !== undefined) w.file = file;
        warn(w);
      }
    }
    return problems;
  }
}

/** A cell a tally does not count as skipped: a finite number, or text for min and max. */
const valid = (t: Tally, v: Value): boolean =>
  typeof v === 'number' ? Number.isFinite(v) : t.text && typeof v === 'string';

/** A cell that should be a date and is not: a number, a boolean, or text that is neither blank nor an ISO date. */
export function isDateMiss(v: Value): boolean {
  if (v === null) return false;
  return typeof v !== 'string' || (parseIsoDate(v) === null && v.trim() !== '');
}

/** What became of the non-dates a time bucket read, for `reportMisses`. */
export const bucketMiss = (one: boolean) =>
  one
    ? 'was not an ISO date; its row was grouped under null'
    : 'were not ISO dates; their rows were grouped under null';

/** What became of the non-dates a filter compared with a date, for `reportMisses`. */
export const filterMiss = (one: boolean) =>
  one
    ? 'was not an ISO date and was compared with a date as text'
    : 'were not ISO dates and were compared with a date as text';

/** How to mend non-dates in a dataset's column, for `reportMisses`. */
export const dateFix = (dataset: string) =>
  `; declare its format under datasets.${dataset}.columns, e.g. { type: date, format: "%b %d %Y" }`;

/** Cells that should have been dates and were not: how many, and the first of them. */
export class DateMisses {
  count = 0;
  first: Value = null;

  add(v: Value): void {
    if (this.count++ === 0) this.first = v;
  }
}

/** How a value is named in a message: as JSON, cut after 60 characters. */
export function quoteValue(v: Value): string {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Reports counted misses: a `CP_WARN_INVALID_VALUES` warning, or with `onInvalid: 'error'` the
 * `CP_ERR_INVALID_VALUE` problem it returns. `what` says what the values were not and what
 * became of them, for one value or many (`was not a date` / `were not dates`); `fix`, appended,
 * how to mend it.
 */
export function reportMisses(
  field: string,
  misses: DateMisses,
  what: (one: boolean) => string,
  where: { file?: string | undefined; path: string },
  onInvalid: 'skip' | 'error',
  warn: (w: Warning) => void,
  fix = '',
): Problem | undefined {
  if (misses.count === 0) return undefined;
  const one = misses.count === 1;
  const message = `${misses.count} ${one ? 'value' : 'values'} in column ${JSON.stringify(field)} ${what(one)} (the first: ${quoteValue(misses.first)})${fix}`;
  if (onInvalid === 'error') return problem('CP_ERR_INVALID_VALUE', message, where);
  const w: { -readonly [K in keyof Warning]: Warning[K] } = { code: 'CP_WARN_INVALID_VALUES', message };
  if (where.path !== '') w.path = where.path;
  if (where.file !== undefined) w.file = where.file;
  warn(w);
  return undefined;
}

/** One declared date column's misses in a read of a source. */
export interface CellMisses {
  readonly column: string;
  /** The declared format, when there is one. */
  readonly format: string | undefined;
  readonly misses: DateMisses;
}

/**
 * The cells of declared date columns that did not read as dates (and became null), counted by
 * a source while it reads. Counts start over with each read (`reset`).
 */
export class InvalidCells {
  readonly #columns = new Map<string, CellMisses>();

  /** The counter of a column, made on first ask. */
  column(name: string, format: string | undefined): DateMisses {
    let c = this.#columns.get(name);
    if (c === undefined) {
      c = { column: name, format, misses: new DateMisses() };
      this.#columns.set(name, c);
    }
    return c.misses;
  }

  /** Starts a new read: every count back to 0. */
  reset(): void {
    for (const c of this.#columns.values()) {
      c.misses.count = 0;
      c.misses.first = null;
    }
  }

  /** Columns with misses in the last read. */
  get missed(): CellMisses[] {
    return [...this.#columns.values()].filter((c) => c.misses.count > 0);
  }

  /** What became of a column's misses, for `reportMisses`. */
  static what(c: CellMisses): (one: boolean) => string {
    return (one) => {
      const not =
        c.format === undefined
          ? one
            ? 'was not a date'
            : 'were not dates'
          : `did not match the date format ${JSON.stringify(c.format)}`;
      return `${not} and ${one ? 'was' : 'were'} read as null`;
    };
  }
}
