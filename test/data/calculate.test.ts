import { describe, expect, it } from 'vitest';
import { runQueries } from '../../src/data/scan.js';
import type { Warning } from '../../src/errors.js';
import { frameToRows, type Row, type Value } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { columnSource, countingSource, failure, salesRows } from './helpers.js';

type Q = Omit<Query, 'from'>;

/** The queries' frames through rows and through column batches, which must agree, warnings included. */
async function both(rows: readonly Row[], queries: Record<string, Q>, params: Record<string, Value> = {}) {
  const map = new Map(Object.entries(queries).map(([id, q]) => [id, { from: 'd', ...q } as Query]));
  const results = [];
  for (const source of [countingSource(rows), columnSource(rows, 64)]) {
    const warnings: Warning[] = [];
    const frames = await runQueries(source, map, params, { dataset: 'd', warn: (w) => warnings.push(w) });
    results.push({
      rows: Object.fromEntries([...frames].map(([id, f]) => [id, frameToRows(f)])),
      fields: Object.fromEntries([...frames].map(([id, f]) => [id, f.fields])),
      warnings,
    });
  }
  expect(results[1]).toEqual(results[0]);
  return results[0]!;
}

const rows = salesRows(500);

describe('calculate', () => {
  it('adds fields that filters, groups and aggregates read like columns', async () => {
    const { rows: out } = await both(rows, {
      q: {
        calculate: { value: 'amount * units', busy: 'units >= 5' },
        filter: [{ field: 'value', op: 'gt', value: 100 }],
        groupBy: ['region', 'busy'],
        aggregate: { total: { op: 'sum', field: 'value' }, n: { op: 'count' } },
        sort: ['region', 'busy'],
      },
    });
    const expected = new Map<string, { total: number; n: number }>();
    for (const r of rows) {
      const value = typeof r.amount === 'number' ? r.amount * (r.units as number) : null;
      if (value === null || !(value > 100)) continue;
      const key = `${r.region}|${(r.units as number) >= 5}`;
      const e = expected.get(key) ?? { total: 0, n: 0 };
      e.total += value;
      e.n++;
      expected.set(key, e);
    }
    expect(out.q!.length).toBe(expected.size);
    for (const r of out.q!) {
      const e = expected.get(`${r.region}|${r.busy}`)!;
      expect(r.n).toBe(e.n);
      expect(r.total).toBeCloseTo(e.total, 6);
    }
  });

  it('passes rows through with their calculated fields, sorted and limited by them', async () => {
    const calculate = { half: 'amount / 2', tag: "concat(region, '#', units)" };
    const { rows: out, fields } = await both(rows, {
      all: { calculate, filter: [{ field: 'half', op: 'notNull' }] },
      top: { calculate, sort: [{ field: 'half', order: 'desc' }], limit: 3 },
      sorted: { calculate, sort: ['tag'] },
    });
    expect(fields.all).toEqual(['date', 'region', 'amount', 'units', 'half', 'tag']);
    expect(out.all!.every((r) => r.half === (r.amount as number) / 2)).toBe(true);
    expect(out.all![0]!.tag).toBe(`${out.all![0]!.region ?? ''}#${out.all![0]!.units}`);
    const halves = rows.flatMap((r) => (typeof r.amount === 'number' ? [r.amount / 2] : []));
    expect(out.top!.map((r) => r.half)).toEqual(halves.sort((a, b) => b - a).slice(0, 3));
    expect(out.sorted!.length).toBe(rows.length);
  });

  it('computes a column once for every query with the same fields, and each query its own', async () => {
    const { rows: out } = await both(rows, {
      a: { calculate: { x: 'units * 2' }, aggregate: { s: { op: 'sum', field: 'x' } } },
      b: { calculate: { x: 'units * 2' }, aggregate: { m: { op: 'max', field: 'x' } } },
      c: { calculate: { x: 'units * 3' }, aggregate: { s: { op: 'sum', field: 'x' } } },
    });
    const units = rows.reduce((s, r) => s + (r.units as number), 0);
    expect(out.a).toEqual([{ s: units * 2 }]);
    expect(out.b).toEqual([{ m: 18 }]);
    expect(out.c).toEqual([{ s: units * 3 }]);
  });

  it('reads date parts in the query time zone', async () => {
    const at = [{ at: '2024-03-31T00:30:00Z' }, { at: '2024-03-31T01:30:00Z' }, { at: '2024-03-31' }];
    const { rows: out } = await both(at, {
      utc: { calculate: { h: 'hour(at)' }, groupBy: ['h'], aggregate: { n: { op: 'count' } } },
      paris: {
        calculate: { h: 'hour(at)' },
        timezone: 'Europe/Paris',
        groupBy: ['h'],
        aggregate: { n: { op: 'count' } },
      },
    });
    expect(out.utc).toEqual([
      { h: 0, n: 2 },
      { h: 1, n: 1 },
    ]);
    expect(out.paris).toEqual([
      { h: 1, n: 1 },
      { h: 3, n: 1 },
      { h: 0, n: 1 },
    ]);
  });
});

