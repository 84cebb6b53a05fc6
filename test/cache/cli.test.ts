import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { tracedRun } from '../helpers/trace.js';

const tmp = tempDir();
const root = join(import.meta.dirname, '../..');
const example = join(root, 'examples/sales/report.yaml');
const statsOf = (stdout: string[]) => JSON.parse(stdout.filter(Boolean).at(-1) ?? '{}');

describe('chartpress render with its folder cache', () => {
  it('renders nothing the second time', async () => {
    const dir = join(tmp.dir, 'in-process');
    const render = (...extra: string[]) =>
      cli(
        'render',
        example,
        '-o',
        join(tmp.dir, 'out.pdf'),
        '--cache-dir',
        dir,
        '--stats',
        'json',
        '--quiet',
        ...extra,
      );
    const cold = statsOf((await render()).stdout);
    expect(cold.charts).toMatchObject({ total: 9, rendered: 8, cached: 0, skipped: 1 });
    expect(cold.cache).toMatchObject({ hits: 0, misses: 8 });
    const warm = statsOf((await render('--no-reuse')).stdout);
    expect(warm.charts).toMatchObject({ total: 9, rendered: 0, cached: 8, skipped: 1 });
    expect(warm.cache).toEqual({ hits: 8, misses: 0, bytes: cold.cache.bytes });
    // Unchanged inputs: the whole document is the stored one.
    const rerun = statsOf((await render()).stdout);
    expect(rerun.charts).toMatchObject({ total: 9, rendered: 0, cached: 8, skipped: 1 });
    expect(rerun.document).toBe('cached');
    const off = statsOf((await render('--no-cache')).stdout);
    expect(off.charts).toMatchObject({ rendered: 8, cached: 0 });
    expect(off.cache).toEqual({ hits: 0, misses: 8, bytes: 0 });
  });

  it('never loads ECharts in a process whose charts all come from the cache', async () => {
    const dir = join(tmp.dir, 'processes');
    // A separate process per run, with every module it resolves written to a trace file.
    const run = async (name: string) => {
      const trace = join(tmp.dir, `${name}.trace`);
      const { stdout, modules } = await tracedRun(
        'src/cli/main.ts',
        [
          'render',
          example,
          '-o',
          join(tmp.dir, `${name}.pdf`),
          '--cache-dir',
          dir,
          '--stats',
          'json',
          '--quiet',
        ],
        trace,
      );
      return {
        stats: statsOf(stdout.split('\n')),
        echarts: modules.filter((m) => m.includes('/node_modules/echarts/')),
      };
    };
    const cold = await run('cold');
    expect(cold.stats.charts.rendered).toBe(8);
    expect(cold.echarts.length).toBeGreaterThan(0);
    const warm = await run('warm');
    expect(warm.stats.charts).toMatchObject({ rendered: 0, cached: 8 });
    expect(warm.echarts).toEqual([]);
  });
});
