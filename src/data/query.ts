import { ChartpressError, type Problem, problem, type Warning } from '../errors.js';
import type { Frame, Row } from '../frame.js';
import type { Query } from '../spec/schema.js';
import { type AccumulatorFactory, accumulator } from './aggregate.js';
import { type AggregateCondition, aggregateConditions, conditional } from './aggregate-where.js';
import type { ColumnBatch } from './batch.js';
import { aggregateBatch } from './batch-aggregate.js';
import { countDateMisses, filterMask } from './batch-filter.js';
import { countKeyMisses, groupBatch } from './batch-keys.js';
import { BatchView } from './batch-view.js';
import { Calculations } from './calculate.js';
import { compileFilters, type DateCheck, type FieldTest, type Params, type Predicate } from './filter.js';
import { checkFold, foldFrame } from './fold.js';
import { Grouper, type GroupKey, groupKeys } from './group.js';
import { groupedFrame } from './grouped.js';
import { ValueBudget } from './holistic.js';
import { bucketMiss, dateFix, filterMiss, InvalidTally, isDateMiss, reportMisses } from './invalid.js';
import { type Dimensions, QueryLookups } from './lookup.js';
import { PassColumns } from './pass-columns.js';
import { PassThrough } from './pass-through.js';
import { checkShape, columnsRead, list, resolveSort } from './query-check.js';
import { Scratch } from './scratch.js';
import type { SortKey } from './sort.js';
import { at, type QueryWhere } from './where.js';
import { checkWindows, windowOutputs } from './window.js';

/** Most groups (or, without groupBy, rows) one query may keep. Defaults to 1,000,000. */
export const DEFAULT_MAX_GROUPS = 1_000_000;
/** Most values one query's countDistinct, median and p90 may keep together. Defaults to 10,000,000. */
export const DEFAULT_MAX_VALUES = 10_000_000;

/** Limits on what one query keeps in memory. */
export interface QueryLimits {
  /** Groups kept (rows, for a query without groupBy or aggregate). Defaults to `DEFAULT_MAX_GROUPS`. */
  readonly maxGroups?: number | undefined;
  /** Values kept by countDistinct, median and p90. Defaults to `DEFAULT_MAX_VALUES`. */
  readonly maxValues?: number | undefined;
  /** Longest `calculate` expression, in characters. Defaults to `DEFAULT_MAX_EXPRESSION_LENGTH` (2,000). */
  readonly maxExpressionLength?: number | undefined;
  /** Deepest nesting of a `calculate` expression. Defaults to `DEFAULT_MAX_EXPRESSION_DEPTH` (32). */
  readonly maxExpressionDepth?: number | undefined;
}

/**
 * Runs one query over rows pushed to it one at a time, keeping only what the result needs: per
 * group its accumulators, or for a query without groupBy/aggregate the passing rows (only the
 * best `limit` of them when sorted and limited). What it keeps is bounded by `limits`; past
 * them the query fails (`failure`) and keeps nothing more.
 *
 * Call `start(columns)` with the dataset's columns before the first row to learn which columns
 * the query names but the data lacks (`push` does it itself, and throws, when not called).
 * `problems` lists what is wrong with the query whatever the data. After `finish()`,
 * `warnings` holds what the user should know (values skipped by numeric aggregates).
 */
