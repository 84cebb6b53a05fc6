/**
 * Thins a scatter without changing its picture: the plane is cut into cells `cellX` by `cellY`
 * (in data units), and of the points falling in one cell only the last is kept, the one drawn
 * on top. A dropped point lies within one cell of a kept one: when a cell is small beside the
 * drawn symbol, the kept point covers nearly all of it.
 *
 * Returns the indices kept, ascending (the draw order is kept). Points with a non-finite
 * coordinate are kept: the chart decides what to do with them.
 */
export function cellIndices(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  cellX: number,
  cellY: number,
): Uint32Array {
  const n = Math.min(x.length, y.length);
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const xi = x[i] ?? Number.NaN;
    const yi = y[i] ?? Number.NaN;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    if (xi < minX) minX = xi;
    if (xi > maxX) maxX = xi;
    if (yi < minY) minY = yi;
  }
  const usable = cellX > 0 && cellY > 0 && Number.isFinite(maxX - minX);
  // Cells are numbered row by row, as wide as the data, so no two share a number.
  const columns = usable ? Math.floor((maxX - minX) / cellX) + 1 : 1;
  const last = new Map<number, number>();
  const loose: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = x[i] ?? Number.NaN;
    const yi = y[i] ?? Number.NaN;
    if (!usable || !Number.isFinite(xi) || !Number.isFinite(yi)) {
      loose.push(i);
      continue;
    }
    last.set(Math.floor((yi - minY) / cellY) * columns + Math.floor((xi - minX) / cellX), i);
  }
  return Uint32Array.from([...last.values(), ...loose]).sort();
}
