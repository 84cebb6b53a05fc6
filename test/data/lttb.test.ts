import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lttbIndices } from '../../src/data/lttb.js';
import { rng } from './helpers.js';

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

/**
 * The reference implementation, as Steinarsson published it (flot-downsample), over [x, y] points:
 * the oracle the typed-array version must match point for point.
 */
function reference(data: [number, number][], threshold: number): [number, number][] {
  const length = data.length;
  if (threshold >= length || threshold === 0) return data;
  const sampled: [number, number][] = [data[0]!];
  const every = (length - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    let avgX = 0;
    let avgY = 0;
    let avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, length);
    const avgLength = avgEnd - avgStart;
    for (; avgStart < avgEnd; avgStart++) {
      avgX += data[avgStart]![0];
      avgY += data[avgStart]![1];
    }
    avgX /= avgLength;
    avgY /= avgLength;
    let offset = Math.floor(i * every) + 1;
    const to = Math.floor((i + 1) * every) + 1;
    const [pointAX, pointAY] = data[a]!;
    let maxArea = -1;
    let next = offset;
    for (; offset < to; offset++) {
      const [px, py] = data[offset]!;
      const area = Math.abs((pointAX - avgX) * (py - pointAY) - (pointAX - px) * (avgY - pointAY)) * 0.5;
      if (area > maxArea) {
        maxArea = area;
        next = offset;
      }
    }
    sampled.push(data[next]!);
    a = next;
  }
  sampled.push(data[length - 1]!);
  return sampled;
}

describe('lttbIndices, against the reference implementation', () => {
  /** Ascending x (gaps of 1 to 5) and y from `values`, with ties and tiny or large scales. */
  const series = (values: fc.Arbitrary<number>) =>
    fc
      .array(fc.tuple(fc.integer({ min: 1, max: 5 }), values), { maxLength: 120, size: 'max' })
      .map((steps) => {
        let x = -3;
        return steps.map(([dx, y]): [number, number] => {
          x += dx;
          return [x, y];
        });
      });

  it.each([
    ['small integers, with ties', fc.integer({ min: -3, max: 3 })],
    ['tiny values, whose triangles are all below 1', fc.double({ min: 0, max: 1e-3, noNaN: true })],
    ['large values', fc.double({ min: -1e6, max: 1e6, noNaN: true })],
  ] as const)('keeps the points it keeps for %s', (_, values) => {
    fc.assert(
      // Mostly thresholds below the length, where there is something to choose.
      fc.property(series(values), fc.double({ min: 0, max: 1.1, noNaN: true }), (points, share) => {
        const threshold = Math.max(3, 3 + Math.floor(share * (points.length - 3)));
        const kept = lttbIndices(
          Float64Array.from(points, (p) => p[0]),
          Float64Array.from(points, (p) => p[1]),
          threshold,
        );
        expect([...kept].map((i) => points[i])).toEqual(reference(points, threshold));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the points it keeps for 300 seeded random series of 20 to 220 points', () => {
    const rand = rng(42);
    for (let run = 0; run < 300; run++) {
      const n = 20 + Math.floor(rand() * 200);
      let x = rand() * 10;
      const points = Array.from({ length: n }, (): [number, number] => {
        x += 0.5 + rand() * 3;
        return [x, run % 2 ? Math.round(rand() * 20 - 10) : (rand() - 0.5) * 10 ** (run % 7)];
      });
      const threshold = 3 + Math.floor(rand() * (n - 3));
      const kept = lttbIndices(
        Float64Array.from(points, (p) => p[0]),
        Float64Array.from(points, (p) => p[1]),
        threshold,
      );
      expect(
        [...kept].map((i) => points[i]),
        `run ${run}`,
      ).toEqual(reference(points, threshold));
    }
  });

  it('keeps every point below a threshold of 3, which leaves no bucket to choose in', () => {
    const x = [0, 1, 2, 3, 4, 5, 6];
    const y = [0, 9, 1, 8, 2, 7, 3];
    expect([...lttbIndices(x, y, 2)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...lttbIndices(x, y, 0)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...lttbIndices(x, y, 3)]).toEqual([0, 1, 6]);
    expect([...lttbIndices(x, y, 6)]).toHaveLength(6);
    expect([...lttbIndices(x, y, 7)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reads as many points as the shorter of x and y', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = [0, 9, 1, 8, 2, 7];
    expect([...lttbIndices(x, y, 4)]).toEqual([...lttbIndices(x.slice(0, 6), y, 4)]);
    expect([...lttbIndices(x, y, 6)]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...lttbIndices(y, x, 6)]).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
