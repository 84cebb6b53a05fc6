import { frameFromRows } from '../../src/data/frame.js';
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
