import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { median, ms, ratio, row } from '../stats.js';

const ROUNDS = 15;
const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');

/** Wall time of one process, in ms. */
function run(args: readonly string[]): number {
  const t = performance.now();
  execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  return performance.now() - t;
}

/**
 * Start-up of the built CLI against a bare Node process, interleaved so that both see the same
 * load: `--version` and `--help` load commander only; `schema` loads the report schema.
 */
export async function startup(): Promise<void> {
  if (!existsSync(cli)) throw new Error('build first: npm run build');
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['chartpress --version', [cli, '--version']],
    ['chartpress --help', [cli, '--help']],
    ['chartpress schema', [cli, 'schema']],
  ];
  const samples = commands.map(() => [] as number[]);
  for (let i = 0; i < ROUNDS; i++) {
    for (const [c, [, args]] of commands.entries()) samples[c]?.push(run(args));
  }
  const base = median(samples[0] ?? []);
  console.log(`process start-up, median of ${ROUNDS} interleaved rounds`);
  commands.forEach(([label], c) => {
    const m = median(samples[c] ?? []);
    row(label, c === 0 ? ms(m) : `${ms(m)}, ${ratio(m, base)} node -e 0`);
  });
}
