import { describe, expect, it } from 'vitest';
import { areaOpacity, chartDefaults } from '../../src/spec/defaults.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import { AreaOptions, type ChartSpec } from '../../src/spec/schema.js';

function area(options: Record<string, unknown> = {}) {
  const spec = { type: 'area', data: { from: 'd' }, encode: { x: 'x', y: 'y' }, options } as ChartSpec;
  const chart = normalizeChart('a', spec);
  if (chart.type !== 'area') throw new Error('not an area chart');
  return chart;
}

describe('the area opacity default', () => {
  it('is solid for stacked layers (the default) and see-through for overlapping ones', () => {
    expect(chartDefaults.area.stacked).toBe(true);
    expect(area().options.opacity).toBe(areaOpacity.stacked);
    expect(area({ stacked: false }).options.opacity).toBe(areaOpacity.overlapping);
    expect(area({ stacked: false, opacity: 0.5 }).options.opacity).toBe(0.5);
  });

  it('is the one the schema documents', () => {
    const text = AreaOptions.shape.opacity.description;
    expect(text).toBe(
      `Fill opacity. Defaults to ${areaOpacity.overlapping} (${areaOpacity.stacked} when stacked).`,
    );
  });
});
