/**
 * Bundles the library, the CLI and the render worker with esbuild, so that a process loads a
 * handful of files instead of hundreds of modules (ECharts alone is about 500). Code shared by
 * the entries goes to `dist/chunks/`; modules imported lazily (a command, a SQL driver) stay in
 * chunks of their own and load only when used. Packages with native code or files of their own
 * (fonts, WebAssembly, the Typst compiler) are left to Node to load from node_modules.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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

await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: { index: 'src/index.ts', 'cli/main': 'src/cli/main.ts', 'pool/worker': 'src/pool/worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name)),
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
