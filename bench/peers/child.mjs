// Helpers shared by the child scripts of the peers benchmark. Children are plain ES modules run
// by bare `node` (not through tsx), so that a cold process pays only for what it measures.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Imports a module of the built package (`dist/`), e.g. `distImport('data/scan.js')`. */
export function distImport(path) {
  return import(pathToFileURL(join(root, 'dist', path)).href);
}

/** Peak resident set size of this process so far, in bytes. */
export const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** Prints the child's result as one JSON line (the parent reads the last line), with its peak RSS. */
export function report(result) {
  process.stdout.write(`${JSON.stringify({ ...result, maxRss: maxRss() })}\n`);
}

/**
 * A small CSV file (no quoted fields) as columns of strings: `{ fields, columns, length }`. What a
 * hand-written caller of ECharts would do; the charts' files are simple on purpose.
 */
export function readCsv(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const fields = (lines[0] ?? '').split(',');
  const columns = Object.fromEntries(fields.map((f) => [f, []]));
  let length = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const cells = line.split(',');
    for (let c = 0; c < fields.length; c++) columns[fields[c]].push(cells[c] ?? '');
    length++;
  }
  return { fields, columns, length };
}

/** The numbers of a string column. */
export const numbers = (column) => column.map(Number);

/** Distinct values of a column in first-seen order. */
export const distinct = (column) => [...new Set(column)];
