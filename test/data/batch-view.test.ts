import { describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../../src/data/batch.js';
import { BatchView } from '../../src/data/batch-view.js';

const batch: ColumnBatch = {
  length: 3,
  names: ['b', '7', 'a', 'b', '__proto__'],
  columns: [
    { kind: 'number', values: Float64Array.from([1, 2, 3]) },
    { kind: 'values', values: ['x', null, 'z'] },
    { kind: 'dict', codes: Int32Array.from([0, 0, 1]), dict: ['p', 'q'] },
    { kind: 'dict', codes: Int32Array.from([1, 0, 1]), dict: ['u', 'v'] },
    { kind: 'values', values: [null, null, null] },
  ],
};

describe('BatchView', () => {
  it('names the columns as a row of the batch has them, each once', () => {
    const view = new BatchView(batch);
    expect(view.columns).toEqual(Object.keys(view.rows()[0]!));
    expect(view.columns).toEqual(['7', 'b', 'a']);
    // The later of two columns with one name, as in a row.
    expect(view.column('b')).toBe(batch.columns[3]);
    expect(view.rows().map((r) => r.b)).toEqual(['v', 'u', 'v']);
  });

  it('builds the rows once', () => {
    const view = new BatchView(batch);
    expect(view.rows()).toBe(view.rows());
  });

  it('has only columns a row holds as they are, with a cell for every row', () => {
    const view = new BatchView(batch);
    expect(view.has(['a', 'b', '7'])).toBe(true);
    expect(view.has(['a', 'nope'])).toBe(false);
    expect(view.has(['__proto__'])).toBe(false);
    const short = new BatchView({
      length: 2,
      names: ['n', 'd'],
      columns: [
        { kind: 'number', values: Float64Array.from([1]) },
        { kind: 'dict', codes: Int32Array.from([0, 2]), dict: ['a', 'b'] },
      ],
    });
    expect(short.has(['n'])).toBe(false);
    expect(short.has(['d'])).toBe(false);
  });

  it('groups the date texts of a dictionary by day, leaving out texts with an offset', () => {
    const dict = [
      '2024-03-05T10:00:00Z',
      '2024-03-05T23:59:59',
      '2024-03-06T00:00:00Z',
      '2024-03-05T23:30:00+05:00',
      '2024-03-05',
      'soon',
      '2024-03-05T01:00:00.5Z',
    ];
    const view = new BatchView({
      length: dict.length,
      names: ['d', 'n'],
      columns: [
        { kind: 'dict', codes: Int32Array.from(dict, (_, i) => i), dict },
        { kind: 'number', values: new Float64Array(dict.length) },
      ],
    });
    const days = view.dateGroups('d', 'day')!;
    expect(dict.map((_, e) => days.groupOf(e))).toEqual([0, 0, 1, -1, -1, -1, 0]);
    expect(days.texts).toEqual(['2024-03-05T10:00:00Z', '2024-03-06T00:00:00Z']);
    expect(view.dateGroups('d', 'day')).toBe(days);
    const hours = view.dateGroups('d', 'hour')!;
    expect(dict.map((_, e) => hours.groupOf(e))).toEqual([0, 1, 2, -1, -1, -1, 3]);
    expect(view.dateGroups('n', 'day')).toBeUndefined();
  });

  it('keys 15-minute slots past 2^31 in full', () => {
    const stamps = ['2024-03-05T14:47:09Z', 'x', '9999-12-31T23:59:59Z', null];
    const view = new BatchView({ length: 4, names: ['t'], columns: [{ kind: 'values', values: stamps }] });
    expect([...view.isoKeys('t', 'slot')]).toEqual([2024030514 * 4 + 3, -1, 9999123123 * 4 + 3, -1]);
  });
});

describe('BatchView.finite', () => {
  it('is true only for a number column without null or infinity', () => {
    const view = new BatchView({
      length: 3,
      names: ['ok', 'null', 'inf', 'text'],
      columns: [
        { kind: 'number', values: Float64Array.from([1, -0, 2.5]) },
        { kind: 'number', values: Float64Array.from([1, Number.NaN, 2]) },
        { kind: 'number', values: Float64Array.from([1, 2, Number.NEGATIVE_INFINITY]) },
        { kind: 'dict', codes: Int32Array.from([0, 0, 0]), dict: [1] },
      ],
    });
    expect(['ok', 'null', 'inf', 'text'].map((n) => view.finite(n))).toEqual([true, false, false, false]);
  });
});

describe('ColumnBatch.checked', () => {
  it('spares the checks its source vouches for, and only those', () => {
    const columns = [
      { kind: 'number' as const, values: Float64Array.from([1, Number.NaN]) },
      { kind: 'dict' as const, codes: Int32Array.from([0, 5]), dict: ['a'] },
      { kind: 'dict' as const, codes: Int32Array.from([0]), dict: ['a'] },
    ];
    const trusted = new BatchView({
      length: 2,
      names: ['n', 'd', 'short'],
      columns,
      checked: [true, true, true],
    });
    expect(trusted.finite('n')).toBe(true);
    expect(trusted.has(['d'])).toBe(true);
    // A column shorter than the batch is not sound, whatever its source says.
    expect(trusted.has(['short'])).toBe(false);
    const plain = new BatchView({ length: 2, names: ['n', 'd'], columns, checked: [false, false] });
    expect(plain.finite('n')).toBe(false);
    expect(plain.has(['d'])).toBe(false);
  });
});
