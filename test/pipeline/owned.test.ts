import { afterAll, describe, expect, it } from 'vitest';
import { ChartRun } from '../../src/pipeline/chart-run.js';
import { openPlanData } from '../../src/pipeline/data.js';
import { planReport } from '../../src/pipeline/plan.js';
import { RenderPool } from '../../src/pool/pool.js';
import { validateReport } from '../../src/spec/parse.js';

const bar = (data: Record<string, unknown>) => ({
  type: 'bar',
  data: { from: 'd', ...data },
  encode: { x: 'k', y: 'v' },
});
const report = validateReport({
  title: 'Owned frames',
  datasets: {
    d: {
      source: 'inline',
      rows: [
        { k: 'a', v: 1 },
        { k: 'b', v: 2 },
        { k: 'c', v: 3 },
      ],
    },
  },
  charts: {
    plain: bar({}),
    // Two queries that fail: both get the one empty frame.
    bad1: bar({ groupBy: ['nope'], aggregate: { v: { op: 'sum', field: 'v' } } }),
    bad2: bar({ groupBy: ['nope'], aggregate: { v: { op: 'sum', field: 'v' } } }),
  },
  body: [{ chart: 'plain' }, { chart: 'bad1' }, { chart: 'bad2' }],
});
const plan = planReport(report, {});
// Two threads: a one-thread pool renders in process.
const pool = new RenderPool({ threads: 2, inProcessBelowMs: 0 });
afterAll(() => pool.close());

describe('frames handed over to a worker', () => {
  it('are the ones no other query shares: a frame two failed queries share is not', async () => {
    const data = await openPlanData(plan, { report, params: {}, baseDir: '.' }).dataset('d');
    expect(data.frames.get('bad1')).toBe(data.frames.get('bad2'));
    expect([...data.owned]).toEqual(['plain']);
  });

  it('leave the scanned buffers detached here, and the chart drawn', async () => {
    const source = openPlanData(plan, { report, params: {}, baseDir: '.' });
    const frame = (await source.dataset('d')).frames.get('plain');
    const v = frame?.columns.v;
    expect(v).toBeInstanceOf(Float64Array);
    expect((v as Float64Array).length).toBe(3);
    const run = new ChartRun(plan, source, { pool });
    const chart = await run.charts.get('plain')?.();
    expect(chart?.status).toBe('rendered');
    expect(chart?.svg).toContain('<svg');
    expect((v as Float64Array).length).toBe(0); // moved to the worker, not copied
    expect(run.cache).toEqual({ hits: 0, misses: 1, bytes: 0 });
    expect(run.done.get('plain')).toBe(chart);
  });
});
