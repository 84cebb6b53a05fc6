import { type Problem, problem } from '../errors.js';
import type { Row, Value } from '../frame.js';
import type { Query } from '../spec/schema.js';
import type { BatchColumn, ColumnBatch, DictColumn } from './batch.js';
import { BatchView } from './batch-view.js';
import { checkExpression } from './expr/check.js';
import { type Compiled, columnAccess, compileNode, rowEnv } from './expr/compile-js.js';
import { ExpressionError } from './expr/lex.js';
import { type ExpressionLimits, type ExprNode, fieldsOf, parseExpression } from './expr/parse.js';
import type { ExprType } from './expr/types.js';
import { comparisonCodes, numberVector } from './expr/vector.js';
import { list } from './query-check.js';
import { Scratch } from './scratch.js';
import { at, type QueryWhere } from './where.js';
import { UTC, type Zone, zoneNamed } from './zone.js';

/** Most calculated fields one query may have. Defaults to 64. */
export const MAX_CALCULATED_FIELDS = 64;

/** One calculated field of a query, parsed and checked. */
export interface CalcField {
  readonly name: string;
  readonly text: string;
  readonly node: ExprNode;
  /** The type of its values, as far as known before the data. */
  readonly type: ExprType;
  /** The columns of the dataset it reads (not the calculated fields before it), where first named. */
  readonly reads: readonly { readonly name: string; readonly at: number }[];
  /** Names what it computes: one key for one expression over the same fields before it. */
  readonly key: string;
}

/** The time zone of a query's date functions: its `timezone`, or UTC; undefined when unknown. */
export function queryZone(query: Query): Zone | undefined {
  return query.timezone === undefined ? UTC : zoneNamed(query.timezone);
}

/** The columns of the dataset a query's `calculate` reads (fields that do not parse left out). */
export function calculatedReads(query: Query): string[] {
  if (query.calculate === undefined) return [];
  return new Calculations(query, { dataset: '', path: '' }).reads;
}

/**
 * A query's `calculate`: fields computed from each row before the filter, grouping and
 * aggregates see it, in the order written (each may use the ones before it). Rows are given
 * the fields as new objects (`extend`), batches as new columns (`extendView`), computed once
 * per batch for every query with the same fields.
 */
export class Calculations {
  readonly fields: readonly CalcField[];
  /** Problems found before the data: expressions that do not parse or check, an unknown zone. */
  readonly problems: readonly Problem[];
  readonly zone: Zone;
  readonly #where: QueryWhere;
  readonly #scratch = new Scratch();
  #row: ((row: Row) => Row) | undefined;

  constructor(query: Query, where: QueryWhere, limits: ExpressionLimits = {}) {
    this.#where = where;
    const problems: Problem[] = [];
    const zone = queryZone(query);
    if (zone === undefined)
      problems.push(
        problem(
          'CP_ERR_INVALID_VALUE',
          `unknown time zone "${query.timezone}"; use an IANA name such as "Europe/Paris" or "UTC"`,
          at(where, 'timezone'),
        ),
      );
    this.zone = zone ?? UTC;
    const entries = Object.entries(query.calculate ?? {});
    if (entries.length > MAX_CALCULATED_FIELDS)
      problems.push(
        problem(
          'CP_ERR_INVALID_VALUE',
          `${entries.length} calculated fields; a query may have at most ${MAX_CALCULATED_FIELDS}`,
          at(where, 'calculate'),
        ),
      );
    const types = new Map<string, ExprType>();
    const fields: CalcField[] = [];
    let key = this.zone.name;
    for (const [name, text] of entries.slice(0, MAX_CALCULATED_FIELDS)) {
      key += `\u0000${name}\u0000${text}`;
      try {
        if (name === '__proto__')
          throw new ExpressionError('a calculated field cannot be called __proto__', 0);
        const node = parseExpression(text, limits);
        const type = checkExpression(node, (f) => types.get(f) ?? 'any');
        const reads = fieldsOf(node).filter((f) => !types.has(f.name));
        types.set(name, type);
        fields.push({ name, text, node, type, reads, key });
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        problems.push(expressionProblem(e, text, at(where, 'calculate', name)));
        // Later fields may use this one: they see it as a field of unknown type.
        types.set(name, 'any');
      }
    }
    this.fields = fields;
    this.problems = problems;
  }

