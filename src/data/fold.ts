import { ChartpressError, type Problem, problem } from '../errors.js';
import { type Column, cell, type Frame, toColumn, type Value } from '../frame.js';
import { DEFAULT_FOLD_AS, type Fold, type Query } from '../spec/schema.js';
import { list } from './query-check.js';
import { at, type QueryWhere } from './where.js';

/** A `fold` written either way: the columns folded, and the names of the key and value columns. */
export interface FoldSpec {
  readonly fields: readonly string[];
  readonly as: readonly [string, string];
}

/** Folds made from a chart's `encode.y` list: their problems name `encode.y`. */
const fromEncode = new WeakSet<object>();

/**
 * The fold that a chart's `encode.y: [a, b]` stands for: its problems are reported at the
 * chart's `encode.y` (the query's path ending in `.data`) rather than at `data.fold`.
 */
export function encodeFold(fields: readonly string[], as: readonly [string, string]): Fold {
  const fold = { fields: [...fields], as: [as[0], as[1]] as [string, string] };
  fromEncode.add(fold);
  return fold;
}

/** `{ fields, as }` of a fold given as a list or an object, with the default names. */
export function foldSpec(fold: Fold): FoldSpec {
  if (Array.isArray(fold)) return { fields: fold, as: DEFAULT_FOLD_AS };
  return { fields: fold.fields, as: fold.as ?? DEFAULT_FOLD_AS };
}

/**
 * What is wrong with a query's fold given its output columns: fold with pivot, a column folded
 * that is not an output (or folded twice), a key or value name taken by a column kept.
 */
export function checkFold(query: Query, columns: readonly string[], where: QueryWhere): Problem[] {
  if (query.fold === undefined) return [];
  const fold = query.fold;
  const problems: Problem[] = [];
  const encoded = fromEncode.has(fold) && where.path.endsWith('.data');
  const place = (path: PropertyKey[]) =>
    encoded
      ? {
          file: where.file,
          path: `${where.path.slice(0, -'.data'.length)}.encode.y${path[0] === 'fields' ? `[${String(path[1])}]` : ''}`,
        }
      : at(where, 'fold', ...path);
  const add = (code: Problem['code'], message: string, ...path: PropertyKey[]) =>
    problems.push(problem(code, message, place(path)));
  const what = encoded ? 'y' : 'fold';
  if (query.pivot !== undefined) {
    add('CP_ERR_INVALID_VALUE', 'fold and pivot cannot be used together: one makes rows, the other columns');
    return problems;
  }
  const { fields, as } = foldSpec(fold);
  const listed = Array.isArray(fold);
  const path = (j: number) => (listed ? [j] : ['fields', j]);
  fields.forEach((name, j) => {
    if (!columns.includes(name))
      add(
        'CP_ERR_UNKNOWN_COLUMN',
        `${what} column "${name}" is not an output column; columns: ${list(columns)}`,
        ...path(j),
      );
    else if (fields.indexOf(name) !== j)
      add('CP_ERR_INVALID_VALUE', `${what} column "${name}" is listed twice`, ...path(j));
  });
  const kept = columns.filter((c) => !fields.includes(c));
  as.forEach((name, k) => {
    const taken = kept.includes(name) || (k === 1 && as[0] === name);
    if (!taken) return;
    const message = encoded
      ? `a list of y columns makes a column "${name}", but "${name}" is already one; write the fold in the query (data.fold with "as") and encode its columns`
      : `fold would make a column "${name}", but "${name}" is already one; name it with fold "as: [key, value]"`;
    add('CP_ERR_INVALID_VALUE', message, ...(!encoded && !Array.isArray(fold) && fold.as ? ['as', k] : []));
  });
  return problems;
}

/**
 * Turns the fold's columns of a frame into rows: for each row, one row per folded column (in
 * the fold's order), holding the columns kept, the folded column's name and its value. Throws
 * the problems of `checkFold`.
 */
export function foldFrame(frame: Frame, query: Query, where: QueryWhere): Frame {
  if (query.fold === undefined) return frame;
  const problems = checkFold(query, frame.fields, where);
  if (problems.length > 0) throw new ChartpressError(problems);
  const { fields, as } = foldSpec(query.fold);
  const kept = frame.fields.filter((c) => !fields.includes(c));
  const n = frame.length * fields.length;
  const columns: Record<string, Column> = Object.create(null);
  for (const name of kept) {
    const col = frame.columns[name];
    const values = new Array<Value>(n);
    for (let i = 0, k = 0; i < frame.length; i++) {
      const v = cell(col, i);
      for (let j = 0; j < fields.length; j++) values[k++] = v;
    }
    columns[name] = toColumn(values);
  }
  const keys = new Array<Value>(n);
  const values = new Array<Value>(n);
  for (let i = 0, k = 0; i < frame.length; i++) {
    for (const name of fields) {
      keys[k] = name;
      values[k++] = cell(frame.columns[name], i);
    }
  }
  columns[as[0]] = keys;
  columns[as[1]] = toColumn(values);
  return { fields: [...kept, ...as], columns, length: n };
}
