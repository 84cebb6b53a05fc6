import { type Problem, problem } from '../errors.js';
import type { Value } from '../frame.js';
import { DEFAULT_WINDOW_FRAME, type Query, type Window, type WindowOp } from '../spec/schema.js';
import { list } from './query-check.js';
import { sortField, tupleComparator } from './sort.js';
import { at, type QueryWhere } from './where.js';

/** A group column as windows order by it: its output name, and how its labels compare. */
export interface WindowKey {
  readonly output: string;
  /** Maps a label to the value compared, e.g. a local time with its offset to its instant. */
  readonly sortBy?: ((v: Value) => Value) | undefined;
}

/** The ops that number rows by their order and read no field. */
const NUMBERING: ReadonlySet<WindowOp> = new Set(['rank', 'rowNumber']);

/** The output column a window writes: its `as`, or `<field>_<op>` (rank, rowNumber: the op). */
export function windowName(w: Window): string {
  if (w.as !== undefined) return w.as;
  return w.field === undefined || NUMBERING.has(w.op) ? w.op : `${w.field}_${w.op}`;
}

/** The `by` of a window as a list. */
const partitionOf = (w: Window): readonly string[] =>
  w.by === undefined ? [] : typeof w.by === 'string' ? [w.by] : w.by;

/** The output columns of a query with windows: `outputs`, then each window's column. */
export function windowOutputs(query: Query, outputs: readonly string[]): string[] {
  return [...outputs, ...(query.window ?? []).map(windowName)];
}

/**
 * What is wrong with a query's windows whatever its data: a window on rows not aggregated, a
 * field missing, given where it is not read, or not an output column (or an earlier window's),
 * `by` and `order` columns that are not, an output name taken, a frame on another op.
 */
export function checkWindows(query: Query, outputs: readonly string[], where: QueryWhere): Problem[] {
  const windows = query.window;
  if (windows === undefined || windows.length === 0) return [];
  const problems: Problem[] = [];
  const add = (code: Problem['code'], message: string, ...path: PropertyKey[]) =>
    problems.push(problem(code, message, at(where, ...path)));
  if ((query.groupBy ?? []).length === 0 && Object.keys(query.aggregate ?? {}).length === 0) {
    add(
      'CP_ERR_INVALID_VALUE',
      'window needs groupBy or aggregate: it runs over the aggregated rows',
      'window',
    );
    return problems;
  }
  const known = [...outputs];
  const unknown = (what: string, name: string, ...path: PropertyKey[]) =>
    add(
      'CP_ERR_UNKNOWN_COLUMN',
      `${what} "${name}" is not an output column; columns: ${list(known)}`,
      ...path,
    );
  windows.forEach((w, i) => {
    if (NUMBERING.has(w.op)) {
      if (w.field !== undefined)
        add(
          'CP_ERR_INVALID_VALUE',
          `${w.op} reads no field: it numbers the rows in \`order\`; remove field, or order by it`,
          'window',
          i,
          'field',
        );
    } else if (w.field === undefined) {
      add('CP_ERR_MISSING_FIELD', `${w.op} needs a field`, 'window', i, 'field');
    } else if (!known.includes(w.field)) {
      unknown('window field', w.field, 'window', i, 'field');
    }
    if (typeof w.by === 'string') {
      if (!known.includes(w.by)) unknown('window by column', w.by, 'window', i, 'by');
    } else
      w.by?.forEach((name, j) => {
        if (!known.includes(name)) unknown('window by column', name, 'window', i, 'by', j);
      });
    w.order?.forEach((item, j) => {
      const { field } = sortField(item);
      if (known.includes(field)) return;
      unknown(
        'window order column',
        field,
        'window',
        i,
        'order',
        ...(typeof item === 'string' ? [j] : [j, 'field']),
      );
    });
    if (w.frame !== undefined && w.op !== 'movingAvg')
      add('CP_ERR_INVALID_VALUE', `frame applies to movingAvg only, not ${w.op}`, 'window', i, 'frame');
    const name = windowName(w);
    if (known.includes(name)) {
      const message = `output column "${name}" appears twice; give the window another name with "as"`;
      add('CP_ERR_INVALID_VALUE', message, 'window', i, ...(w.as === undefined ? [] : ['as']));
    }
    known.push(name);
  });
  return problems;
}