export class QueryAccumulator {
  /** Problems with the query itself: unknown params, bad filter values, bad sort or output names. */
  readonly problems: readonly Problem[];
  /** Warnings raised by `finish()`. */
  readonly warnings: Warning[] = [];
  readonly #query: Query;
  readonly #where: QueryWhere;
  readonly #predicate: Predicate;
  readonly #tests: readonly FieldTest[];
  readonly #dates: readonly DateCheck[];
  /** Every field the query reads: columns and calculated fields. */
  readonly #reads: readonly string[];
  /** Every column of the dataset the query reads, those its calculated fields read included. */
  readonly #baseReads: readonly string[];
  /** The query's calculated fields, when it has any. */
  readonly #calc: Calculations | undefined;
  /** The query's lookups, when it has any: they run first, and their fields join the dataset's columns. */
  readonly #lookups: QueryLookups | undefined;
  /** Per aggregate, its `where`. */
  readonly #conditions: readonly (AggregateCondition | undefined)[];
  readonly #having: ((row: Row) => boolean) | undefined;
  /** The column each aggregate reads (undefined for a count of rows). */
  readonly #aggFields: readonly (string | undefined)[];
  readonly #keys: readonly GroupKey[];
  readonly #aggs: readonly AccumulatorFactory[];
  readonly #tally: InvalidTally;
  readonly #budget = new ValueBudget();
  readonly #scratch = new Scratch();
  readonly #maxGroups: number;
  readonly #maxValues: number;
  #grouper: Grouper | undefined;
  /** The rows kept without groupBy or aggregate: as objects, or column by column from batches. */
  #rows: PassThrough | PassColumns | undefined;
  #sort: SortKey[] = [];
  #outputs: readonly string[] | undefined;
  #columns: readonly string[] | undefined;
  #partial = false;
  #seq = 0;
  #failure: Problem | undefined;

