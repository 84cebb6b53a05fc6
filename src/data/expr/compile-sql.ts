import type { Value } from '../../frame.js';
import type { SqlBuilder, SqlRef } from '../sql/builder.js';
import { type ColumnKind, NotPushable } from '../sql/dialect.js';
import { UTC, type Zone } from '../zone.js';
import { digitsOf } from './check.js';
import type { BinaryOp, ExprNode } from './parse.js';
import { ARITHMETIC, type ExprType, unify } from './types.js';
import { roundScale } from './values.js';

/**
 * Writes a checked expression as SQL with the results of `compile-js.ts`, for SQLite,
 * PostgreSQL and DuckDB. Where a database has no exact equivalent the expression is refused (`NotPushable`:
 * the query is streamed) or, when only some values could differ, the statement raises an error
 * on such a value, and the caller streams the query then:
 *
 * - SQLite cells carry their own storage class, so types are tested per cell; functions SQLite
 *   lacks or computes differently (date parts in a zone, Unicode case, logarithms, row-wise
 *   min/max) call the engine's own code (`registerFunctions`).
 * - PostgreSQL columns have one type each, so most type rules are settled when compiling. Its
 *   float8 arithmetic is JavaScript's, except that an overflow is an error. `%` is exact for
 *   whole numbers, numbers print as JavaScript prints them from 1e-4 to 1e15 (and whole numbers
 *   to 2^53), `upper`/`lower` match for ASCII; other values raise an error. Logarithms and date
 *   parts of instants outside UTC are not pushed down.
 * - DuckDB columns have one type each too (see `duckdb-db.ts`), and take PostgreSQL's SQL, but
 *   for text, which compares by code point without a collation and is quoted without escapes.
 */

/** An expression (or a column) as SQL: the text, how its values arrive, and their type. */
export interface SqlExpr {
  readonly sql: string;
  /** How its values arrive; `null` for the null literal. */
  readonly kind: ColumnKind | 'null';
  readonly type: ExprType;
  /** The text is an engine value already (a float8 or REAL without NaN, text, a boolean): no conversion needed. */
  readonly clean: boolean;
}

/** Longest SQL an expression may take. Past it the query is streamed. */
export const MAX_EXPRESSION_SQL = 100_000;

const PG_NUMBERS = new Set<ColumnKind>(['number', 'numeric', 'float4']);
const PG_DATES = new Set<ColumnKind>(['date', 'timestamp', 'timestamptz']);
const SAFE = '9007199254740992';

/** The SQL of an expression over the columns (and calculated fields) of `b`. */
export function expressionSql(node: ExprNode, b: SqlBuilder, zone: Zone): SqlExpr {
  const out = new ExprSql(b, zone).node(node);
  if (out.sql.length > MAX_EXPRESSION_SQL) throw new NotPushable('an expression too large for SQL');
  return out;
}

/** The type of the values of a column of a kind. */
function typeOfKind(ref: SqlRef): ExprType {
  if (ref.type !== undefined) return ref.type;
  if (ref.kind === 'dynamic') return 'any';
  if (ref.kind === 'bool') return 'boolean';
  return PG_NUMBERS.has(ref.kind) ? 'number' : 'text';
}

class ExprSql {
  readonly #b: SqlBuilder;
  readonly #zone: Zone;
  /** Columns of one type each: PostgreSQL, and DuckDB, whose SQL is PostgreSQL's but where marked. */
  readonly #pg: boolean;
  readonly #duck: boolean;
  readonly #db: string;

  constructor(b: SqlBuilder, zone: Zone) {
    this.#b = b;
    this.#zone = zone;
    this.#pg = b.dialect.name !== 'sqlite';
    this.#duck = b.dialect.name === 'duckdb';
    this.#db = this.#duck ? 'DuckDB' : 'PostgreSQL';
  }

