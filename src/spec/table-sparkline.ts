import { foldSpec } from '../data/fold.js';
import type { Report, TableSparkline } from './schema.js';

/**
 * What is wrong with a table's sparkline column whatever its data: a series query that folds
 * several columns into rows (`fold`) would draw them all in one line for each row, unless the
 * column is keyed by the folded column names (one row, one line, per measure). A chart whose
 * `encode.y` lists columns gives its query as written, unfolded: `y` names one of them.
 * `path` is the column's `sparkline`.
 */
export function checkSparklineFold(
  sparkline: TableSparkline,
  report: Pick<Report, 'charts'>,
  path: string,
  add: (code: 'CP_ERR_INVALID_VALUE', message: string, path: string, hint?: string) => void,
): void {
  const { from, key } = sparkline;
  const query = typeof from === 'string' ? report.charts[from]?.data : from;
  if (query?.fold === undefined) return;
  const { fields, as } = foldSpec(query.fold);
  if (key === as[0]) return;
  const source = typeof from === 'string' ? `chart "${from}"` : 'the series query';
  add(
    'CP_ERR_INVALID_VALUE',
    `a sparkline draws one measure, but ${source} folds ${fields.join(', ')} into its rows: the line of each ${key} would mix them`,
    `${path}.y`,
    `take the fold out of the query and name one column as y (e.g. y: ${fields[0] ?? as[1]}), or key the column by "${as[0]}"`,
  );
}