describe('aggregates with where', () => {
  it('count, sum and pick only the rows that meet their condition', async () => {
    const { rows: out, warnings } = await both(
      rows,
      {
        q: {
          calculate: { big: 'units > 5' },
          groupBy: ['region'],
          aggregate: {
            n: { op: 'count' },
            busy: { op: 'count', where: [{ field: 'big', op: 'eq', value: true }] },
            eu: { op: 'count', where: [{ field: 'region', op: 'eq', value: { param: 'r' } }] },
            s: { op: 'sum', field: 'amount', where: [{ field: 'units', op: 'lt', value: 3 }] },
            first: { op: 'first', field: 'date', where: [{ field: 'units', op: 'eq', value: 9 }] },
            med: { op: 'median', field: 'amount', where: [{ field: 'units', op: 'gte', value: 8 }] },
          },
          sort: ['region'],
        },
      },
      { r: 'EU' },
    );
    for (const r of out.q!) {
      const group = rows.filter((x) => x.region === r.region);
      expect(r.n).toBe(group.length);
      expect(r.busy).toBe(group.filter((x) => (x.units as number) > 5).length);
      expect(r.eu).toBe(r.region === 'EU' ? group.length : 0);
      const small = group.filter((x) => (x.units as number) < 3 && typeof x.amount === 'number');
      expect(r.s).toBeCloseTo(
        small.reduce((a, x) => a + (x.amount as number), 0),
        6,
      );
      expect(r.first).toBe(group.find((x) => x.units === 9)?.date ?? null);
    }
    // Skipped values are counted among the rows each aggregate reads, apart.
    const bad = (units: (u: number) => boolean) =>
      rows.filter((x) => units(x.units as number) && typeof x.amount !== 'number').length;
    expect(warnings.map((w) => [w.path, w.message.split(' ')[0]])).toEqual([
      ['q.aggregate.s', String(bad((u) => u < 3))],
      ['q.aggregate.med', String(bad((u) => u >= 8))],
    ]);
  });
});

describe('having', () => {
  it('keeps the groups whose output meets it, before sort and limit', async () => {
    const { rows: out } = await both(rows, {
      q: {
        groupBy: ['units'],
        aggregate: { n: { op: 'count' }, total: { op: 'sum', field: 'amount' } },
        having: [
          { field: 'n', op: 'gte', value: 50 },
          { field: 'units', op: 'ne', value: 3 },
        ],
        sort: [{ field: 'n', order: 'desc' }],
        limit: 4,
      },
      none: { aggregate: { n: { op: 'count' } }, having: [{ field: 'n', op: 'lt', value: 0 }] },
    });
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r.units as number, (counts.get(r.units as number) ?? 0) + 1);
    const kept = [...counts].filter(([u, n]) => n >= 50 && u !== 3).sort((a, b) => b[1] - a[1]);
    expect(out.q!.map((r) => [r.units, r.n])).toEqual(kept.slice(0, 4));
    expect(out.none).toEqual([]);
  });
});

