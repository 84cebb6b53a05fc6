import { existsSync, readFileSync, statSync } from 'node:fs';
import { frameFromRows } from '../../src/frame.js';
import type { RenderJob } from '../../src/pool/pool.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import type { ChartSpec } from '../../src/spec/schema.js';

/** The test renderer module: `hang` never returns, `throw` throws, others draw a box. */
export const testRenderers = new URL('./fixtures/renderers.mjs', import.meta.url);

/** A small bar chart job titled `title` (the test renderer acts on the title). */
export function barJob(title: string, options: ChartSpec['options'] = {}): RenderJob {
  const chart = normalizeChart(title, {
    type: 'bar',
    title,
    data: { from: 'd' },
    encode: { x: 'x', y: 'y' },
    options,
  } as ChartSpec);
  return {
    chart,
    frame: frameFromRows([
      { x: 'a', y: 1 },
      { x: 'b', y: 2 },
    ]),
    owned: true,
  };
}

/**
 * Whether a heartbeat file (see `spin` in the test renderer) has stopped growing: its size holds
 * still for 300 ms within 3 s. A thread still beating appends every 10 ms and never holds still.
 */
export async function stopsGrowing(file: string): Promise<boolean> {
  const size = () => (existsSync(file) ? statSync(file).size : 0);
  for (const end = Date.now() + 3000; Date.now() < end; ) {
    const before = size();
    await new Promise((r) => setTimeout(r, 300));
    if (size() === before) return true;
  }
  return false;
}

/** The thread ids written to a heartbeat file, once each. */
export function beatingThreads(file: string): number[] {
  return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number))];
}
