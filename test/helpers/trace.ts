import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '../..');

/**
 * Runs a TypeScript entry (`src/cli/main.ts`, a fixture) in a process of its own, with every
 * module it resolves written to `trace`, and returns its stdout and those module URLs.
 */
export async function tracedRun(
  entry: string,
  args: readonly string[],
  trace: string,
): Promise<{ stdout: string; modules: string[] }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', './test/cache/fixtures/trace-modules.mjs', entry, ...args],
    { cwd: root, env: { ...process.env, CHARTPRESS_TRACE: trace } },
  );
  return { stdout, modules: readFileSync(trace, 'utf8').split('\n') };
}