  /** Text compared by code point: PostgreSQL's "C" collation, DuckDB's default. */
  #c(sql: string): string {
    return this.#duck ? `(${sql})` : `(${sql}) COLLATE "C"`;
  }

  node(node: ExprNode): SqlExpr {
    switch (node.kind) {
      case 'literal':
        return this.#literal(node.value);
      case 'field': {
        const ref = this.#b.column(node.name);
        return { sql: ref.ref, kind: ref.kind, type: typeOfKind(ref), clean: ref.clean === true };
      }
      case 'unary': {
        const arg = this.node(node.arg);
        if (node.op === '-') return this.#number(this.#finite(`(- ${this.num(arg)})`));
        return this.#bool(`(NOT ${this.cond(arg)})`);
      }
      case 'binary':
        return this.#binary(node.op, this.node(node.left), this.node(node.right));
      case 'call':
        return this.#call(node);
    }
  }

  #literal(v: Value): SqlExpr {
    if (v === null) return { sql: 'NULL', kind: 'null', type: 'null', clean: true };
    if (typeof v === 'boolean') {
      const sql = this.#pg ? (v ? 'TRUE' : 'FALSE') : v ? '1' : '0';
      return this.#bool(sql);
    }
    if (typeof v === 'number') return this.#number(this.#inline(v));
    return { sql: this.#inline(v), kind: this.#pg ? 'text' : 'dynamic', type: 'text', clean: true };
  }

  /**
   * A literal written into the SQL rather than bound: a part of an expression may be dropped
   * (a comparison with null is NULL), and PostgreSQL refuses a bound value it never sees.
   * Numbers are written as JavaScript writes them (SQLite: as REALs), which both databases read
   * back exactly; text is quoted (PostgreSQL: as E'...', whatever standard_conforming_strings
   * says).
   */
  #inline(v: number | string): string {
    if (typeof v === 'number') {
      const text = String(v);
      // SQLite reads 3 as an integer, and divides integers as integers: 3.0 is a REAL.
      return this.#pg ? `'${text}'::float8` : `(${/[.e]/.test(text) ? text : `${text}.0`})`;
    }
    if (v.includes('\u0000')) throw new NotPushable('text holding a NUL character');
    const quoted = v.replaceAll("'", "''");
    // DuckDB reads backslashes in standard strings as themselves.
    if (this.#duck) return `'${quoted}'::VARCHAR`;
    return this.#pg ? `E'${quoted.replaceAll('\\', '\\\\')}'::text` : `'${quoted}'`;
  }

  #number(sql: string): SqlExpr {
    return { sql, kind: this.#pg ? 'number' : 'dynamic', type: 'number', clean: true };
  }

  #bool(sql: string): SqlExpr {
    return { sql, kind: 'bool', type: 'boolean', clean: true };
  }

  #text(sql: string): SqlExpr {
    return { sql, kind: this.#pg ? 'text' : 'dynamic', type: 'text', clean: true };
  }

  /** A finite number or NULL, -0 as 0 (see `finite`). */
  #finite(x: string): string {
    return this.#pg
      ? `(nullif(nullif(nullif(${x}, 'Infinity'::float8), '-Infinity'::float8), 'NaN'::float8) + 0::float8)`
      : `(nullif(nullif(${x}, 9e999), -9e999) + 0.0)`;
  }

  /** The value as a number (float8 / REAL), NULL for anything not a number. */
  num(e: SqlExpr): string {
    if (e.type === 'null') return this.#pg ? 'NULL::float8' : 'NULL';
    if (e.type === 'number' && e.clean) return e.sql;
    if (this.#pg) {
      if (e.kind !== 'null' && PG_NUMBERS.has(e.kind)) return this.#b.dialect.value(e.sql, e.kind);
      return 'NULL::float8';
    }
    if (e.kind === 'bool' || e.type === 'text' || e.type === 'boolean') return 'NULL';
    return `(CASE WHEN +${e.sql} <= 9e999 THEN +${e.sql} + 0.0 END)`;
  }

  /** The value as the engine reads it (PostgreSQL: numbers as float8, text in the "C" collation). */
  value(e: SqlExpr): SqlExpr {
    if (e.clean || e.kind === 'null') return e;
    const sql = this.#b.dialect.value(e.sql, e.kind);
    if (!this.#pg) return { sql, kind: e.kind, type: e.type, clean: true };
    const kind: ColumnKind = PG_NUMBERS.has(e.kind) ? 'number' : e.kind === 'bool' ? 'bool' : 'text';
    return { sql, kind, type: e.type, clean: true };
  }

  /** A condition: true, false or NULL (SQLite: 1, 0 or NULL). */
  cond(e: SqlExpr): string {
    if (e.type === 'boolean') return this.value(e).sql;
    if (e.type === 'number') return `(${this.num(e)} <> 0)`;
    if (e.type === 'any' && !this.#pg) return `(CASE WHEN +${e.sql} <= 9e999 THEN +${e.sql} <> 0 END)`;
    return this.#pg ? 'NULL::boolean' : 'NULL';
  }

  /** The value as concat() writes it: text, or NULL for null. */
  #asText(e: SqlExpr): string {
    if (e.type === 'null') return this.#pg ? 'NULL::text' : 'NULL';
    if (e.type === 'boolean')
      return `(CASE ${this.value(e).sql} WHEN ${this.#pg ? 'TRUE' : '1'} THEN 'true' WHEN ${this.#pg ? 'FALSE' : '0'} THEN 'false' END)`;
    if (e.type === 'number') return this.#pg ? this.#pgNumberText(this.num(e)) : `cp_string(${this.num(e)})`;
    if (this.#pg) return `(${this.value(e).sql})::text`;
    if (e.type === 'text') return this.value(e).sql;
    return `(CASE WHEN (+${e.sql} > 9e999 AND +${e.sql} < x'') THEN ${e.sql} WHEN +${e.sql} <= 9e999 THEN cp_string(${e.sql}) END)`;
  }

  /** A float8 as JavaScript prints it, where PostgreSQL prints it the same; else the statement fails. */
  #pgNumberText(x: string): string {
    return (
      `(CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} = trunc(${x}) AND abs(${x}) < ${SAFE} THEN (${x})::int8::text` +
      ` WHEN abs(${x}) >= 0.0001 AND abs(${x}) < 1e15 THEN (${x})::text` +
      ` ELSE ${fail('numbers below 1e-4 or from 1e15 on are written as text by streaming', x)}::text END)`
    );
  }

  #binary(op: BinaryOp, left: SqlExpr, right: SqlExpr): SqlExpr {
    if (ARITHMETIC.has(op)) {
      const a = this.num(left);
      const c = this.num(right);
      switch (op) {
        case '+':
        case '-':
        case '*':
          return this.#number(this.#finite(`(${a} ${op} ${c})`));
        case '/':
          return this.#number(this.#finite(this.#pg ? `(${a} / nullif(${c}, 0))` : `(${a} / ${c})`));
        default:
          return this.#number(this.#finite(this.#pg ? pgRemainder(a, c) : `mod(${a}, ${c})`));
      }
    }
    if (op === 'and' || op === 'or')
      return this.#bool(`(${this.cond(left)} ${op.toUpperCase()} ${this.cond(right)})`);
    return this.#bool(this.#compare(op, left, right));
  }

  /** A comparison of two values of one type; NULL when the types differ or a value is null. */
  #compare(op: BinaryOp, left: SqlExpr, right: SqlExpr): string {
    const sqlOp = op === '!=' ? '<>' : op;
    const none = this.#pg ? 'NULL::boolean' : 'NULL';
    const ta = left.type;
    const tb = right.type;
    if (ta === 'null' || tb === 'null') return none;
    if (ta !== 'any' && tb !== 'any' && ta !== tb) return none;
    if (this.#pg) {
      // Every PostgreSQL column has a type: both sides are known here.
      if (ta === 'number') return `(${this.num(left)} ${sqlOp} ${this.num(right)})`;
      if (ta === 'boolean') return `(${this.value(left).sql} ${sqlOp} ${this.value(right).sql})`;
      return `(${this.#c(this.value(left).sql)} ${sqlOp} ${this.#c(this.value(right).sql)})`;
    }
    const plain = (e: SqlExpr) => (e.clean ? e.sql : `+${e.sql}`);
    const isNumber = (e: SqlExpr) => `+${e.sql} <= 9e999`;
    const isText = (e: SqlExpr) => `(+${e.sql} > 9e999 AND +${e.sql} < x'')`;
    const same = (a: SqlExpr, b: SqlExpr): string | undefined => {
      // `a` is of a known type: `b` must be of it.
      if (a.type === 'number') return isNumber(b);
      if (a.type === 'text') return isText(b);
      return undefined;
    };
    let guard: string | undefined;
    if (ta === 'any' && tb === 'any')
      guard = `((${isNumber(left)} AND ${isNumber(right)}) OR (${isText(left)} AND ${isText(right)}))`;
    else if (ta === 'any') guard = same(right, left);
    else if (tb === 'any') guard = same(left, right);
    else return `(${plain(left)} ${sqlOp} ${plain(right)})`;
    // A boolean (0 or 1) is never of the type of a SQLite cell.
    if (guard === undefined) return none;
    return `(CASE WHEN ${guard} THEN ${plain(left)} ${sqlOp} ${plain(right)} END)`;
  }

  #call(node: Extract<ExprNode, { kind: 'call' }>): SqlExpr {
    const { name } = node;
    // round()'s digits are written into the SQL, not bound.
    const args = (name === 'round' ? node.args.slice(0, 1) : node.args).map((a) => this.node(a));
    const first = args[0]!;
    switch (name) {
      case 'if': {
        const [yes, no] = this.#unified(args.slice(1), name);
        return { ...yes!, sql: `(CASE WHEN ${this.cond(first)} THEN ${yes!.sql} ELSE ${no!.sql} END)` };
      }
      case 'coalesce': {
        const values = this.#unified(args, name);
        return { ...values[0]!, sql: `coalesce(${values.map((v) => v.sql).join(', ')})` };
      }
      case 'min':
      case 'max': {
        if (!this.#pg) {
          if (args.some((a) => a.type === 'boolean'))
            throw new NotPushable(`${name}() of booleans in SQLite`);
          const type = unify(args.map((a) => a.type));
          const sql = `cp_${name}(${args.map((a) => this.value(a).sql).join(', ')})`;
          return { sql, kind: 'dynamic', type, clean: true };
        }
        // Compared as the engine compares them: dates as ISO text too.
        const values = this.#unified(args, name, false);
        const text = values[0]!.type === 'text';
        const list = values.map((v) => (text ? this.#c(v.sql) : v.sql)).join(', ');
        return { ...values[0]!, sql: `${name === 'min' ? 'LEAST' : 'GREATEST'}(${list})` };
      }
      case 'concat': {
        const parts = args.map((a) => this.#asText(a));
        return this.#text(
          this.#pg
            ? `concat(${parts.join(', ')})`
            : `(${parts.map((p) => `coalesce(${p}, '')`).join(' || ')})`,
        );
      }
      case 'upper':
      case 'lower':
        return this.#case(name, first);
      case 'round': {
        const digits = node.args[1] === undefined ? 0 : (digitsOf(node.args[1]) ?? 0);
        const x = this.num(first);
        const s = this.#inline(roundScale(digits));
        const r =
          digits >= 0 ? `(floor(abs(${x}) * ${s} + 0.5) / ${s})` : `(floor(abs(${x}) / ${s} + 0.5) * ${s})`;
        return this.#number(this.#finite(`(${r} * sign(${x}))`));
      }
      case 'abs':
      case 'floor':
      case 'ceil':
        return this.#number(this.#finite(`${name}(${this.num(first)})`));
      case 'sqrt': {
        const x = this.num(first);
        return this.#number(
          this.#finite(this.#pg ? `sqrt(CASE WHEN ${x} >= 0 THEN ${x} END)` : `sqrt(${x})`),
        );
      }
      case 'log':
        if (this.#pg)
          throw new NotPushable(
            `log() in ${this.#db} (its logarithm may differ from JavaScript's in the last digit)`,
          );
        return this.#number(`cp_log(${this.num(first)})`);
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'weekday':
        return this.#datePart(name, first);
      default:
        throw new NotPushable(`function ${name}()`);
    }
  }

  /**
   * Values of one SQL type for if(), coalesce(), min() and max(): PostgreSQL needs one type for
   * all, SQLite one kind of boolean. Columns of one kind stay as they are (dates stay dates).
   */
  #unified(args: readonly SqlExpr[], name: string, raw = true): SqlExpr[] {
    const real = args.filter((a) => a.kind !== 'null');
    const first = real[0];
    if (first === undefined)
      return args.map(() => ({ sql: 'NULL', kind: 'null', type: 'null', clean: true }));
    const type = unify(args.map((a) => a.type));
    if (!this.#pg) {
      const bools = real.filter((a) => a.type === 'boolean').length;
      if (bools > 0 && bools < real.length)
        throw new NotPushable(`${name}() of booleans and other values in SQLite`);
      const kind = bools > 0 ? 'bool' : 'dynamic';
      return args.map((a) =>
        a.kind === 'null' ? { sql: 'NULL', kind, type, clean: true } : { ...this.value(a), type },
      );
    }
    // Columns of one kind stay as they are (dates stay dates); numbers need NaN read as null.
    const needsValue = (a: SqlExpr) => !a.clean && a.kind !== 'null' && PG_NUMBERS.has(a.kind);
    const sameKind = raw && real.every((a) => a.kind === first.kind && !needsValue(a));
    const values = sameKind ? real : real.map((a) => this.value(a));
    const kind = values[0]!.kind;
    if (values.some((v) => v.kind !== kind))
      throw new NotPushable(`${name}() of values of different types in ${this.#db}`);
    let k = 0;
    return args.map((a) => {
      if (a.kind === 'null') return { sql: 'NULL', kind, type, clean: values[0]!.clean };
      return { ...values[k++]!, type };
    });
  }

  #case(name: 'upper' | 'lower', e: SqlExpr): SqlExpr {
    if (!this.#pg) return this.#text(`cp_${name}(${this.value(e).sql})`);
    if (e.type !== 'text') return this.#text('NULL::text');
    const t = `(${this.value(e).sql})::text`;
    const ascii = this.#duck ? `regexp_full_match(${t}, '[\\x01-\\x7F]*')` : `${t} ~ '^[\\x01-\\x7F]*$'`;
    return this.#text(
      `(CASE WHEN ${t} IS NULL THEN NULL WHEN ${ascii} THEN ${name}(${this.#duck ? t : `${t} COLLATE "C"`})` +
        ` ELSE ${fail(`${name}() of text beyond ASCII is computed by streaming`, t)}::text END)`,
    );
  }

  #datePart(part: 'year' | 'month' | 'day' | 'hour' | 'weekday', e: SqlExpr): SqlExpr {
    if (!this.#pg)
      return this.#number(`cp_datepart(${this.value(e).sql}, '${part}', ${this.#inline(this.#zone.name)})`);
    if (e.type === 'number' || e.type === 'boolean' || e.type === 'null') return this.#number('NULL::float8');
    if (e.kind === 'null' || !PG_DATES.has(e.kind))
      throw new NotPushable(`${part}() of text in ${this.#db} (dates are read by streaming)`);
    const zoned = e.kind !== 'date' && this.#zone !== UTC;
    if (zoned && !this.#duck)
      throw new NotPushable(`${part}() in time zone "${this.#zone.name}" (only UTC is pushed down)`);
    const r = e.sql;
    const [low, high] =
      e.kind === 'timestamptz'
        ? [`'0100-01-01 00:00:00+00'`, `'10000-01-01 00:00:00+00'`]
        : [`'0100-01-01'`, `'10000-01-01'`];
    const field = part === 'weekday' ? 'isodow' : part;
    if (zoned) {
      // DuckDB's ICU zones, from 1972 on: before, zones' offsets were not always whole minutes.
      const local = `timezone(${this.#inline(this.#zone.name)}, timezone('UTC', ${r}))`;
      const early = fail('date parts in a zone before 1972 are computed by streaming', r);
      const value = `(CASE WHEN ${r} < TIMESTAMP '1972-01-01' THEN ${early}::float8 ELSE extract(${field} from ${local})::float8 END)`;
      return this.#number(`(CASE WHEN ${r} >= ${low} AND ${r} < ${high} THEN ${value} END)`);
    }
    const value = part === 'hour' && e.kind === 'date' ? '0::float8' : `extract(${field} from ${r})::float8`;
    return this.#number(`(CASE WHEN ${r} >= ${low} AND ${r} < ${high} THEN ${value} END)`);
  }
}

/** `a % b` for whole numbers in PostgreSQL; the statement fails on other numbers. */
function pgRemainder(a: string, b: string): string {
  return (
    `(CASE WHEN ${a} IS NULL OR ${b} IS NULL OR ${b} = 0 THEN NULL` +
    ` WHEN ${a} = trunc(${a}) AND ${b} = trunc(${b}) AND abs(${a}) < ${SAFE} AND abs(${b}) < ${SAFE}` +
    ` THEN ((${a})::int8 % (${b})::int8)::float8` +
    ` ELSE ${fail('% of numbers that are not whole is computed by streaming', a, b)}::float8 END)`
  );
}

/**
 * An expression that fails the statement when evaluated, saying why: a value the database
 * would compute differently. Its text depends on the values it is about, so it is evaluated
 * only where reached (a constant would be evaluated, and fail, when the statement is planned).
 */
function fail(reason: string, ...dependsOn: string[]): string {
  const none = dependsOn.map((d) => `${d} IS NULL`).join(' OR ');
  return `CAST(CASE WHEN ${none} THEN NULL ELSE 'chartpress: ${reason.replaceAll("'", "''")}' END AS int8)`;
}
