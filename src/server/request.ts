import { resolve } from 'node:path';
import type { FileRoots } from '../data/sources/roots.js';
import type { Connection, ServerLimits } from './config.js';
import { httpError } from './errors.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A dataset from a request, as the engine may read it: a database is named by one of the
 * server's connections (`connection: sales`), never by URL; a named connection is replaced by
 * the server's source, URL and timeout. Files are left to the engine, which reads them only
 * under the root.
 */
export function guardDataset(
  input: unknown,
  path: string,
  connections: Readonly<Record<string, Connection>>,
): unknown {
  if (!isObject(input)) return input;
  if ('url' in input)
    throw httpError('CP_ERR_CONNECTION_DENIED', 'a request may not give a database URL', {
      path: `${path}.url`,
    });
  if (!('connection' in input)) return input;
  const { connection, source: _source, ...rest } = input;
  const named = typeof connection === 'string' ? connections[connection] : undefined;
  if (!named || !Object.hasOwn(connections, String(connection)))
    throw httpError(
      'CP_ERR_CONNECTION_DENIED',
      `the server has no connection ${JSON.stringify(connection)}`,
      {
        path: `${path}.connection`,
      },
    );
  return { ...rest, ...named };
}

/**
 * Refuses, before any work, a file a request names outside the root: a dataset's `path` and
 * `extends`. (The engine checks again as it opens each file: a link swapped in between is
 * refused there.)
 */
export async function checkPaths(input: unknown, root: string, roots: FileRoots): Promise<void> {
  if (!isObject(input)) return;
  const check = (path: unknown, at: string) =>
    typeof path === 'string' ? roots.check(resolve(root, path), { path: at }) : undefined;
  const parents = Array.isArray(input.extends) ? input.extends : [input.extends];
  for (const [i, parent] of parents.entries())
    await check(parent, Array.isArray(input.extends) ? `extends[${i}]` : 'extends');
  if (isObject(input.datasets))
    for (const [name, dataset] of Object.entries(input.datasets))
      if (isObject(dataset)) await check(dataset.path, `datasets.${name}.path`);
}

/**
 * A report from a request, checked against the server's limits and its datasets guarded (see
 * `guardDataset`); the engine validates the rest.
 */
export function guardReport(
  input: unknown,
  limits: Readonly<ServerLimits>,
  connections: Readonly<Record<string, Connection>>,
): unknown {
  if (!isObject(input)) return input;
  let rows = 0;
  const out: Json = { ...input };
  if (isObject(input.datasets)) {
    const datasets: Json = {};
    for (const [name, dataset] of Object.entries(input.datasets)) {
      datasets[name] = guardDataset(dataset, `datasets.${name}`, connections);
      if (isObject(dataset) && Array.isArray(dataset.rows)) rows += dataset.rows.length;
    }
    out.datasets = datasets;
  }
  checkRows(rows, limits);
  if (isObject(input.charts) && Object.keys(input.charts).length > limits.charts)
    throw httpError(
      'CP_ERR_REQUEST_TOO_LARGE',
      `the report defines ${Object.keys(input.charts).length} charts; the server takes at most ${limits.charts}`,
      { path: 'charts' },
    );
  return out;
}

export function checkRows(rows: number, limits: Readonly<ServerLimits>, path = 'datasets'): void {
  if (rows > limits.inlineRows)
    throw httpError(
      'CP_ERR_REQUEST_TOO_LARGE',
      `the request holds ${rows} inline rows; the server takes at most ${limits.inlineRows}`,
      { path },
    );
}
