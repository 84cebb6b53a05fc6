import { describe, expect, it } from 'vitest';
import { orderByName, seriesOrder } from '../../src/chart/order.js';
import { compareValues } from '../../src/chart/palette.js';

describe('seriesOrder', () => {
  it('orders numbers numerically', () => {
    expect(seriesOrder([0, 3, 4, 1, 5, 2])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seriesOrder([10, 9, -1, 2.5])).toEqual([-1, 2.5, 9, 10]);
  });

  it('orders numeric strings numerically, not as text', () => {
    expect(seriesOrder(['0', '3', '4', '1', '5', '2'])).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(seriesOrder(['10', '9', '100'])).toEqual(['9', '10', '100']);
  });

  it('orders ISO dates chronologically', () => {
    expect(seriesOrder(['2024-03-01', '2023-12-31', '2024-01-15T10:00:00Z'])).toEqual([
      '2023-12-31',
      '2024-01-15T10:00:00Z',
      '2024-03-01',
    ]);
  });

  it('sorts text as the colour domain does, whatever order it came in', () => {
    expect(seriesOrder(['EMEA', 'APAC', 'Americas'])).toEqual(['APAC', 'Americas', 'EMEA']);
    expect(seriesOrder(['Japan', 'Europe', 'USA'])).toEqual(seriesOrder(['Europe', 'USA', 'Japan']));
    // Numbers first, then text, as `compareValues` orders a field's values for its colours.
    expect(seriesOrder(['x', '3', '1'])).toEqual(['1', '3', 'x']);
    const labels = ['USA', '8', 'Europe', '10'];
    expect(seriesOrder(labels)).toEqual([...labels].sort(compareValues));
  });

  it('puts nulls last and copies its input', () => {
    const input = [3, null, 1];
    expect(seriesOrder(input)).toEqual([1, 3, null]);
    expect(input).toEqual([3, null, 1]);
    expect(seriesOrder([null, null])).toEqual([null, null]);
    expect(seriesOrder([])).toEqual([]);
  });
});

describe('orderByName', () => {
  it('orders named series by seriesOrder, "(none)" last', () => {
    const named = ['5', '(none)', '0', '3'].map((name) => ({ name }));
    expect(orderByName(named).map((s) => s.name)).toEqual(['0', '3', '5', '(none)']);
  });
});
