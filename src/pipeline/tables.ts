import { compileFilters } from '../data/filter.js';
import type { LazyTables, RenderedChart, TableData } from '../document/model.js';
import { MAX_TABLE_ROWS } from '../document/table.js';
import { type Problem, problem } from '../errors.js';
import { cell, columnValues, type Frame, type Row, toColumn, type Value } from '../frame.js';
import type { PlanDataSource } from './data.js';
import type { ChartUse, Plan, SparklineUse, TableUse } from './plan.js';

/** Draws a chart over a frame of its own, through the run's keys and cache (`ChartRun.drawFrame`). */
export type DrawFrame = (use: ChartUse, frame: Frame) => Promise<RenderedChart>;

/** The plan's tables as lazy getters, each ready once its dataset is read; `done` as they are. */
export function lazyPlanTables(
  plan: Plan,
  data: PlanDataSource,
  file: string | undefined,
  draw?: DrawFrame,
): { tables: LazyTables; done: ReadonlyMap<string, TableData> } {
  const done = new Map<string, TableData>();
  const tables = new Map<string, () => Promise<TableData>>();
  for (const [id, use] of plan.tables) {
    let pulled: Promise<TableData> | undefined;
    const get = async (): Promise<TableData> => {
      const { frames, failed } = await data.dataset(use.table.data.from);
      const frame = frames.get(id);
      let error = failed.get(id) ?? checkTableColumns(use.table, frame, use.path, file);
      const styled = !error && frame ? matchStyles(use, frame, file) : undefined;
      error ??= styled?.error;
      const sparks =
        !error && frame && draw && use.sparklines
          ? await drawSparklines(use.sparklines, frame, data, draw, use.path, file)
          : undefined;
      error ??= sparks?.error;
      const table: TableData = {
        table: use.table,
        frame: frame && !error ? frame : { fields: [], columns: {}, length: 0 },
        error,
        ...(styled?.matches && !error ? { matches: styled.matches } : {}),
        ...(use.theme !== undefined ? { theme: use.theme } : {}),
        ...(sparks?.drawn && !error ? { sparklines: sparks.drawn } : {}),
      };
      done.set(id, table);
      return table;
    };
    tables.set(id, () => {
      pulled ??= get();
      return pulled;
    });
  }
  return { tables, done };
}

function checkTableColumns(
  table: TableData['table'],
  frame: TableData['frame'] | undefined,
  path: string,
  file: string | undefined,
): Problem | undefined {
  if (!frame || frame.length === 0) return undefined;
  const unknown = (field: string, at: string) =>
    frame.fields.includes(field)
      ? undefined
      : problem(
          'CP_ERR_UNKNOWN_COLUMN',
          `column "${field}" is not in the table's data; columns: ${frame.fields.join(', ')}`,
          { file, path: `${path}.${at}` },
        );
  for (const [i, c] of (table.columns ?? []).entries()) {
    // A sparkline column is made, not read: its field names it.
    if (typeof c !== 'string' && c.sparkline) {
      const wrong = unknown(c.sparkline.key, `columns[${i}].sparkline.key`);
      if (wrong) return wrong;
      continue;
    }
    const wrong = unknown(typeof c === 'string' ? c : c.field, `columns[${i}]`);
    if (wrong) return wrong;
    if (typeof c !== 'string' && c.bar !== undefined && c.bar !== false && !isNumeric(frame, c.field)) {
      return problem(
        'CP_ERR_INVALID_VALUE',
        `bar needs a column of numbers; "${c.field}" holds other values`,
        {
          file,
          path: `${path}.columns[${i}].bar`,
        },
      );
    }
  }
  for (const [i, rule] of (table.style ?? []).entries()) {
    const when = Array.isArray(rule.when) ? rule.when : [rule.when];
    for (const [j, f] of when.entries()) {
      const wrong = unknown(
        f.field,
        Array.isArray(rule.when) ? `style[${i}].when[${j}].field` : `style[${i}].when.field`,
      );
      if (wrong) return wrong;
    }
    for (const [j, field] of (rule.columns ?? []).entries()) {
      const wrong = unknown(field, `style[${i}].columns[${j}]`);
      if (wrong) return wrong;
    }
  }
  if (table.subtotals !== undefined) {
    const wrong = unknown(table.subtotals, 'subtotals');
    if (wrong) return wrong;
  }
  if (typeof table.totals === 'object') {
    for (const [field, op] of Object.entries(table.totals)) {
      const wrong = unknown(field, `totals.${field}`);
      if (wrong) return wrong;
      if (op !== 'count' && !isNumeric(frame, field)) {
        return problem(
          'CP_ERR_INVALID_VALUE',
          `totals: ${op} needs a column of numbers; "${field}" holds other values`,
          {
            file,
            path: `${path}.totals.${field}`,
          },
        );
      }
    }
  }
  return undefined;
}

