import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/telemetry/histogram.js';

/** The value of rank round(p% of n), from the sorted values: what a percentile should be near. */
function exact(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.round((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

describe('LatencyHistogram', () => {
  it('is empty at first and after reset', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({
      count: 0,
      totalMs: 0,
      minMs: 0,
      meanMs: 0,
      p50Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
      maxMs: 0,
    });
    h.record(5);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.summary().maxMs).toBe(0);
  });

  it('gives exact figures below 2 ms, microsecond by microsecond', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 2000; us++) h.record(us / 1000);
    const s = h.summary();
    expect(s).toMatchObject({ count: 2000, minMs: 0.001, maxMs: 2, p50Ms: 1, p95Ms: 1.9, p99Ms: 1.98 });
  });

  it('keeps percentiles within 0.1% of the values, from microseconds to hours', () => {
    const value = fc.oneof(
      fc.double({ min: 0.001, max: 5, noNaN: true }),
      fc.double({ min: 5, max: 60_000, noNaN: true }),
      fc.double({ min: 60_000, max: 1e10, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), (values) => {
        const h = new LatencyHistogram();
        for (const v of values) h.record(v);
        const us = values.map((v) => Math.max(1, Math.round(v * 1000)) / 1000).sort((a, b) => a - b);
        const s = h.summary();
        expect(s.count).toBe(values.length);
        expect(s.maxMs).toBeCloseTo(us.at(-1) ?? 0, 3);
        for (const [p, got] of [
          [50, s.p50Ms],
          [95, s.p95Ms],
          [99, s.p99Ms],
        ] as const) {
          const want = exact(us, p);
          expect(got).toBeGreaterThanOrEqual(want - 0.0005);
          expect(got).toBeLessThanOrEqual(want * 1.001 + 0.0005);
        }
      }),
    );
  });

  it('ignores values that are not durations', () => {
    const h = new LatencyHistogram();
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) h.record(v);
    expect(h.count).toBe(0);
    h.record(0);
    h.record(Number.MAX_VALUE);
    expect(h.count).toBe(2);
    expect(h.summary().p50Ms).toBe(0.001);
  });
});
