import type { Query } from '../../spec/schema.js';
import { Calculations } from '../calculate.js';
import { expressionSql } from '../expr/compile-sql.js';
import type { SqlBuilder } from './builder.js';
import { NotPushable, quoteIdent } from './dialect.js';

/** A calculated field as SQL: the subquery that adds it as a column named after it. */
export interface CalcLayer {
  readonly name: string;
  readonly sql: string;
}

/** The query's calculated fields, parsed and checked; NotPushable when any has a problem. */
export function calculations(query: Query): Calculations | undefined {
  if (query.calculate === undefined && query.timezone === undefined) return undefined;
  const calc = new Calculations(query, { dataset: '', path: '' });
  if (calc.problems.length > 0) throw new NotPushable('calculate has problems');
  return calc;
}

/**
 * The calculated fields as SQL, in order, each made a column of `b` (read as `t."name"`): one
 * subquery per field, so a field reads the ones before it by name, and no expression is
 * written twice.
 */
export function calcLayers(calc: Calculations | undefined, b: SqlBuilder): CalcLayer[] {
  if (calc === undefined) return [];
  return calc.fields.map((f) => {
    const e = expressionSql(f.node, b, calc.zone);
    const typed = b.dialect.name !== 'sqlite';
    const kind = e.kind === 'null' ? (typed ? 'text' : 'dynamic') : e.kind;
    b.calculated(f.name, kind, e.type, e.clean);
    // PostgreSQL cannot tell the type of a bare NULL in a subquery's column: text, as null is.
    const sql = e.kind === 'null' && typed ? 'NULL::text' : e.sql;
    return { name: f.name, sql };
  });
}

/** Where a table's rowid is kept through the subqueries of calculated fields. */
export const ROW_ID = '"__cp_rid"';

/**
 * `from` (`… AS t`) inside the subqueries of the calculated fields, the first of them keeping
 * the table's `rowid` (when it has one) as `t."__cp_rid"`.
 */
export function layered(from: string, layers: readonly CalcLayer[], rowid: string | undefined): string {
  let sql = from;
  layers.forEach((l, i) => {
    const keep = i === 0 && rowid !== undefined ? `, t.${rowid} AS ${ROW_ID}` : '';
    sql = `(SELECT t.*${keep}, ${l.sql} AS ${quoteIdent(l.name)} FROM ${sql}) AS t`;
  });
  return sql;
}
