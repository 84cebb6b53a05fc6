import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { tracedRun } from '../helpers/trace.js';

const tmp = tempDir();

/** The packages a CLI process resolves, from a trace of every module it loads. */
async function packagesLoaded(...argv: string[]): Promise<{ stdout: string; packages: Set<string> }> {
  const trace = join(tmp.dir, `${argv.join('-')}.trace`);
  const { stdout, modules } = await tracedRun('src/cli/main.ts', argv, trace);
  const packages = new Set(
    modules
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
