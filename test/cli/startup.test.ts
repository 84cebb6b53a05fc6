import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const root = join(import.meta.dirname, '../..');

/** The packages a CLI process resolves, from a trace of every module it loads. */
async function packagesLoaded(...argv: string[]): Promise<{ stdout: string; packages: Set<string> }> {
  const trace = join(tmp.dir, `${argv.join('-')}.trace`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', './test/cache/fixtures/trace-modules.mjs', 'src/cli/main.ts', ...argv],
    { cwd: root, env: { ...process.env, CHARTPRESS_TRACE: trace } },
  );
  const packages = new Set(
    readFileSync(trace, 'utf8')
      .split('\n')
      .flatMap((m) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? [])
      .filter((name) => name !== 'tsx' && name !== 'esbuild' && name !== 'get-tsconfig'),
  );
  return { stdout, packages };
}

describe('start-up', () => {
  it('--version and --help load commander and nothing of the engine', async () => {
    const version = await packagesLoaded('--version');
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect([...version.packages]).toEqual(['commander']);
    const help = await packagesLoaded('--help');
    expect(help.stdout).toContain('render');
    expect([...help.packages]).toEqual(['commander']);
  });

  it('schema loads the schema, not the renderer, the drivers or the cache', async () => {
    const { packages } = await packagesLoaded('schema');
    expect(packages.has('zod')).toBe(true);
    for (const heavy of [
      'echarts',
      'ioredis',
      'pg',
      'better-sqlite3',
      '@myriaddreamin/typst-ts-node-compiler',
    ])
      expect(packages.has(heavy), heavy).toBe(false);
  });
});
