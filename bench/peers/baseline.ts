/**
 * An earlier chartpress, built once from a git revision (`BENCH_BASELINE`, e.g. the commit before
 * a change), measured in the same run as the current build: the "faster than before" goals.
 * The revision is checked out in a worktree under node_modules/.cache, so that it resolves the
 * same installed packages, and compiled as its own `npm run build` did (tsc, or the bundler).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.js';

/**
 * The baseline's CLI, built when first asked for, and its checkout (`dir`), whose examples are
 * those that revision could render; undefined when `BENCH_BASELINE` is not set.
 */
export function baselineCli(): { rev: string; cli: string; dir: string } | undefined {
  const rev = process.env.BENCH_BASELINE;
  if (!rev) return undefined;
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: root, encoding: 'utf8' }).trim();
  const dir = join(root, 'node_modules/.cache/chartpress-baseline', sha);
  const cli = join(dir, 'dist/cli/main.js');
  if (existsSync(cli)) return { rev: sha, cli, dir };
  if (!existsSync(dir))
    execFileSync('git', ['worktree', 'add', '--detach', dir, sha], { cwd: root, stdio: 'ignore' });
  const build = (
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { build: string } }
  ).scripts.build;
  console.log(`building the baseline ${sha} (${build})`);
  // The baseline's own build command, with this checkout's tools on the PATH.
  execFileSync('sh', ['-c', build], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  return { rev: sha, cli, dir };
}