/**
 * Computes a query's windows over its aggregated rows, each appending one column to every
 * tuple (in place), in order, so that each window reads the ones before it. Within a partition
 * (`by`) rows are taken in `order` (nulls last), then by the group columns `keys` ascending,
 * so the result never depends on the order of `tuples`; they keep that order. Expects windows
 * checked by `checkWindows`.
 */
export function applyWindows(
  windows: readonly Window[],
  fields: readonly string[],
  tuples: Value[][],
  keys: readonly WindowKey[],
): string[] {
  const names = [...fields];
  for (const w of windows) {
    const index = (name: string) => names.indexOf(name);
    const byOf = (name: string) => keys.find((k) => k.output === name)?.sortBy;
    const order = (w.order ?? []).map((item) => {
      const { field, desc } = sortField(item);
      return { index: index(field), desc, by: byOf(field) };
    });
    const tiebreak = keys.map((k) => ({ index: index(k.output), desc: false, by: k.sortBy }));
    const compare = tupleComparator([...order, ...tiebreak]);
    const peers = tupleComparator(w.order === undefined ? tiebreak : order);
    const field = w.field === undefined ? -1 : index(w.field);
    const column = names.length;
    for (const rows of partitions(tuples, partitionOf(w).map(index))) {
      rows.sort(compare);
      const values = rows.map((t) => t[field] ?? null);
      const out = compute(w, values, (i) => peers(rows[i - 1]!, rows[i]!) === 0);
      rows.forEach((t, i) => {
        t[column] = out[i] ?? null;
      });
    }
    names.push(windowName(w));
  }
  return names;
}

/** The rows of each partition, in first-seen order of the partitions. */
function partitions(tuples: readonly Value[][], by: readonly number[]): Value[][][] {
  if (by.length === 0) return [[...tuples]];
  const parts = new Map<string, Value[][]>();
  for (const t of tuples) {
    const id = JSON.stringify(by.map((i) => t[i] ?? null));
    let part = parts.get(id);
    if (part === undefined) {
      part = [];
      parts.set(id, part);
    }
    part.push(t);
  }
  return [...parts.values()];
}

/** A value a window computes with: a number that is not NaN; anything else counts as null. */
const numberOf = (v: Value): number | undefined =>
  typeof v === 'number' && !Number.isNaN(v) ? v : undefined;

/**
 * One window over the values of one partition, in order. `tiesBefore(i)`: row i ties with
 * row i - 1 in the window's order (rank gives them one rank).
 */
export function compute(w: Window, values: readonly Value[], tiesBefore: (i: number) => boolean): Value[] {
  const n = values.length;
  const out = new Array<Value>(n).fill(null);
  switch (w.op) {
    case 'rowNumber':
      for (let i = 0; i < n; i++) out[i] = i + 1;
      break;
    case 'rank':
      for (let i = 0; i < n; i++) out[i] = i > 0 && tiesBefore(i) ? out[i - 1]! : i + 1;
      break;
    case 'cumsum': {
      let sum: number | undefined;
      for (let i = 0; i < n; i++) {
        const v = numberOf(values[i] ?? null);
        if (v !== undefined) sum = (sum ?? 0) + v;
        out[i] = sum ?? null;
      }
      break;
    }
    case 'diff':
    case 'pctChange':
      for (let i = 1; i < n; i++) {
        const v = numberOf(values[i] ?? null);
        const prev = numberOf(values[i - 1] ?? null);
        if (v === undefined || prev === undefined) continue;
        if (w.op === 'diff') out[i] = v - prev;
        else if (prev !== 0) out[i] = (v - prev) / prev;
      }
      break;
    case 'movingAvg': {
      const frame = w.frame ?? DEFAULT_WINDOW_FRAME;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        let count = 0;
        for (let j = Math.max(0, i - frame + 1); j <= i; j++) {
          const v = numberOf(values[j] ?? null);
          if (v === undefined) continue;
          sum += v;
          count++;
        }
        if (count > 0) out[i] = sum / count;
      }
      break;
    }
  }
  return out;
}
