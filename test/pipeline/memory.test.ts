import { describe, expect, it } from 'vitest';
import { createEngine, type ReportInput } from '../../src/index.js';

const MiB = 1024 * 1024;

/** Fifty small charts of different data: 50 renders per report without a cache. */
function report(round: number): ReportInput {
  const rows = Array.from({ length: 40 }, (_, i) => ({ i, v: Math.sin(i + round) * 10, g: `g${i % 4}` }));
  const charts: Record<string, unknown> = {};
  for (let c = 0; c < 50; c++) {
    charts[`c${c}`] =
      c % 5 !== 0
        ? { type: 'sparkline', title: `S${c}`, data: { from: 'd' }, encode: { x: 'i', y: 'v' } }
        : { type: 'bar', title: `B${c}`, data: { from: 'd', limit: 8 }, encode: { x: 'g', y: 'v' } };
  }
  return {
    title: `Round ${round}`,
    datasets: { d: { source: 'inline', rows } },
    charts,
    body: Object.keys(charts).map((chart) => ({ chart })),
  } as ReportInput;
}

describe('one engine over 1,000 renders', () => {
  it('keeps its memory within a bound, its workers recycled as they go', async () => {
    const engine = createEngine({
      cache: false,
      pool: { threads: 2, inProcessBelowMs: 0, recycleAfter: 250 },
    });
    const rss: number[] = [];
    let rendered = 0;
    for (let round = 0; round < 20; round++) {
      const result = await engine.render(report(round), { format: 'typ' });
      expect(result.problems).toEqual([]);
      rendered += result.stats.charts.rendered;
      rss.push(process.memoryUsage().rss);
    }
    expect(rendered).toBe(1000);
    const stats = engine.poolStats();
    expect(stats.onWorkers).toBe(1000);
    // A worker is replaced once it has been given 250 charts; the last replacements may still be
    // under way when the stats are read, so however the 1,000 renders split between the two
    // workers (500 + 500, 250 + 750, ...), at least two are done.
    expect(stats.recycled).toBeGreaterThanOrEqual(2);
    // After warming up (round 3), growth stays far below what keeping every chart would cost.
    const growth = Math.max(...rss.slice(3)) - (rss[2] ?? 0);
    console.log(
      `RSS after round 3: ${((rss[2] ?? 0) / MiB).toFixed(0)} MiB; most growth after: ${(growth / MiB).toFixed(0)} MiB`,
    );
    expect(growth).toBeLessThan(200 * MiB);
    await engine.close();
    expect(engine.poolStats().threads).toBe(0);
  });
});
