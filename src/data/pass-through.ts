import { type Frame, type Row, toColumn } from '../frame.js';
import type { Query } from '../spec/schema.js';
import { rowComparator, sortField, TopK } from './sort.js';

/**
 * The rows of a query without groupBy or aggregate: the passing rows themselves, sorted and
 * limited. With a sort and a limit only the best `limit` rows are kept (a heap), without a sort
 * only the first `limit`; without a limit every row, up to `max`.
 */
export class PassThrough {
  readonly #limit: number | undefined;
  readonly #max: number;
  readonly #compare: ((a: Row, b: Row) => number) | undefined;
  readonly #rows: Row[] = [];
  readonly #top: TopK<Row> | undefined;

  constructor(query: Query, max: number) {
    this.#limit = query.limit;
    this.#max = max;
    const keys = (query.sort ?? []).map(sortField);
    this.#compare = keys.length > 0 ? rowComparator(keys) : undefined;
    if (this.#compare !== undefined && this.#limit !== undefined)
      this.#top = new TopK(this.#limit, this.#compare);
  }

  /** Rows kept. */
  get size(): number {
    return this.#top?.size ?? this.#rows.length;
  }

  /** Keeps a row if it may be in the result; false when that would keep more than `max` rows. */
  push(row: Row): boolean {
    if (this.#top !== undefined) {
      if (this.#top.size >= this.#max) return false;
      this.#top.push(row);
      return true;
    }
    // Without a sort, rows past the limit can never be in the result.
    if (this.#limit !== undefined && this.#rows.length >= this.#limit) return true;
    if (this.#rows.length >= this.#max) return false;
    this.#rows.push(row);
    return true;
  }

  /** The result over `columns` (the dataset's, in order), sorted and limited. */
  frame(columns: readonly string[]): Frame {
    let rows = this.#rows;
    if (this.#top !== undefined) rows = this.#top.sorted();
    else if (this.#compare !== undefined) rows.sort(this.#compare);
    if (this.#limit !== undefined && rows.length > this.#limit) rows = rows.slice(0, this.#limit);
    const out: Record<string, ReturnType<typeof toColumn>> = Object.create(null);
    for (const name of columns) out[name] = toColumn(rows.map((r) => r[name] ?? null));
    return { fields: columns, columns: out, length: rows.length };
  }
}
