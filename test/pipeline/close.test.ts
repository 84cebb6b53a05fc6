import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createEngine, type ReportInput } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { testRenderers } from '../pool/helpers.js';

const tmp = tempDir();
const root = join(import.meta.dirname, '../..');

/** `n` bar charts titled `slow` (50 ms each in the test renderer), each its own picture. */
function slowReport(n: number): ReportInput {
  const charts: Record<string, unknown> = {};
  for (let i = 0; i < n; i++)
    charts[`c${i}`] = {
      type: 'bar',
      title: 'slow',
      data: { from: 'd' },
      encode: { x: 'k', y: 'v' },
      options: { width: 300 + i },
    };
  return {
    title: 'Slow',
    datasets: { d: { source: 'inline', rows: [{ k: 'a', v: 1 }] } },
    charts,
    body: Object.keys(charts).map((chart) => ({ chart })),
  } as ReportInput;
}

describe('engine.close', () => {
  it('ends every worker; the engine refuses work afterwards', async () => {
    const engine = createEngine({ pool: { threads: 2 } });
    await engine.warmup();
    expect(engine.poolStats().threads).toBe(2);
    await engine.close();
    expect(engine.poolStats().threads).toBe(0);
    await expect(engine.render(slowReport(1))).rejects.toMatchObject({ code: 'CP_ERR_USAGE' });
    await expect(engine.warmup()).rejects.toMatchObject({ code: 'CP_ERR_USAGE' });
  });

  it('lets the chart under way finish and fails those still waiting', async () => {
    const engine = createEngine({
      cache: false,
      pool: { threads: 1, timeoutMs: 20_000, renderers: { bar: testRenderers } },
    });
    let closing: Promise<void> | undefined;
    const result = await engine.render(slowReport(4), {
      format: 'typ',
      onProgress: (e) => {
        if (e.kind === 'started') closing ??= engine.close();
      },
    });
    await closing;
    const statuses = result.charts.map((c) => c.status);
    expect(statuses[0]).toBe('rendered');
    expect(statuses.slice(1)).toEqual(['failed', 'failed', 'failed']);
    expect(result.problems[0]?.message).toMatch(/closed before the chart was rendered/);
    expect(engine.poolStats().threads).toBe(0);
  });

  it('leaves nothing behind: a CLI process that used workers exits by itself', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'render',
        join(root, 'examples/sales/report.yaml'),
        '-o',
        join(tmp.dir, 'out.html'),
        '--no-cache',
        '--concurrency',
        '2',
        '--chart-timeout',
        '30000',
        '--stats',
        'json',
        '--quiet',
      ],
      { cwd: root, timeout: 50_000 },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}').charts).toMatchObject({ rendered: 8 });
  });
});
