import { describe, expect, it } from 'vitest';
import { cellIndices } from '../../src/data/cells.js';

describe('cellIndices', () => {
  it('keeps the last point of each cell, in draw order, and every point it cannot place', () => {
    const x = [0, 0.2, 5, 0.1, Number.NaN, 5.5];
    const y = [0, 0.3, 5, 0.2, 1, 5.2];
    expect([...cellIndices(x, y, 1, 1)]).toEqual([3, 4, 5]);
  });

  it('keeps points one cell apart', () => {
    expect([...cellIndices([0, 1, 2], [0, 0, 0], 1, 1)]).toEqual([0, 1, 2]);
  });
});
