import { type Problem, problem } from '../errors.js';
import type { Query } from '../spec/schema.js';
import type { GroupKey } from './group.js';
import { type SortKey, sortField } from './sort.js';
import { at, type QueryWhere } from './where.js';

/** Column names for messages: `a, b, c`, or `(none)`. */
export const list = (names: readonly string[]) => (names.length === 0 ? '(none)' : names.join(', '));

/**
 * Every field a query's filters, groupBy and aggregates read, with the key path that names it:
 * columns of its dataset, and (with `calculated: true`) its calculated fields.
 */
export function columnsRead(query: Query, calculated = false): { field: string; keys: PropertyKey[] }[] {
  const read: { field: string; keys: PropertyKey[] }[] = [];
  for (const [i, f] of (query.filter ?? []).entries())
    read.push({ field: f.field, keys: ['filter', i, 'field'] });
  for (const [i, g] of (query.groupBy ?? []).entries()) {
    if (typeof g === 'string') read.push({ field: g, keys: ['groupBy', i] });
    else read.push({ field: g.field, keys: ['groupBy', i, 'field'] });
  }
  for (const [name, agg] of Object.entries(query.aggregate ?? {})) {
    if (agg.field !== undefined) read.push({ field: agg.field, keys: ['aggregate', name, 'field'] });
    for (const [i, f] of (agg.where ?? []).entries())
      read.push({ field: f.field, keys: ['aggregate', name, 'where', i, 'field'] });
  }
  const calc = query.calculate ?? {};
  return calculated ? read : read.filter((r) => !Object.hasOwn(calc, r.field));
}

/** Sort items resolved against output columns; unknown ones are problems. */
export function resolveSort(
  query: Query,
  outputs: readonly string[],
  what: string,
  where: QueryWhere,
  keys: readonly GroupKey[] = [],
): { sort: SortKey[]; problems: Problem[] } {
  const sort: SortKey[] = [];
  const problems: Problem[] = [];
  query.sort?.forEach((item, i) => {
    const { field, desc } = sortField(item);
    const index = outputs.indexOf(field);
    if (index >= 0) {
      sort.push({ index, desc, by: keys.find((k) => k.output === field)?.sortBy });
      return;
    }
    const message = `sort column "${field}" not found in ${what}; columns: ${list(outputs)}`;
    const path = typeof item === 'string' ? ['sort', i] : ['sort', i, 'field'];
    problems.push(problem('CP_ERR_UNKNOWN_COLUMN', message, at(where, ...path)));
  });
  return { sort, problems };
}

/**
 * What is wrong with a query whatever its data: two output columns with one name, aggregates
 * without a field, having on a column that is not an output, and having, pivot, other and fill
 * used where they cannot apply.
 */
export function checkShape(
  query: Query,
  outputs: readonly string[],
  keys: readonly GroupKey[],
  where: QueryWhere,
) {
  const problems: Problem[] = [];
  const add = (code: Problem['code'], message: string, ...path: PropertyKey[]) =>
    problems.push(problem(code, message, at(where, ...path)));
  for (const [name, agg] of Object.entries(query.aggregate ?? {})) {
    if (agg.op !== 'count' && agg.field === undefined)
      add('CP_ERR_MISSING_FIELD', `${agg.op} needs a field`, 'aggregate', name, 'field');
  }
  problems.push(...duplicateOutputs(query, where));
  const grouped = keys.length > 0;
  if (query.pivot) {
    if (!grouped)
      add('CP_ERR_INVALID_VALUE', 'pivot needs groupBy: it spreads grouped rows into columns', 'pivot');
    for (const side of ['on', 'value'] as const) {
      const name = query.pivot[side];
      if (grouped && !outputs.includes(name)) {
        add(
          'CP_ERR_UNKNOWN_COLUMN',
          `pivot column "${name}" is not an output column; columns: ${list(outputs)}`,
          'pivot',
          side,
        );
      }
    }
    if (query.pivot.on === query.pivot.value)
      add('CP_ERR_INVALID_VALUE', 'pivot on and value must be two columns', 'pivot', 'value');
  }
  if (query.other !== undefined && query.other !== false) {
    if (!grouped)
      add('CP_ERR_INVALID_VALUE', 'other needs groupBy: its label goes in the first group column', 'other');
    else if (query.limit === undefined)
      add('CP_ERR_MISSING_FIELD', 'other needs a limit: it sums the rows past it', 'limit');
  }
  if (query.having !== undefined) {
    if (!grouped && Object.keys(query.aggregate ?? {}).length === 0)
      add('CP_ERR_INVALID_VALUE', 'having needs groupBy or aggregate: it filters groups', 'having');
    else
      for (const [i, f] of query.having.entries()) {
        if (!outputs.includes(f.field))
          add(
            'CP_ERR_UNKNOWN_COLUMN',
            `having column "${f.field}" is not an output column; columns: ${list(outputs)}`,
            'having',
            i,
            'field',
          );
      }
  }
  if (query.fill !== undefined && !keys.some((k) => k.bucket !== undefined)) {
    add('CP_ERR_INVALID_VALUE', 'fill needs a groupBy item with a time bucket', 'fill');
  }
  return problems;
}

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
