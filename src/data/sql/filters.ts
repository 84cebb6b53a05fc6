import type { Value } from '../../frame.js';
import type { Filter, ParamRef } from '../../spec/schema.js';
import { maybeNumber } from '../compare.js';
import type { Params } from '../filter.js';
import type { SqlBuilder } from './builder.js';
import { NotPushable } from './dialect.js';

const isParamRef = (v: unknown): v is ParamRef =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'param' in v;

/**
 * A query's filters as one SQL condition (`TRUE` for none), with the streaming engine's
 * semantics (see `compileFilters`): a numeric comparison when the value is numeric, a text
 * comparison otherwise; a null cell passes only `eq null`, `in` a list holding null and
 * `isNull`; `ne` passes every non-null cell the value does not equal; `contains` looks into
 * text cells only. Values are bound as parameters.
 */
export function filterSql(filters: readonly Filter[] | undefined, params: Params, b: SqlBuilder): string {
  const parts = (filters ?? []).map((f) => one(f, params, b));
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}

function one(f: Filter, params: Params, b: SqlBuilder): string {
  const col = b.column(f.field);
  const d = b.dialect;
  if (f.op === 'isNull') return d.isNull(col.ref, col.kind);
  if (f.op === 'notNull') return `NOT ${d.isNull(col.ref, col.kind)}`;
  if (f.value === undefined) throw new NotPushable(`${f.op} has no value`);
  const value = resolve(f.value, params);
  const notNull = () => `NOT ${d.isNull(col.ref, col.kind)}`;
  const eq = (target: Value): string => {
    if (target === null) return d.isNull(col.ref, col.kind);
    const n = numeric(target);
    return n === undefined
      ? `${d.str(col.ref, col.kind)} = ${b.bind(String(target))}`
      : `${d.num(col.ref, col.kind)} = ${b.bind(n)}`;
  };
  const cmp = (target: Value, op: string): string => {
    if (target === null) return 'FALSE';
    const n = numeric(target);
    return n === undefined
      ? `${d.str(col.ref, col.kind)} ${op} ${b.bind(String(target))}`
      : `${d.num(col.ref, col.kind)} ${op} ${b.bind(n)}`;
  };
  if (f.op === 'in') {
    const targets = Array.isArray(value) ? value : [value];
    return targets.length === 0 ? 'FALSE' : `(${targets.map((t) => `(${eq(t)})`).join(' OR ')})`;
  }
  if (f.op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) throw new NotPushable('between needs two values');
    const [lo = null, hi = null] = value;
    const sides = [notNull()];
    if (lo !== null) sides.push(cmp(lo, '>='));
    if (hi !== null) sides.push(cmp(hi, '<='));
    return `(${sides.join(' AND ')})`;
  }
  if (Array.isArray(value)) throw new NotPushable(`${f.op} with a list`);
  switch (f.op) {
    case 'eq':
      return `(${eq(value)})`;
    case 'ne':
      // A cell the comparison cannot decide (NULL in SQL) is "not equal" to the engine.
      return value === null ? notNull() : `(${notNull()} AND NOT coalesce(${eq(value)}, FALSE))`;
    case 'contains': {
      if (value === null) throw new NotPushable('contains null');
      return `(${d.contains(col.ref, col.kind, () => b.bind(String(value)))})`;
    }
    case 'lt':
      return `(${cmp(value, '<')})`;
    case 'lte':
      return `(${cmp(value, '<=')})`;
    case 'gt':
      return `(${cmp(value, '>')})`;
    case 'gte':
      return `(${cmp(value, '>=')})`;
  }
}

/** The number a target stands for (as the engine's comparer reads it); NaN is not pushed. */
function numeric(target: Exclude<Value, null>): number | undefined {
  const n = maybeNumber(target);
  if (n !== undefined && Number.isNaN(n)) throw new NotPushable('a NaN filter value');
  return n;
}

function resolve(value: Exclude<Filter['value'], undefined>, params: Params): Value | Value[] {
  const one = (v: Value | ParamRef): Value => {
    if (!isParamRef(v)) return v;
    const p = Object.hasOwn(params, v.param) ? params[v.param] : undefined;
    if (p === undefined) throw new NotPushable(`param "${v.param}" is not given`);
    return p;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}
