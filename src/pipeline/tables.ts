import type { LazyTables, TableData } from '../document/model.js';
import { type Problem, problem } from '../errors.js';
import type { PlanDataSource } from './data.js';
import type { Plan } from './plan.js';

/** The plan's tables as lazy getters, each ready once its dataset is read; `done` as they are. */
export function lazyPlanTables(
  plan: Plan,
  data: PlanDataSource,
  file: string | undefined,
): { tables: LazyTables; done: ReadonlyMap<string, TableData> } {
  const done = new Map<string, TableData>();
  const tables = new Map<string, () => Promise<TableData>>();
  for (const [id, use] of plan.tables) {
    let pulled: Promise<TableData> | undefined;
    const get = async (): Promise<TableData> => {
      const { frames, failed } = await data.dataset(use.table.data.from);
      const frame = frames.get(id);
      const error = failed.get(id) ?? checkTableColumns(use.table, frame, use.path, file);
      const table: TableData = {
        table: use.table,
        frame: frame && !error ? frame : { fields: [], columns: {}, length: 0 },
        error,
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
  if (!table.columns || !frame || frame.length === 0) return undefined;
  for (const [i, c] of table.columns.entries()) {
    const field = typeof c === 'string' ? c : c.field;
    if (!frame.fields.includes(field)) {
      return problem(
        'CP_ERR_UNKNOWN_COLUMN',
        `column "${field}" is not in the table's data; columns: ${frame.fields.join(', ')}`,
        { file, path: `${path}.columns[${i}]` },
      );
    }
  }
  return undefined;
}
