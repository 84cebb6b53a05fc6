import { describe, expect, it } from 'vitest';
import { lttbIndices } from '../../src/data/lttb.js';

describe('lttbIndices', () => {
  it('keeps everything when the threshold is not below the length', () => {
    expect([...lttbIndices([0, 1, 2], [5, 6, 7], 10)]).toEqual([0, 1, 2]);
  });

  it('keeps the first and last points and the spikes', () => {
    const n = 1000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) =>
      i === 300 ? 100 : i === 700 ? -100 : Math.sin(i / 50),
    );
    const kept = [...lttbIndices(x, y, 50)];
    expect(kept).toHaveLength(50);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(n - 1);
    expect(kept).toContain(300);
    expect(kept).toContain(700);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });

  it('picks, in each bucket, the point making the largest triangle (hand-checked case)', () => {
    // 6 points, threshold 4: buckets [1,2] and [3,4]; the peak at 2 and the dip at 3 win.
    const kept = [...lttbIndices([0, 1, 2, 3, 4, 5], [0, 1, 5, -5, 0, 0], 4)];
    expect(kept).toEqual([0, 2, 3, 5]);
  });
});