/** Whether a column holds numbers (and nulls) only, at least one number. */
function isNumeric(frame: Frame, field: string): boolean {
  const values = columnValues(frame.columns[field], frame.length);
  return (
    values.some((v) => typeof v === 'number') && values.every((v) => v === null || typeof v === 'number')
  );
}

/**
 * Which rows meet each rule of the table's `style` (conditions as in a query's `filter`, with
 * the run's params), among the rows a table shows, or the problem of a condition that does not
 * compile.
 */
function matchStyles(
  use: TableUse,
  frame: Frame,
  file: string | undefined,
): { matches?: boolean[][]; error?: Problem } {
  const rules = use.table.style;
  if (!rules || rules.length === 0) return {};
  const rows: Row[] = [];
  for (let i = 0; i < Math.min(frame.length, MAX_TABLE_ROWS); i++) {
    const row: Row = {};
    for (const name of frame.fields) row[name] = cell(frame.columns[name], i);
    rows.push(row);
  }
  const matches: boolean[][] = [];
  for (const [i, rule] of rules.entries()) {
    const when = Array.isArray(rule.when) ? rule.when : [rule.when];
    const where = { dataset: use.table.data.from, path: `${use.path}.style[${i}]`, file };
    const { predicate, problems } = compileFilters(when, use.params ?? {}, where, ['when']);
    const first = problems[0];
    if (first) {
      // A single condition is written without a list: its path has no index.
      const path = Array.isArray(rule.when) ? first.path : first.path?.replace('.when[0]', '.when');
      return { error: path === undefined ? first : { ...first, path } };
    }
    matches.push(rows.map(predicate));
  }
  return { matches };
}

/**
 * Draws each sparkline column: for each shown row, the series rows whose `key` equals the row's
 * (in the series' order) as one chart; a row without series rows gets none. A series column the
 * column names but the series lacks is `CP_ERR_UNKNOWN_COLUMN`; a failed series query fails the
 * table.
 */
async function drawSparklines(
  sparklines: readonly SparklineUse[],
  frame: Frame,
  data: PlanDataSource,
  draw: DrawFrame,
  path: string,
  file: string | undefined,
): Promise<{ drawn?: Map<number, (RenderedChart | undefined)[]>; error?: Problem }> {
  const drawn = new Map<number, (RenderedChart | undefined)[]>();
  const shown = Math.min(frame.length, MAX_TABLE_ROWS);
  for (const s of sparklines) {
    const { frames, failed } = await data.dataset(s.use.chart.query.from);
    const error = failed.get(s.use.id);
    if (error) return { error };
    const series = frames.get(s.use.id);
    if (!series) continue;
    const at = `${path}.columns[${s.column}].sparkline`;
    const { x, y } = s.use.chart.encode;
    for (const [name, field] of [
      ['key', s.key],
      ['x', x],
      ['y', y],
    ] as const) {
      if (field === undefined || series.length === 0 || series.fields.includes(field)) continue;
      return {
        error: problem(
          'CP_ERR_UNKNOWN_COLUMN',
          `column "${field}" is not in the sparkline's series; columns: ${series.fields.join(', ')}`,
          { file, path: `${at}.${name}` },
        ),
      };
    }
    const rowsOf = new Map<string, number[]>();
    const keyText = (v: Value) => (v === null ? undefined : String(v));
    for (let i = 0; i < series.length; i++) {
      const k = keyText(cell(series.columns[s.key], i));
      if (k === undefined) continue;
      const rows = rowsOf.get(k) ?? [];
      rows.push(i);
      rowsOf.set(k, rows);
    }
    const cells: Promise<RenderedChart | undefined>[] = [];
    for (let i = 0; i < shown; i++) {
      const k = keyText(cell(frame.columns[s.key], i));
      const rows = k === undefined ? undefined : rowsOf.get(k);
      cells.push(rows ? draw(s.use, pickRows(series, rows)) : Promise.resolve(undefined));
    }
    drawn.set(s.column, await Promise.all(cells));
  }
  return { drawn };
}

/** The frame of some rows of a frame, in the order given. */
function pickRows(frame: Frame, rows: readonly number[]): Frame {
  const columns = Object.fromEntries(
    frame.fields.map((name) => [name, toColumn(rows.map((i) => cell(frame.columns[name], i)))]),
  );
  return { fields: frame.fields, columns, length: rows.length };
}