  /**
   * `dimensions`: the datasets the query's `lookup` reads, read first (see `loadDimension`);
   * defaults to none.
   */
  constructor(
    query: Query,
    params: Params,
    where: QueryWhere,
    limits: QueryLimits = {},
    dimensions?: Dimensions | undefined,
  ) {
    this.#query = query;
    this.#lookups = query.lookup === undefined ? undefined : new QueryLookups(query, where, dimensions);
    this.#where = where;
    this.#maxGroups = limits.maxGroups ?? DEFAULT_MAX_GROUPS;
    this.#maxValues = limits.maxValues ?? DEFAULT_MAX_VALUES;
    const calc =
      query.calculate !== undefined || query.timezone !== undefined
        ? new Calculations(query, where, {
            maxLength: limits.maxExpressionLength,
            maxDepth: limits.maxExpressionDepth,
          })
        : undefined;
    this.#calc = calc !== undefined && calc.fields.length > 0 ? calc : undefined;
    const filters = compileFilters(query.filter, params, where);
    this.#predicate = filters.predicate;
    this.#tests = filters.tests;
    this.#dates = filters.dates;
    this.#reads = columnsRead(query, true).map((r) => r.field);
    this.#baseReads = [...new Set([...columnsRead(query).map((r) => r.field), ...(this.#calc?.reads ?? [])])];
    const { keys, problems: keyProblems } = groupKeys(query.groupBy ?? [], where);
    this.#keys = keys;
    const aggs = Object.entries(query.aggregate ?? {});
    const { conditions, problems: whereProblems } = aggregateConditions(aggs, params, where);
    this.#conditions = conditions;
    this.#aggs = aggs.map(([, agg], j) => conditional(accumulator(agg, this.#budget), conditions[j]));
    this.#aggFields = aggs.map(([, agg]) => agg.field);
    this.#tally = new InvalidTally(aggs, (name) => conditions[aggs.findIndex(([n]) => n === name)]);
    const having = compileFilters(query.having, params, where, ['having']);
    this.#having = query.having === undefined ? undefined : having.predicate;
    const problems = [
      ...(this.#lookups?.problems ?? []),
      ...(calc?.problems ?? []),
      ...filters.problems,
      ...keyProblems,
      ...whereProblems,
      ...having.problems,
    ];
    if (keys.length > 0 || aggs.length > 0) {
      this.#grouper = new Grouper(keys, this.#aggs, this.#maxGroups);
      // The output columns are known before any data: groupBy outputs, then aggregate names.
      this.#outputs = [...keys.map((k) => k.output), ...aggs.map(([name]) => name)];
      // Sort, limit and fold come after the windows, and read their columns too.
      const windowed = windowOutputs(query, this.#outputs);
      const sorted = resolveSort(query, windowed, 'the query output', where, keys);
      this.#sort = sorted.sort;
      problems.push(...sorted.problems, ...checkFold(query, windowed, where));
    } else {
      this.#rows = new PassThrough(query, this.#maxGroups);
    }
    problems.push(...checkShape(query, this.#outputs ?? [], keys, where));
    problems.push(...checkWindows(query, this.#outputs ?? [], where));
    this.problems = problems;
  }

  /** Output column names: groupBy outputs then aggregate names, or the dataset's columns and calculated fields. */
  get fields(): readonly string[] {
    return this.#outputs ?? (this.#columns === undefined ? [] : this.#passed(this.#columns));
  }

  /** The columns of rows passed through: the dataset's, then the calculated fields. */
  #passed(columns: readonly string[]): readonly string[] {
    return this.#calc === undefined ? columns : [...columns, ...this.#calc.names];
  }

  /** Why the query stopped keeping rows (a limit was passed), if it did. */
  get failure(): Problem | undefined {
    return this.#failure;
  }

  /**
   * Takes the dataset's columns; returns the problems of columns the query names but lacks.
   * With `partial` (sources whose rows differ in columns, such as JSON), `columns` are those
   * seen so far: columns missing from them are checked again by `finish(columns)`.
   */
  start(columns: readonly string[], partial = false): Problem[] {
    this.#columns = this.#looked(columns);
    this.#partial = partial;
    return partial ? [] : [...(this.#lookups?.check(columns) ?? []), ...this.#check(this.#columns)];
  }

  /** The dataset's columns, then the looked-up fields. */
  #looked(columns: readonly string[]): readonly string[] {
    return this.#lookups === undefined ? columns : [...columns, ...this.#lookups.names];
  }

  /** Feeds one row. */
  push(given: Row): void {
    if (this.#columns === undefined) this.#startFrom(given);
    if (this.#failure !== undefined) return;
    const looked = this.#lookups === undefined ? given : this.#lookups.extend(given);
    if (looked !== undefined) this.#take(looked);
  }

  /** Feeds one row with its looked-up fields. */
  #take(given: Row): void {
    if (this.#failure !== undefined) return;
    const row = this.#calc === undefined ? given : this.#calc.extend(given);
    if (!this.#predicate(row)) return;
    for (const d of this.#dates) {
      const v = row[d.field] ?? null;
      // Rows often repeat the date of the row before: check each run of one value once.
      if (v !== d.last && isDateMiss(v)) d.misses.add(v);
      else d.last = v;
    }
    const seq = this.#seq++;
    if (this.#rows !== undefined) {
      if (!this.#rows.push(row)) this.#failRows();
      return;
    }
    this.#tally.check(row);
    if (!this.#grouper!.add(row, seq)) this.#failGroups();
    else if (this.#budget.used > this.#maxValues) this.#failValues();
  }

  /**
   * Feeds the rows of a batch: the same as pushing `batchRows(batch)` one by one (same result,
   * warnings and failures), column by column where it can: each filter tests a dictionary
   * entry once, group keys are computed once per entry, and aggregates run over the batch's
   * columns. Queries without groupBy or aggregate keep the passing rows' cells column by column
   * (see `PassColumns`), except when sorted and limited, or when the first data came as rows:
   * those take the rows. Calculated fields become columns of the batch first (see
   * `Calculations.extendView`). Pass a `BatchView` to share the rows, and what several queries
   * compute from one column (calculated columns too), between queries.
   */
  pushBatch(batch: ColumnBatch | BatchView): void {
    const given = batch instanceof BatchView ? batch : new BatchView(batch);
    if (given.length === 0) return;
    if (this.#columns === undefined) this.#startWith(given.columns);
    if (this.#failure !== undefined) return;
    const lookups = this.#lookups;
    if (lookups !== undefined && !lookups.fits(given)) {
      for (const row of given.rows()) this.push(row);
      return;
    }
    // The looked-up fields as columns after the dataset's.
    const base = lookups === undefined ? given : lookups.extendView(given);
    if (base.length === 0) return;
    const calc = this.#calc;
    if (calc !== undefined && !base.has(this.#baseReads)) {
      for (const row of base.rows()) this.#take(row);
      return;
    }
    // The calculated fields as columns after the dataset's.
    const view = calc === undefined ? base : calc.extendView(base);
    const grouper = this.#grouper;
    if (grouper === undefined && this.#passBatch(view)) return;
    const taken =
      grouper && view.has(this.#reads)
        ? groupBatch(view, filterMask(view, this.#tests, this.#scratch), this.#keys, grouper, this.#scratch)
        : undefined;
    if (grouper === undefined || taken === undefined) {
      for (const row of base.rows()) this.#take(row);
      return;
    }
    countDateMisses(view, taken.local, this.#dates);
    countKeyMisses(view, taken, this.#keys);
    const masks = this.#whereMasks(view);
    this.#tally.checkBatch(
      (name) => view.column(name),
      taken.local,
      (cond) => masks.get(cond.key),
      (name) => view.finite(name),
    );
    aggregateBatch(
      view,
      taken,
      grouper.groups,
      this.#aggFields,
      this.#seq,
      this.#scratch,
      this.#conditions.map((c) => (c === undefined ? undefined : masks.get(c.key))),
    );
    this.#seq += taken.taken;
    // A row one by one fails at the first limit it passes: values kept before the row that
    // would have made a group too many pass the values limit first.
    if (this.#budget.used > this.#maxValues) this.#failValues();
    else if (taken.overflow) this.#failGroups();
  }

  /** The rows of a batch that meet each aggregate's `where`, by the condition's key. */
  #whereMasks(view: BatchView): Map<string, Uint8Array | undefined> {
    const masks = new Map<string, Uint8Array | undefined>();
    for (const c of this.#conditions) {
      if (c === undefined || masks.has(c.key)) continue;
      masks.set(c.key, filterMask(view, c.tests, this.#scratch, `where${masks.size}`));
    }
    return masks;
  }

  /**
   * A batch for a query without groupBy or aggregate, column by column: false, with nothing
   * done, when its rows must be pushed instead: a column not sound in the view, a sparse
   * dataset, or rows kept as objects (sorted and limited: a heap of rows; or pushed before).
   */
  #passBatch(view: BatchView): boolean {
    const columns = this.#passed(this.#columns ?? []);
    if (this.#partial || !view.has(columns) || !view.has(this.#reads)) return false;
    let kept = this.#rows;
    // Rows pushed earlier are kept as objects: so are the later ones.
    if (kept instanceof PassThrough && kept.size === 0 && PassColumns.fits(this.#query)) {
      kept = new PassColumns(this.#query, columns, this.#maxGroups);
      this.#rows = kept;
    }
    if (!(kept instanceof PassColumns)) return false;
    const mask = filterMask(view, this.#tests, this.#scratch);
    const { passed, failedAt } = kept.pushBatch(view, mask, this.#scratch);
    if (this.#dates.length > 0) {
      // The rows that passed, up to the one that failed, as `groupBatch` marks rows taken.
      const n = view.length;
      const taken = this.#scratch.int32('local', n);
      for (let i = 0; i < n; i++) taken[i] = mask === undefined || mask[i] === 1 ? 0 : -1;
      if (failedAt >= 0) taken.fill(-1, failedAt + 1);
      countDateMisses(view, taken, this.#dates);
    }
    this.#seq += passed;
    if (failedAt >= 0) this.#failRows();
    return true;
  }

  /**
   * The result: filled, sorted, limited, pivoted, as a columnar frame. `columns`: every column
   * of the dataset, for sources whose rows differ in columns. Throws the query's problems.
   */
  finish(columns?: readonly string[]): Frame {
    if (this.#failure !== undefined) throw new ChartpressError(this.#failure);
    const problems = [...this.problems];
    if (columns !== undefined) this.#columns = this.#looked(columns);
    if (this.#partial && this.#columns !== undefined) {
      const raw = this.#columns.slice(0, this.#columns.length - (this.#lookups?.names.length ?? 0));
      problems.push(...(this.#lookups?.check(raw) ?? []), ...this.#check(this.#columns));
    }
    problems.push(...(this.#lookups?.finish() ?? []));
    if (problems.length > 0) throw new ChartpressError(problems);
    problems.push(...this.#reportDates());
    if (this.#rows !== undefined) {
      if (problems.length > 0) throw new ChartpressError(problems);
      return foldFrame(this.#rows.frame(this.#passed(this.#columns ?? [])), this.#query, this.#where);
    }
    problems.push(
      ...this.#tally.report(this.#where, this.#query.onInvalid ?? 'skip', (w) => this.warnings.push(w)),
    );
    if (problems.length > 0) throw new ChartpressError(problems);
    const frame = groupedFrame({
      query: this.#query,
      where: this.#where,
      keys: this.#keys,
      aggs: this.#aggs,
      groups: this.#grouper!.groups,
      fields: this.fields,
      sort: this.#sort,
      maxRows: this.#maxGroups,
      having: this.#having,
    });
    return foldFrame(frame, this.#query, this.#where);
  }

  /** Cells of rows kept that filters compared with dates, or time buckets read, that were not ISO dates. */
  #reportDates(): Problem[] {
    const onInvalid = this.#query.onInvalid ?? 'skip';
    const warn = (w: Warning) => this.warnings.push(w);
    const fix = dateFix(this.#where.dataset);
    const found: (Problem | undefined)[] = [];
    for (const d of this.#dates) {
      const where = at(this.#where, 'filter', d.index);
      found.push(reportMisses(d.field, d.misses, filterMiss, where, onInvalid, warn, fix));
    }
    this.#keys.forEach((k, i) => {
      if (k.misses === undefined) return;
      found.push(
        reportMisses(k.field, k.misses, bucketMiss, at(this.#where, 'groupBy', i), onInvalid, warn, fix),
      );
    });
    return found.filter((p) => p !== undefined);
  }

  #check(columns: readonly string[]): Problem[] {
    const have = new Set(columns);
    const problems: Problem[] = [];
    for (const { field, keys } of columnsRead(this.#query)) {
      if (have.has(field)) continue;
      const message = `column "${field}" not found in dataset "${this.#where.dataset}"; columns: ${list(columns)}`;
      problems.push(problem('CP_ERR_UNKNOWN_COLUMN', message, at(this.#where, ...keys)));
    }
    if (this.#rows !== undefined) {
      const passed = this.#passed(columns);
      problems.push(
        ...resolveSort(this.#query, passed, `dataset "${this.#where.dataset}"`, this.#where).problems,
      );
    }
    if (this.#calc !== undefined) problems.push(...this.#calc.check(columns));
    if (this.#rows !== undefined)
      problems.push(...checkFold(this.#query, this.#passed(columns), this.#where));
    return problems;
  }

  #startFrom(row: Row): void {
    this.#startWith(Object.keys(row));
  }

  #startWith(columns: readonly string[]): void {
    const problems = [...this.problems, ...this.start(columns)];
    if (problems.length > 0) throw new ChartpressError(problems);
  }

  #failRows(): void {
    this.#fail([], `query kept more than ${this.#maxGroups} rows; add a filter, a limit or a groupBy`);
  }

  #failGroups(): void {
    this.#fail(
      ['groupBy'],
      `query produced more than ${this.#maxGroups} groups; add a filter or a coarser bucket`,
    );
  }

  #failValues(): void {
    this.#fail(
      ['aggregate'],
      `countDistinct, median and p90 kept more than ${this.#maxValues} values; add a filter or group more coarsely`,
    );
  }

  #fail(keys: PropertyKey[], message: string): void {
    const where =
      keys.length > 0 ? at(this.#where, ...keys) : { file: this.#where.file, path: this.#where.path };
    this.#failure = problem('CP_ERR_INVALID_VALUE', message, where);
    // What was kept is of no use any more.
    this.#grouper = undefined;
    this.#rows = undefined;
  }
}
