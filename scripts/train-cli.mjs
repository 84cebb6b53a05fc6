/**
 * Writes the CLI's V8 code caches (`<outdir>/cli/lib/*.cjs.cache`, see src/cli/launch.ts):
 * compiles the scripts from source, runs the commands people run most (a chart to SVG, the
 * example report to PDF and HTML, `data`, `--help`) in this one process, and saves, for each
 * script loaded, the bytecode V8 made for every function they used. Run by bundle.mjs;
 * `node scripts/train-cli.mjs [outdir]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = resolve(root, process.argv[2] ?? 'dist');
const { loadCli, loadedScripts, codeCacheBytes } = await import(
  pathToFileURL(join(outdir, 'cli/main.js')).href
);

const cli = loadCli({ cache: false });
const errors = [];
const io = { stdout: () => {}, stderr: (line) => errors.push(line), interactive: false };
const work = mkdtempSync(join(tmpdir(), 'chartpress-train-'));
try {
  const csv = join(work, 'bar.csv');
  const chart = join(work, 'bar.yaml');
  writeFileSync(csv, 'month,value\nJan,3\nFeb,5\nMar,4\n');
  writeFileSync(chart, 'type: bar\ntitle: Train\ndata: {}\nencode: { x: month, y: value }\n');
  const report = join(root, 'examples/sales/report.yaml');
  const runs = [
    ['chart', chart, '--data', csv, '-o', join(work, 'bar.svg')],
    ['render', report, '-o', join(work, 'sales.pdf'), '--no-cache'],
    ['render', report, '-o', join(work, 'sales.html'), '--no-cache'],
    ['data', report],
    ['--help'],
  ];
  for (const argv of runs) {
    const code = await cli.runCli(argv, io);
    if (code !== 0)
      throw new Error(`chartpress ${argv.join(' ')} exited with ${code}:\n${errors.join('\n')}`);
  }
  for (const script of loadedScripts()) writeFileSync(`${script.file}.cache`, codeCacheBytes(script));
} finally {
  rmSync(work, { recursive: true, force: true });
}
