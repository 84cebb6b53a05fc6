import { resolve } from 'node:path';
import type { Report } from '../spec/schema.js';

/**
 * The absolute paths of the files a report reads: the report file itself (when it came from one)
 * and the file of every file-based dataset it declares (CSV, JSON, NDJSON, SQLite), resolved
 * against the report's folder as the sources resolve them. Lets a caller refuse to write over
 * its own inputs.
 */
export function reportInputs(prepared: {
  readonly report: Report;
  readonly baseDir: string;
  readonly file?: string | undefined;
}): string[] {
  const paths = new Set<string>();
  if (prepared.file !== undefined) paths.add(resolve(prepared.file));
  for (const dataset of Object.values(prepared.report.datasets)) {
    if ('path' in dataset && typeof dataset.path === 'string')
      paths.add(resolve(prepared.baseDir, dataset.path));
  }
  return [...paths];
}
