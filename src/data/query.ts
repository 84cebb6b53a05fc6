import { ChartpressError, type Problem, problem } from '../errors.js';
import type { Query } from '../spec/schema.js';
import { accumulator } from './aggregate.js';
import { compileFilters, type Params, type Predicate } from './filter.js';
import type { Frame, Row, Value } from './frame.js';
import { Grouper, groupKey } from './group.js';
import { type SortKey, sortField, sortTuples } from './sort.js';
import { at, type QueryWhere } from './where.js';

/**
 * Runs one query over rows pushed to it one at a time, keeping only what the result needs (the
 * groups' accumulators, or the passing rows for a pass-through query).
 *
 * Call `start(columns)` with the dataset's columns before the first row to learn which columns
 * the query names but the data lacks (`push` does it itself, and throws, when not called).
 * `problems` lists what is wrong with the query whatever the data.
 */
export class QueryAccumulator {
  /** Problems with the query itself: unknown params, bad filter values, bad sort or output names. */
  readonly problems: readonly Problem[];
  readonly #query: Query;
  readonly #where: QueryWhere;
  readonly #predicate: Predicate;
  readonly #grouper: Grouper | undefined;
  #columns: readonly string[] | undefined;
  #started = false;
  #sort: SortKey[] = [];
  readonly #rows: Value[][] = [];

  constructor(query: Query, params: Params, where: QueryWhere) {
    this.#query = query;
    this.#where = where;
    const problems: Problem[] = [];
    const filters = compileFilters(query.filter, params, where);
    problems.push(...filters.problems);
    this.#predicate = filters.predicate;
    const keys = (query.groupBy ?? []).map(groupKey);
    const aggs = Object.entries(query.aggregate ?? {});
    for (const [name, agg] of aggs) {
      if (agg.op !== 'count' && agg.field === undefined) {
        problems.push(
          problem('CP_ERR_MISSING_FIELD', `${agg.op} needs a field`, at(where, 'aggregate', name, 'field')),
        );
      }
    }
    if (keys.length > 0 || aggs.length > 0) {
      this.#grouper = new Grouper(
        keys,
        aggs.map(([, agg]) => accumulator(agg)),
      );
      // The output columns are known before any data: groupBy outputs, then aggregate names.
      const outputs = [...keys.map((k) => k.output), ...aggs.map(([name]) => name)];
      this.#columns = outputs;
      problems.push(...duplicateOutputs(query, where));
      problems.push(...this.#resolveSort(outputs, 'the query output'));
    }
    this.problems = problems;
  }

  /** Output column names: groupBy outputs then aggregate names, or the dataset's columns. */
  get fields(): readonly string[] {
    return this.#columns ?? [];
  }

  /** Takes the dataset's columns; returns the problems of columns the query names but lacks. */
  start(columns: readonly string[]): Problem[] {
    this.#started = true;
    const have = new Set(columns);
    const problems: Problem[] = [];
    const check = (field: string | undefined, ...keys: PropertyKey[]) => {
      if (field !== undefined && !have.has(field)) problems.push(this.#unknown(field, columns, keys));
    };
    for (const [i, f] of (this.#query.filter ?? []).entries()) check(f.field, 'filter', i, 'field');
    for (const [i, g] of (this.#query.groupBy ?? []).entries()) {
      if (typeof g === 'string') check(g, 'groupBy', i);
      else check(g.field, 'groupBy', i, 'field');
    }
    for (const [name, agg] of Object.entries(this.#query.aggregate ?? {})) {
      check(agg.field, 'aggregate', name, 'field');
    }
    if (this.#grouper === undefined) {
      this.#columns = columns;
      problems.push(...this.#resolveSort(columns, `dataset "${this.#where.dataset}"`));
    }
    return problems;
  }

  /** Feeds one row. */
  push(row: Row): void {
    if (!this.#started) this.#startFrom(row);
    if (!this.#predicate(row)) return;
    if (this.#grouper !== undefined) {
      this.#grouper.add(row);
      return;
    }
    const limit = this.#query.limit;
    // Without a sort, rows past the limit can never be in the result.
    if (limit !== undefined && this.#sort.length === 0 && this.#rows.length >= limit) return;
    const columns = this.#columns!;
    const tuple = new Array<Value>(columns.length);
    for (let i = 0; i < columns.length; i++) tuple[i] = row[columns[i]!] ?? null;
    this.#rows.push(tuple);
  }

  /** The result: sorted, limited, as a columnar frame. */
  finish(): Frame {
    if (!this.#started && this.problems.length > 0) throw new ChartpressError(this.problems);
    const tuples =
      this.#grouper === undefined
        ? this.#rows
        : this.#grouper.groups.map((g) => [...g.keys, ...g.accs.map((a) => a.result())]);
    sortTuples(tuples, this.#sort);
    const limit = this.#query.limit;
    const rows = limit !== undefined && tuples.length > limit ? tuples.slice(0, limit) : tuples;
    const fields = this.fields;
    const columns: Record<string, Value[]> = Object.create(null);
    fields.forEach((name, j) => {
      columns[name] = rows.map((t) => t[j] ?? null);
    });
    return { fields, columns, length: rows.length };
  }

  #startFrom(row: Row): void {
    const problems = [...this.problems, ...this.start(Object.keys(row))];
    if (problems.length > 0) throw new ChartpressError(problems);
  }

  #resolveSort(outputs: readonly string[], what: string): Problem[] {
    const problems: Problem[] = [];
    this.#sort = [];
    this.#query.sort?.forEach((item, i) => {
      const { field, desc } = sortField(item);
      const index = outputs.indexOf(field);
      if (index >= 0) this.#sort.push({ index, desc });
      else {
        const keys = typeof item === 'string' ? ['sort', i] : ['sort', i, 'field'];
        problems.push(
          problem(
            'CP_ERR_UNKNOWN_COLUMN',
            `sort column "${field}" not found in ${what}; columns: ${list(outputs)}`,
            at(this.#where, ...keys),
          ),
        );
      }
    });
    return problems;
  }

  #unknown(field: string, columns: readonly string[], keys: PropertyKey[]): Problem {
    const message = `column "${field}" not found in dataset "${this.#where.dataset}"; columns: ${list(columns)}`;
    return problem('CP_ERR_UNKNOWN_COLUMN', message, at(this.#where, ...keys));
  }
}

const list = (names: readonly string[]) => (names.length === 0 ? '(none)' : names.join(', '));

/** Output columns must be unique: two groupBy items on one field need `as`. */
function duplicateOutputs(query: Query, where: QueryWhere): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  const claim = (name: string, keys: PropertyKey[]) => {
    if (seen.has(name)) {
      const msg = `output column "${name}" appears twice; give one of them another name (groupBy "as", or another aggregate name)`;
      problems.push(problem('CP_ERR_INVALID_VALUE', msg, at(where, ...keys)));
    }
    seen.add(name);
  };
  for (const [i, g] of (query.groupBy ?? []).entries()) {
    if (typeof g === 'string') claim(g, ['groupBy', i]);
    else claim(g.as ?? g.field, ['groupBy', i, g.as ? 'as' : 'field']);
  }
  for (const name of Object.keys(query.aggregate ?? {})) claim(name, ['aggregate', name]);
  return problems;
}
