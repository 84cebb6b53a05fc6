import { formatPath } from '../errors.js';

/** Where a query sits, for problems: its dataset, field path prefix and report file. */
export interface QueryWhere {
  /** Name of the dataset the query reads, e.g. `sales`. */
  readonly dataset: string;
  /** Field path of the query in the report, e.g. `charts.revenue.data`. May be empty. */
  readonly path: string;
  /** The report file, when there is one. */
  readonly file?: string | undefined;
}

/** `{file, path}` of a field inside the query, e.g. `at(w, 'groupBy', 0, 'field')`. */
export function at(where: QueryWhere, ...keys: PropertyKey[]): { file?: string | undefined; path: string } {
  const sub = formatPath(keys);
  const path = where.path === '' ? sub : sub.startsWith('[') ? `${where.path}${sub}` : `${where.path}.${sub}`;
  return { file: where.file, path };
}
