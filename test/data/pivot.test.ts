import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/frame.js';
import { failure, run, salesRows, scan } from './helpers.js';

const rows: Row[] = [
  { month: '2024-01', region: 'EU', amount: 10 },
  { month: '2024-01', region: 'US', amount: 5 },
  { month: '2024-02', region: 'US', amount: 7 },
  { month: '2024-02', region: 'EU', amount: 1 },
  { month: '2024-02', region: 'EU', amount: 2 },
  { month: '2024-03', region: 'APAC', amount: 4 },
  { month: '2024-03', region: null, amount: 6 },
];

describe('pivot', () => {
  it('turns the values of one column into columns, first-seen order, missing as null', () => {
    const got = run(rows, {
      groupBy: ['month', 'region'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
      pivot: { on: 'region', value: 'total' },
    });
    expect(got).toEqual([
      { month: '2024-01', EU: 10, US: 5, APAC: null, '(none)': null },
      { month: '2024-02', EU: 3, US: 7, APAC: null, '(none)': null },
      { month: '2024-03', EU: null, US: null, APAC: 4, '(none)': 6 },
    ]);
  });

  it('applies after sort and limit, so sorting orders both rows and new columns', () => {
    const got = run(rows, {
      groupBy: ['month', 'region'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
      sort: [{ field: 'month', order: 'desc' }, 'region'],
      pivot: { on: 'region', value: 'total' },
    });
    // Rows by month descending; 2024-03 comes first, with APAC and null (last), then EU and US.
    for (const r of got) expect(Object.keys(r)).toEqual(['month', 'APAC', '(none)', 'EU', 'US']);
    expect(got.map((r) => r.month)).toEqual(['2024-03', '2024-02', '2024-01']);
  });

  it('keeps other output columns as row keys, and matches a plain-loop reference', async () => {
    const data = salesRows(3000, 21);
    const { frame } = await scan(data, {
      groupBy: [{ field: 'date', bucket: 'quarter', as: 'q' }, 'region'],
      aggregate: { units: { op: 'sum', field: 'units' } },
      sort: ['q'],
      pivot: { on: 'region', value: 'units' },
    });
    const sums = new Map<string, number>();
    for (const r of data) {
      const month = Number((r.date as string).slice(5, 7));
      const q = `2024-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
      const key = `${q}|${r.region ?? '(none)'}`;
      sums.set(key, (sums.get(key) ?? 0) + (r.units as number));
    }
    expect(frame.fields[0]).toBe('q');
    expect(frame.length).toBe(4);
    for (const region of frame.fields.slice(1)) {
      const col = frame.columns[region];
      expect(col).toBeInstanceOf(Float64Array);
      const quarters = frame.columns.q as string[];
      quarters.forEach((q, i) => {
        expect((col as Float64Array)[i]).toBe(sums.get(`${q}|${region}`));
      });
    }
  });

  it('refuses pivot columns that are not outputs, and a value clashing with a kept column', async () => {
    const bad = await failure(
      scan(rows, {
        groupBy: ['month'],
        aggregate: { n: { op: 'count' } },
        pivot: { on: 'region', value: 'n' },
      }),
    );
    expect(bad.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.pivot.on'],
    ]);
    const clash = await failure(
      scan([{ a: 'b', b: 'x' }], {
        groupBy: ['a', 'b'],
        aggregate: { n: { op: 'count' } },
        pivot: { on: 'a', value: 'n' },
      }),
    );
    expect(clash.problems[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data.pivot.on' });
    expect(clash.problems[0]?.message).toContain('"b" is already one');
    const noGroup = await failure(scan(rows, { pivot: { on: 'region', value: 'amount' } }));
    expect(noGroup.problems[0]?.path).toBe('charts.c.data.pivot');
  });
});
