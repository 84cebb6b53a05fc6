import { describe, expect, it } from 'vitest';
import { cell, columnValues, frameFromRows, frameToRows, toColumn } from '../src/frame.js';
import { scan } from './data/helpers.js';

describe('columns', () => {
  it('numbers (with nulls) go to a Float64Array, anything else stays an array', () => {
    expect(toColumn([1, null, 2.5])).toEqual(Float64Array.of(1, Number.NaN, 2.5));
    expect(toColumn([1, 'a'])).toEqual([1, 'a']);
    expect(toColumn([null, null])).toEqual([null, null]);
    expect(toColumn([])).toEqual([]);
    expect(toColumn([true, 1])).toEqual([true, 1]);
  });

  it('cell reads NaN as null and past the end as null', () => {
    const col = toColumn([1, null]);
    expect([cell(col, 0), cell(col, 1), cell(col, 2), cell(undefined, 0)]).toEqual([1, null, null, null]);
    expect(columnValues(col)).toEqual([1, null]);
  });

  it('frames from rows are columnar and read back as the same rows', () => {
    const rows = [
      { 'Cost Total $': 1.5, name: 'a', ok: true },
      { 'Cost Total $': null, name: null, ok: false },
    ];
    const frame = frameFromRows(rows);
    expect(frame.columns['Cost Total $']).toBeInstanceOf(Float64Array);
    expect(Array.isArray(frame.columns.name)).toBe(true);
    expect(frameToRows(frame)).toEqual(rows);
  });

  it('query results store numeric columns as Float64Array', async () => {
    const { frame } = await scan(
      [
        { region: 'EU', amount: 1, code: '007' },
        { region: 'US', amount: 2, code: '12' },
      ],
      {
        groupBy: ['region', 'code'],
        aggregate: { total: { op: 'sum', field: 'amount' }, n: { op: 'count' } },
      },
    );
    expect(frame.columns.total).toEqual(Float64Array.of(1, 2));
    expect(frame.columns.n).toBeInstanceOf(Float64Array);
    expect(frame.columns.region).toEqual(['EU', 'US']);
    expect(frame.columns.code).toEqual(['007', '12']);
  });
});