describe('problems', () => {
  const problems = async (query: Q, columns = rows) => {
    const e = await failure(
      runQueries(
        countingSource(columns),
        new Map([['q', { from: 'd', ...query }]]),
        {},
        {
          dataset: 'd',
          paths: new Map([['q', 'charts.c.data']]),
          maxExpressionLength: 40,
        },
      ),
    );
    return e.problems.map((p) => ({ code: p.code, path: p.path, message: p.message, hint: p.hint }));
  };

  it('names the field path, the column and a hint', async () => {
    expect(await problems({ calculate: { m: 'amount -', n: 'foo(units)' } })).toEqual([
      {
        code: 'CP_ERR_EXPRESSION',
        path: 'charts.c.data.calculate.m',
        message: 'column 9 of "amount -": the expression ends too soon',
        hint: 'complete the expression',
      },
      expect.objectContaining({
        path: 'charts.c.data.calculate.n',
        message: 'column 1 of "foo(units)": unknown function "foo"',
        hint: expect.stringContaining('functions: if, coalesce'),
      }),
    ]);
  });

  it('refuses unknown fields, fields used before they are made, and names of columns', async () => {
    expect(await problems({ calculate: { a: 'amonut + b', b: 'units', region: "'x'", c: 'c + 1' } })).toEqual(
      [
        expect.objectContaining({
          code: 'CP_ERR_EXPRESSION',
          path: 'charts.c.data.calculate.a',
          message: 'column 1 of "amonut + b": unknown field "amonut"',
          hint: expect.stringContaining('columns: date, region, amount, units'),
        }),
        expect.objectContaining({
          message: 'column 10 of "amonut + b": unknown field "b"',
          hint: 'a calculated field can use only the ones before it in calculate: move "b" up',
        }),
        expect.objectContaining({
          code: 'CP_ERR_INVALID_VALUE',
          path: 'charts.c.data.calculate.region',
          message: 'calculated field "region" has the name of a column of dataset "d"',
        }),
        expect.objectContaining({
          path: 'charts.c.data.calculate.c',
          hint: 'a calculated field cannot use itself',
        }),
      ],
    );
  });

  it('refuses types known to give null, long expressions, unknown zones', async () => {
    expect(
      await problems({
        calculate: { a: "units * 'x'", b: `units${' + 1'.repeat(20)}` },
        timezone: 'Mars/Base',
      }),
    ).toEqual([
      expect.objectContaining({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data.timezone' }),
      expect.objectContaining({ message: 'column 9 of "units * \'x\'": "*" takes numbers, got text' }),
      expect.objectContaining({
        message: expect.stringContaining('the expression is 85 characters long; at most 40'),
      }),
    ]);
  });

  it('refuses having without groups or on a column that is no output, and bad where values', async () => {
    expect(
      await problems({
        groupBy: ['region'],
        aggregate: { n: { op: 'count', where: [{ field: 'units', op: 'eq', value: { param: 'nope' } }] } },
        having: [{ field: 'amount', op: 'gt', value: 1 }],
      }),
    ).toEqual([
      expect.objectContaining({
        code: 'CP_ERR_UNKNOWN_PARAM',
        path: 'charts.c.data.aggregate.n.where[0].value',
      }),
      expect.objectContaining({ code: 'CP_ERR_UNKNOWN_COLUMN', path: 'charts.c.data.having[0].field' }),
    ]);
    expect(await problems({ having: [{ field: 'units', op: 'gt', value: 1 }] })).toEqual([
      expect.objectContaining({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data.having' }),
    ]);
    expect(
      await problems({ aggregate: { n: { op: 'count', where: [{ field: 'nope', op: 'isNull' }] } } }),
    ).toEqual([
      expect.objectContaining({
        code: 'CP_ERR_UNKNOWN_COLUMN',
        path: 'charts.c.data.aggregate.n.where[0].field',
      }),
    ]);
  });
});
