/**
 * Bundles the library, the CLI and the render worker with esbuild, so that a process loads a
 * handful of files instead of hundreds of modules (ECharts alone is about 500). Code shared by
 * the entries goes to `dist/chunks/`; modules imported lazily (a command, a SQL driver) stay in
 * chunks of their own and load only when used. Packages with native code or files of their own
 * (fonts, WebAssembly, the Typst compiler) are left to Node to load from node_modules.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/** Pure JavaScript dependencies, bundled: everything else is loaded from node_modules. */
const BUNDLED = new Set([
  'commander',
  'd3-format',
  'd3-time-format',
  'echarts',
  'lru-cache',
  'mdast-util-from-markdown',
  'yaml',
  'zod',
]);

/** Output folder: `dist`, or the first argument (tests bundle into a folder of their own). */
const outdir = process.argv[2] ?? 'dist';

const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name));

// The library and the render worker: ES modules. `cli/main` is the command's small launcher.
await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: {
    index: 'src/index.ts',
    'cli/main': 'src/cli/launch.ts',
    'pool/worker': 'src/pool/worker.ts',
    'document/typst-process': 'src/document/typst-process.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external,
  // CommonJS code inside the bundle may call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __cpRequire } from 'node:module'; const require = __cpRequire(import.meta.url);",
  },
  // Less for V8 to parse at each start: about 10% of a cold `chart` run. The linked source maps
  // name the original code (`node --enable-source-maps`).
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});

// The CLI: its modules and lazy chunks as an ES module build makes them, each then made a
// CommonJS script, which the launcher compiles with V8's code cache (see src/cli/launch.ts).
// A script's `import()` becomes a require: a command still loads only the chunks it uses.
const cliDir = resolve(fileURLToPath(root), outdir, 'cli/lib');
const cli = await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: cliDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  external,
  // The launcher passes its own URL: the scripts find the worker and node_modules from there.
  define: { 'import.meta.url': '__cpUrl' },
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  metafile: true,
});
// A script has no `import()` of a package: one that the bundle leaves out is required.
for (const [file, output] of Object.entries(cli.metafile.outputs)) {
  const dynamic = output.imports.filter((i) => i.kind === 'dynamic-import' && i.external);
  if (dynamic.length > 0)
    throw new Error(`${file} imports ${dynamic.map((i) => i.path).join(', ')} with import(): use require`);
}
mkdirSync(cliDir, { recursive: true });
for (const file of cli.outputFiles) {
  const script = await transform(file.text.replace(/^#!.*/, ''), {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    minify: true,
    logLevel: 'warning',
  });
  writeFileSync(file.path.replace(/\.js$/, '.cjs'), script.code);
}

// The code cache: the CLI run on a chart and on the example report, in one process.
execFileSync(process.execPath, [fileURLToPath(new URL('train-cli.mjs', import.meta.url)), outdir], {
  cwd: fileURLToPath(root),
  stdio: 'inherit',
});

// The CSV reader thread: one CommonJS script. A worker starts a script sooner than an ES
// module, and this one loads no chunk.
await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: ['src/data/sources/csv-thread.ts'],
  outfile: resolve(fileURLToPath(root), outdir, 'data/csv-thread.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
