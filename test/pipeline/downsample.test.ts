import { describe, expect, it } from 'vitest';
import { frameFromRows } from '../../src/frame.js';
import { downsampleFrame } from '../../src/pipeline/downsample.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import type { ChartSpec } from '../../src/spec/schema.js';

const spec = (over: Partial<ChartSpec> & { options?: Record<string, unknown> }): ChartSpec =>
  ({ type: 'line', data: { from: 'd' }, encode: { x: 't', y: 'v', series: 's' }, ...over }) as ChartSpec;

const rows = ['a', 'b'].flatMap((s) =>
  Array.from({ length: 5000 }, (_, i) => ({
    t: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    v: Math.sin(i / 100) + (s === 'a' ? 0 : 3),
    s,
  })),
);
const frame = frameFromRows(rows);

describe('downsampleFrame', () => {
  it('reduces each series of a long line to twice the width', () => {
    const chart = normalizeChart('c', spec({ options: { width: 300 } }));
    const out = downsampleFrame(chart, frame);
    expect(out.length).toBe(2 * 600);
    const series = out.columns.s as string[];
    expect(series.filter((s) => s === 'a')).toHaveLength(600);
    // Order is kept: time ascends within each series.
    const ts = (out.columns.t as string[]).filter((_, i) => series[i] === 'b');
    expect([...ts].sort()).toEqual(ts);
  });

  it('leaves short series, bars and downsample: false alone', () => {
    expect(downsampleFrame(normalizeChart('c', spec({ options: { width: 5000 } })), frame)).toBe(frame);
    expect(downsampleFrame(normalizeChart('c', spec({ type: 'bar' })), frame)).toBe(frame);
    expect(downsampleFrame(normalizeChart('c', spec({ options: { downsample: false } })), frame)).toBe(frame);
  });
});
