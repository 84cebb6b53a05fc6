import { resolve } from 'node:path';
import { isGlob, matchFiles } from '../data/sources/glob.js';
import type { FileRoots } from '../data/sources/roots.js';
import type { Report } from '../spec/schema.js';

/**
 * The absolute paths of the files a report reads: the report file itself (when it came from one)
 * and the file of every file-based dataset it declares (CSV, JSON, NDJSON, SQLite), resolved
 * against the report's folder as the sources resolve them. Lets a caller refuse to write over
 * its own inputs. A glob path is given as its absolute pattern (see `withMatches`).
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

/**
 * The inputs with, after each glob pattern, the files it matches now (none when it matches none
 * or cannot be read: the render says why), for a watcher to watch their folders too.
 */
export async function withMatches(
  inputs: readonly string[],
  roots: FileRoots | undefined,
): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    out.push(input);
    if (!isGlob(input)) continue;
    const files = await matchFiles(input, { baseDir: '/', roots, where: {} }).catch(() => []);
    out.push(...files);
  }
  return [...new Set(out)];
}
