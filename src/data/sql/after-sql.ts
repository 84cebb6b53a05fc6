import { type Column, cell, type Frame, toColumn, type Value } from '../../frame.js';
import type { Query } from '../../spec/schema.js';
import { foldFrame } from '../fold.js';
import { groupKeys } from '../group.js';
import { resolveSort } from '../query-check.js';
import { sortTuples } from '../sort.js';
import type { QueryWhere } from '../where.js';
import { applyWindows } from '../window.js';

/**
 * The part of a query that its statement computes: all of it but the fold and, when it has
 * windows, the windows and the sort and limit after them. The statement then returns every
 * group in first-seen order, as the streaming engine holds them before its windows.
 */
export function statementPart(query: Query): Query {
  if (query.window === undefined && query.fold === undefined) return query;
  const { window, fold: _fold, ...rest } = query;
  if (window === undefined) return rest;
  const { sort: _sort, limit: _limit, ...aggregated } = rest;
  return aggregated;
}

/**
 * What `statementPart` left out, run over the statement's frame as the streaming engine runs
 * it: the windows, the sort and limit, then the fold. Expects a query checked by
 * `QueryAccumulator` (its problems are not reported again).
 */
export function afterStatement(query: Query, frame: Frame, where: QueryWhere): Frame {
  let out = frame;
  if (query.window !== undefined) {
    const tuples: Value[][] = [];
    for (let i = 0; i < frame.length; i++) tuples.push(frame.fields.map((f) => cell(frame.columns[f], i)));
    const { keys } = groupKeys(query.groupBy ?? [], where);
    const fields = applyWindows(query.window, frame.fields, tuples, keys);
    sortTuples(tuples, resolveSort(query, fields, 'the query output', where, keys).sort);
    const kept = query.limit === undefined ? tuples : tuples.slice(0, query.limit);
    const columns: Record<string, Column> = Object.create(null);
    fields.forEach((name, j) => {
      columns[name] = toColumn(kept.map((t) => t[j] ?? null));
    });
    out = { fields, columns, length: kept.length };
  }
  return foldFrame(out, query, where);
}
