import { describe, expect, it } from 'vitest';
import { compileFilters } from '../../src/data/filter.js';
import type { Row, Value } from '../../src/frame.js';
import type { Filter } from '../../src/spec/schema.js';
import { salesRows } from './helpers.js';

const where = { dataset: 'sales', path: 'charts.c.data' };

function keep(rows: Row[], filters: Filter[], params: Record<string, Value> = {}): Row[] {
  const { predicate, problems } = compileFilters(filters, params, where);
  expect(problems).toEqual([]);
  return rows.filter(predicate);
}

const xs = (rows: Row[]) => rows.map((r) => r.x);
const rowsOf = (...values: Value[]): Row[] => values.map((x) => ({ x }));

describe('compileFilters', () => {
  const data = rowsOf(1, 2, 9, 10, null, 'a', 'b', '12');

  it('eq matches by value, numerically when both sides are numeric', () => {
    expect(xs(keep(data, [{ field: 'x', op: 'eq', value: 9 }]))).toEqual([9]);
    expect(xs(keep(data, [{ field: 'x', op: 'eq', value: 'a' }]))).toEqual(['a']);
    expect(xs(keep(data, [{ field: 'x', op: 'eq', value: 12 }]))).toEqual(['12']);
    expect(xs(keep(data, [{ field: 'x', op: 'eq', value: '10' }]))).toEqual([10]);
  });

  it('eq null matches only nulls; ne null only non-nulls', () => {
    expect(xs(keep(data, [{ field: 'x', op: 'eq', value: null }]))).toEqual([null]);
    expect(xs(keep(data, [{ field: 'x', op: 'ne', value: null }]))).toEqual([1, 2, 9, 10, 'a', 'b', '12']);
  });

  it('ne excludes the value and nulls', () => {
    expect(xs(keep(data, [{ field: 'x', op: 'ne', value: 'a' }]))).toEqual([1, 2, 9, 10, 'b', '12']);
  });

  it('lt, lte, gt, gte compare numbers numerically (9 < 10) and never match null', () => {
    const nums = rowsOf(1, 2, 9, 10, null, 12);
    expect(xs(keep(nums, [{ field: 'x', op: 'lt', value: 10 }]))).toEqual([1, 2, 9]);
    expect(xs(keep(nums, [{ field: 'x', op: 'lte', value: 10 }]))).toEqual([1, 2, 9, 10]);
    expect(xs(keep(nums, [{ field: 'x', op: 'gt', value: 9 }]))).toEqual([10, 12]);
    expect(xs(keep(nums, [{ field: 'x', op: 'gte', value: 9 }]))).toEqual([9, 10, 12]);
    expect(xs(keep(nums, [{ field: 'x', op: 'gt', value: null }]))).toEqual([]);
  });

  it('never orders a non-numeric cell against a number', () => {
    const mixed = rowsOf(5, 'n/a', 60, '70', '');
    expect(xs(keep(mixed, [{ field: 'x', op: 'gt', value: 50 }]))).toEqual([60, '70']);
    expect(xs(keep(mixed, [{ field: 'x', op: 'lt', value: 50 }]))).toEqual([5]);
    expect(xs(keep(mixed, [{ field: 'x', op: 'between', value: [0, 100] }]))).toEqual([5, 60, '70']);
    expect(xs(keep(mixed, [{ field: 'x', op: 'ne', value: 5 }]))).toEqual(['n/a', 60, '70', '']);
  });

  it('compares non-numeric values as strings, so ISO dates order correctly', () => {
    const dates = rowsOf('2023-12-31', '2024-01-01', '2024-02-15T10:00:00Z', '2024-03-01', null);
    expect(xs(keep(dates, [{ field: 'x', op: 'gte', value: '2024-01-01' }]))).toEqual([
      '2024-01-01',
      '2024-02-15T10:00:00Z',
      '2024-03-01',
    ]);
    expect(xs(keep(dates, [{ field: 'x', op: 'lt', value: '2024-02-16' }]))).toEqual([
      '2023-12-31',
      '2024-01-01',
      '2024-02-15T10:00:00Z',
    ]);
  });

  it('in matches any listed value, null included when listed', () => {
    expect(xs(keep(data, [{ field: 'x', op: 'in', value: [2, 'b', 'zzz'] }]))).toEqual([2, 'b']);
    expect(xs(keep(data, [{ field: 'x', op: 'in', value: [null, 1] }]))).toEqual([1, null]);
    expect(xs(keep(data, [{ field: 'x', op: 'in', value: [] }]))).toEqual([]);
  });

  it('between is inclusive, and a null bound leaves that side open', () => {
    const nums = rowsOf(1, 2, 9, 10, null, 12);
    expect(xs(keep(nums, [{ field: 'x', op: 'between', value: [2, 10] }]))).toEqual([2, 9, 10]);
    expect(xs(keep(nums, [{ field: 'x', op: 'between', value: [null, 2] }]))).toEqual([1, 2]);
    expect(xs(keep(nums, [{ field: 'x', op: 'between', value: [10, null] }]))).toEqual([10, 12]);
    const dates = rowsOf('2024-01-31', '2024-02-01', '2024-02-29', '2024-03-01');
    expect(xs(keep(dates, [{ field: 'x', op: 'between', value: ['2024-02-01', '2024-02-29'] }]))).toEqual([
      '2024-02-01',
      '2024-02-29',
    ]);
  });

  it('resolves params in single values, in lists and in between bounds', () => {
    const params = { region: 'EU', lo: 2, hi: 9 };
    const rows: Row[] = [
      { region: 'EU', n: 1 },
      { region: 'US', n: 2 },
      { region: 'EU', n: 9 },
      { region: 'EU', n: 10 },
    ];
    expect(keep(rows, [{ field: 'region', op: 'eq', value: { param: 'region' } }], params)).toHaveLength(3);
    expect(keep(rows, [{ field: 'region', op: 'in', value: { param: 'region' } }], params)).toHaveLength(3);
    expect(
      keep(rows, [{ field: 'region', op: 'in', value: [{ param: 'region' }, 'US'] }], params),
    ).toHaveLength(4);
    const between = keep(
      rows,
      [{ field: 'n', op: 'between', value: [{ param: 'lo' }, { param: 'hi' }] }],
      params,
    );
    expect(between.map((r) => r.n)).toEqual([2, 9]);
  });

  it('combines filters with and, matching a plain-loop reference', () => {
    const rows = salesRows(2000);
    const got = keep(rows, [
      { field: 'region', op: 'in', value: ['EU', 'US'] },
      { field: 'amount', op: 'gt', value: 50 },
      { field: 'date', op: 'between', value: ['2024-03-01', '2024-06-30'] },
    ]);
    const expected: Row[] = [];
    for (const r of rows) {
      const okRegion = r.region === 'EU' || r.region === 'US';
      const okAmount = typeof r.amount === 'number' && r.amount > 50;
      const d = r.date as string;
      if (okRegion && okAmount && d >= '2024-03-01' && d <= '2024-06-30') expected.push(r);
    }
    expect(expected.length).toBeGreaterThan(50);
    expect(got).toEqual(expected);
  });

  it('reports params that are not given, with the path of the value', () => {
    const { problems } = compileFilters(
      [
        { field: 'region', op: 'eq', value: { param: 'nope' } },
        { field: 'region', op: 'in', value: ['EU', { param: 'other' }] },
      ],
      {},
      where,
    );
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_PARAM', 'charts.c.data.filter[0].value'],
      ['CP_ERR_UNKNOWN_PARAM', 'charts.c.data.filter[1].value[1]'],
    ]);
    expect(problems[0]?.message).toContain('"nope"');
  });

  it('reports values of the wrong shape', () => {
    const { problems } = compileFilters(
      [
        { field: 'x', op: 'between', value: [1, 2, 3] },
        { field: 'x', op: 'eq', value: [1, 2] },
      ],
      {},
      where,
    );
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.filter[0].value'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.filter[1].value'],
    ]);
  });

  it('contains passes text cells holding the value, case-sensitively', () => {
    const rows = rowsOf('Cost Total $', 'total', 'TOTAL', 12, null, 'subtotal: 12');
    expect(xs(keep(rows, [{ field: 'x', op: 'contains', value: 'total' }]))).toEqual([
      'total',
      'subtotal: 12',
    ]);
    expect(xs(keep(rows, [{ field: 'x', op: 'contains', value: 'l $' }]))).toEqual(['Cost Total $']);
    expect(xs(keep(rows, [{ field: 'x', op: 'contains', value: 12 }]))).toEqual(['subtotal: 12']);
    expect(xs(keep(rows, [{ field: 'x', op: 'contains', value: { param: 'p' } }], { p: 'TOT' }))).toEqual([
      'TOTAL',
    ]);
  });

  it('isNull and notNull need no value, and take a missing column as null', () => {
    expect(xs(keep(data, [{ field: 'x', op: 'isNull' }]))).toEqual([null]);
    expect(xs(keep(data, [{ field: 'x', op: 'notNull', value: 'ignored' }]))).toEqual([
      1,
      2,
      9,
      10,
      'a',
      'b',
      '12',
    ]);
    expect(keep([{ y: 1 }], [{ field: 'x', op: 'isNull' }])).toEqual([{ y: 1 }]);
  });

  it('reports a missing value, and contains null', () => {
    const { problems } = compileFilters(
      [
        { field: 'x', op: 'eq' },
        { field: 'x', op: 'contains', value: null },
        { field: 'x', op: 'contains', value: ['a', 'b'] },
      ],
      {},
      where,
    );
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_MISSING_FIELD', 'charts.c.data.filter[0].value'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.filter[1].value'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.filter[2].value'],
    ]);
  });
});
