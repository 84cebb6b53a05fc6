/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013): picks `threshold` of `n` points so that
 * the line keeps its shape. The first and last points are always kept; every bucket in between
 * keeps the point that makes the largest triangle with the point kept before it and the
 * average of the next bucket.
 *
 * Returns the indices kept, ascending. `x` must be ascending for the result to be meaningful.
 */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): Uint32Array {
  const n = Math.min(x.length, y.length);
  if (threshold >= n || threshold < 3) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const out = new Uint32Array(threshold);
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  out[0] = 0;
  for (let i = 0; i < threshold - 2; i++) {
    // Average of the next bucket.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j] ?? 0;
      avgY += y[j] ?? 0;
    }
    const len = nextEnd - nextStart || 1;
    avgX /= len;
    avgY /= len;
    // The point of this bucket with the largest triangle.
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const ax = x[a] ?? 0;
    const ay = y[a] ?? 0;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * ((y[j] ?? 0) - ay) - (ax - (x[j] ?? 0)) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out[i + 1] = best;
    a = best;
  }
  out[threshold - 1] = n - 1;
  return out;
}