  /** The calculated fields' names, in order. */
  get names(): string[] {
    return this.fields.map((f) => f.name);
  }

  /** Every column of the dataset the expressions read, each once. */
  get reads(): string[] {
    return [...new Set(this.fields.flatMap((f) => f.reads.map((r) => r.name)))];
  }

  /**
   * Problems with the dataset's columns: a field an expression names that is neither a column
   * nor a calculated field before it, and a calculated field named like a column.
   */
  check(columns: readonly string[]): Problem[] {
    const have = new Set(columns);
    const problems: Problem[] = [];
    const names = this.fields.map((f) => f.name);
    this.fields.forEach((f, k) => {
      const where = at(this.#where, 'calculate', f.name);
      const before = names.slice(0, k);
      if (have.has(f.name)) {
        const message = `calculated field "${f.name}" has the name of a column of dataset "${this.#where.dataset}"`;
        problems.push(
          problem('CP_ERR_INVALID_VALUE', message, {
            ...where,
            hint: 'give the calculated field another name',
          }),
        );
      }
      for (const r of f.reads) {
        if (have.has(r.name)) continue;
        const later = names.includes(r.name);
        const hint =
          r.name === f.name
            ? 'a calculated field cannot use itself'
            : later
              ? `a calculated field can use only the ones before it in calculate: move "${r.name}" up`
              : `columns: ${list(columns)}${before.length > 0 ? `; calculated fields before it: ${list(before)}` : ''}; write a name with spaces in backquotes, e.g. \`Cost Total $\``;
        const error = new ExpressionError(`unknown field "${r.name}"`, r.at, hint);
        problems.push(expressionProblem(error, f.text, where));
      }
    });
    return problems;
  }

  /** The row with the calculated fields added, as a new object. */
  extend(row: Row): Row {
    this.#row ??= this.#rowFunction();
    return this.#row(row);
  }

  #rowFunction(): (row: Row) => Row {
    const { env, set } = rowEnv(this.zone);
    const steps = this.fields.map((f) => ({ name: f.name, val: compileNode(f.node, env).val }));
    return (row) => {
      const out: Row = { ...row };
      set(out);
      for (const s of steps) out[s.name] = s.val(0);
      return out;
    };
  }

