/**
 * `npm run build`: type declarations from tsc, JavaScript bundled by esbuild (see bundle.mjs).
 * The output folder is made anew, so no stale module outlives its source.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
rmSync(new URL('dist', root), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], {
  cwd: root,
  stdio: 'inherit',
});
execFileSync(process.execPath, [new URL('bundle.mjs', import.meta.url).pathname], {
  cwd: root,
  stdio: 'inherit',
});
