import { type Problem, problem, type Warning } from '../errors.js';
import type { Aggregate, AggregateOp } from '../spec/schema.js';
import type { Row, Value } from './frame.js';
import { at, type QueryWhere } from './where.js';

/** Aggregates that need finite numbers. */
const NUMERIC: ReadonlySet<AggregateOp> = new Set(['sum', 'avg', 'median', 'p90']);
/** Aggregates that take numbers or, failing those, text (ISO dates). */
const ORDERED: ReadonlySet<AggregateOp> = new Set(['min', 'max']);

interface Tally {
  readonly field: string;
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
 * A column read by both kinds follows the stricter rule. Only rows that pass the filter count.
 */
export class InvalidTally {
  readonly #tallies: Tally[] = [];

  constructor(aggregates: readonly (readonly [string, Aggregate])[]) {
    for (const [name, agg] of aggregates) {
      if (agg.field === undefined || !(NUMERIC.has(agg.op) || ORDERED.has(agg.op))) continue;
      const text = ORDERED.has(agg.op);
      const known = this.#tallies.find((t) => t.field === agg.field);
      if (known) known.text &&= text;
      else this.#tallies.push({ field: agg.field, aggregate: name, text, skipped: 0, first: undefined });
    }
  }

  /** Looks at one row. */
  check(row: Row): void {
    for (const t of this.#tallies) {
      const v = row[t.field] ?? null;
      if (typeof v === 'number' ? Number.isFinite(v) : t.text && typeof v === 'string') continue;
      if (t.skipped++ === 0) t.first = v;
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