  /**
   * The view with the calculated fields as columns after the dataset's. Each column is made
   * once per batch for all queries with the same fields (see `BatchView.derived`). The view
   * must hold every column the expressions read, sound (`view.has(this.reads)`).
   */
  extendView(view: BatchView): BatchView {
    const names = [...view.batch.names];
    const columns = [...view.batch.columns];
    const made = new Map<string, BatchColumn>();
    const column = (name: string) => made.get(name) ?? view.column(name);
    this.fields.forEach((f, j) => {
      const col = view.derived(`calculate\u0000${f.key}`, () =>
        computeColumn(f.node, column, this.zone, view.length, this.#scratch, j),
      );
      made.set(f.name, col);
      names.push(f.name);
      columns.push(col);
    });
    const batch: ColumnBatch = { length: view.length, names, columns };
    return new BatchView(batch);
  }
}

/** `CP_ERR_EXPRESSION` for a mistake in an expression, naming its column and showing where. */
export function expressionProblem(
  e: ExpressionError,
  text: string,
  where: { file?: string | undefined; path: string },
): Problem {
  const column = e.at + 1;
  return problem('CP_ERR_EXPRESSION', `column ${column} of ${excerpt(text, e.at)}: ${e.message}`, {
    ...where,
    hint: e.hint,
  });
}

/** The expression as a message quotes it: whole when short, else the 60 characters around `at`. */
function excerpt(text: string, at: number): string {
  if (text.length <= 80) return JSON.stringify(text);
  const start = Math.max(0, Math.min(at - 30, text.length - 60));
  const cut = text.slice(start, start + 60);
  return `${start > 0 ? '…' : ''}${JSON.stringify(cut)}${start + 60 < text.length ? '…' : ''}`;
}

/** Combinations of dictionary entries an expression is computed for in a table; past it, per row. */
const COMBINATION_LIMIT = 1 << 16;

/**
 * The column of an expression over a batch: numbers in a number column, other values in a
 * dictionary. An expression of dictionary columns only (names, dates: or of none) is computed
 * once per combination of their entries that the rows hold. Columns are kept in `scratch` (as
 * `slot`), so they last until the next batch.
 */
function computeColumn(
  node: ExprNode,
  column: (name: string) => BatchColumn,
  zone: Zone,
  n: number,
  scratch: Scratch,
  slot: number,
): BatchColumn {
  const numbers = numberVector(node, column, n, scratch.float64(`values${slot}`, n));
  if (numbers !== undefined) return { kind: 'number', values: numbers };
  const compared = comparisonCodes(node, column, n, scratch.int32(`codes${slot}`, n));
  if (compared !== undefined) return { kind: 'dict', codes: compared, dict: BOOLEANS };
  const c = compileNode(node, { zone, field: (name) => columnAccess(column(name)) });
  const read = fieldsOf(node).map((f) => column(f.name));
  const dicts = read.filter((col): col is DictColumn => col.kind === 'dict');
  let size = 1;
  for (const d of dicts) size *= Math.max(1, d.dict.length);
  if (dicts.length === read.length && size <= Math.max(COMBINATION_LIMIT, n))
    return byCombination(c, dicts, size, n, scratch, slot);
  if (c.type === 'number') {
    const values = scratch.float64(`values${slot}`, n);
    const num = c.num;
    for (let i = 0; i < n; i++) values[i] = num(i);
    return { kind: 'number', values };
  }
  const codes = scratch.int32(`codes${slot}`, n);
  if (c.type === 'boolean') {
    const val = c.val;
    for (let i = 0; i < n; i++) {
      const v = val(i);
      codes[i] = v === true ? 0 : v === false ? 1 : 2;
    }
    return { kind: 'dict', codes, dict: BOOLEANS };
  }
  return encode(c.val, codes);
}

const BOOLEANS: readonly Value[] = [true, false, null];

/** The column of an expression of dictionary columns, computed at the first row of each combination of entries. */
function byCombination(
  c: Compiled,
  dicts: readonly DictColumn[],
  size: number,
  n: number,
  scratch: Scratch,
  slot: number,
): BatchColumn {
  const table = scratch.int32(`table${slot}`, size).fill(-1);
  const single = dicts.length === 1 ? dicts[0]!.codes : undefined;
  const strides: number[] = [];
  let stride = 1;
  for (const d of dicts) {
    strides.push(stride);
    stride *= Math.max(1, d.dict.length);
  }
  const comboAt = (i: number): number => {
    if (single !== undefined) return single[i]!;
    let combo = 0;
    for (let k = 0; k < dicts.length; k++) combo += dicts[k]!.codes[i]! * strides[k]!;
    return combo;
  };
  if (c.type === 'number') {
    const known = scratch.float64(`known${slot}`, size);
    const values = scratch.float64(`values${slot}`, n);
    for (let i = 0; i < n; i++) {
      const combo = comboAt(i);
      if (table[combo]! < 0) {
        known[combo] = c.num(i);
        table[combo] = 0;
      }
      values[i] = known[combo]!;
    }
    return { kind: 'number', values };
  }
  const codes = scratch.int32(`codes${slot}`, n);
  const dict: Value[] = [];
  const index = new Map<Value, number>();
  for (let i = 0; i < n; i++) {
    const combo = comboAt(i);
    let code = table[combo]!;
    if (code < 0) {
      const v = c.val(i);
      code = index.get(v) ?? -1;
      if (code < 0) {
        code = dict.length;
        index.set(v, code);
        dict.push(v);
      }
      table[combo] = code;
    }
    codes[i] = code;
  }
  return { kind: 'dict', codes, dict };
}

/** Values in a dictionary column: each distinct value once. */
function encode(val: (i: number) => Value, codes: Int32Array): BatchColumn {
  const dict: Value[] = [];
  const index = new Map<Value, number>();
  for (let i = 0; i < codes.length; i++) {
    const v = val(i);
    let code = index.get(v);
    if (code === undefined) {
      code = dict.length;
      index.set(v, code);
      dict.push(v);
    }
    codes[i] = code;
  }
  return { kind: 'dict', codes, dict };
}
