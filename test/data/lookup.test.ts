import { describe, expect, it } from 'vitest';
import { type Dimensions, loadDimension } from '../../src/data/lookup.js';
import { runQueries } from '../../src/data/scan.js';
import { ChartpressError, type Problem } from '../../src/errors.js';
import { frameToRows, type Row } from '../../src/frame.js';
import type { Lookup, Query } from '../../src/spec/schema.js';
import { columnSource, countingSource, rng } from './helpers.js';

type Q = Omit<Query, 'from'>;

const stores: Row[] = [
  { store_id: 1, region: 'EU', size: 'large', city: 'Paris' },
  { store_id: 2, region: 'EU', size: 'small', city: 'Rome' },
  { store_id: 3, region: 'US', size: 'large', city: 'Boston' },
  { store_id: 4, region: null, size: 'small', city: 'Lima' },
];

/** Sales rows with a key the stores lack (9) and a null key, in batches of 5. */
const sales: Row[] = Array.from({ length: 23 }, (_, i) => ({
  store_id: i % 7 === 6 ? null : i % 11 === 10 ? 9 : 1 + (i % 4),
  amount: 10 + i,
  day: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`,
}));

async function dims(rows: readonly Row[] = stores, name = 'stores', maxRows?: number): Promise<Dimensions> {
  const needed = new Set(Object.keys(rows[0] ?? {}));
  return new Map([[name, await loadDimension(name, countingSource(rows), needed, { maxRows })]]);
}

/** The query through rows and through column batches, which must agree. */
async function both(query: Q, dimensions?: Dimensions, rows: readonly Row[] = sales) {
  const d = dimensions ?? (await dims());
  const map = new Map([['q', { from: 'sales', ...query } as Query]]);
  const out: { rows: Row[]; fields: readonly string[] }[] = [];
  for (const source of [countingSource(rows), columnSource(rows, 5)]) {
    const frame = (await runQueries(source, map, {}, { dataset: 'sales', dimensions: d })).get('q')!;
    out.push({ rows: frameToRows(frame), fields: frame.fields });
  }
  expect(out[1]).toEqual(out[0]);
  return out[0]!;
}

/** The problems the query fails with, through rows and through batches (the same). */
async function problems(query: Q, dimensions?: Dimensions): Promise<Problem[]> {
  const d = dimensions ?? (await dims());
  const map = new Map([['q', { from: 'sales', ...query } as Query]]);
  const out: Problem[][] = [];
  for (const source of [countingSource(sales), columnSource(sales, 5)]) {
    try {
      await runQueries(
        source,
        map,
        {},
        { dataset: 'sales', paths: new Map([['q', 'charts.c.data']]), dimensions: d },
      );
      out.push([]);
    } catch (e) {
      if (!(e instanceof ChartpressError)) throw e;
      out.push([...e.problems]);
    }
  }
  expect(out[1]).toEqual(out[0]);
  return out[0]!;
}

describe('lookup', () => {
  it('adds the fields to each row, after the dataset columns, with nulls for missing keys', async () => {
    const { rows, fields } = await both({
      lookup: { from: 'stores', on: 'store_id', fields: ['region', 'size'] },
    });
    expect(fields).toEqual(['store_id', 'amount', 'day', 'region', 'size']);
    expect(rows[0]).toEqual({ store_id: 1, amount: 10, day: '2024-01-01', region: 'EU', size: 'large' });
    expect(rows.find((r) => r.store_id === 9)).toMatchObject({ region: null, size: null });
    expect(rows.find((r) => r.store_id === null)).toMatchObject({ region: null, size: null });
    expect(rows).toHaveLength(sales.length);
  });

  it('runs before calculate, filter and groupBy, which may use the looked-up fields', async () => {
    const { rows } = await both({
      lookup: { from: 'stores', on: 'store_id', fields: ['region', 'size'] },
      calculate: { big: "size = 'large'" },
      filter: [{ field: 'region', op: 'in', value: ['EU', 'US'] }],
      groupBy: ['region', 'big'],
      aggregate: { n: { op: 'count' }, total: { op: 'sum', field: 'amount' } },
      sort: ['region', 'big'],
    });
    const expected = new Map<string, { n: number; total: number }>();
    for (const s of sales) {
      const store = stores.find((t) => t.store_id === s.store_id);
      if (store?.region !== 'EU' && store?.region !== 'US') continue;
      const key = `${store.region}|${store.size === 'large'}`;
      const e = expected.get(key) ?? { n: 0, total: 0 };
      e.n++;
      e.total += s.amount as number;
      expected.set(key, e);
    }
    expect(rows.map((r) => `${r.region}|${r.big}`)).toEqual([...expected.keys()].sort());
    for (const r of rows) expect({ n: r.n, total: r.total }).toEqual(expected.get(`${r.region}|${r.big}`));
  });

  it('keys on columns of other names, and prefixes or renames the fields with as', async () => {
    const renamed: Row[] = stores.map((s) => ({
      id: s.store_id ?? null,
      region: s.region ?? null,
      size: s.size ?? null,
    }));
    const d = await dims(renamed);
    const prefixed = await both(
      { lookup: { from: 'stores', on: { left: 'store_id', right: 'id' }, fields: ['region'], as: 'store_' } },
      d,
    );
    expect(prefixed.fields).toEqual(['store_id', 'amount', 'day', 'store_region']);
    const named = await both(
      {
        lookup: {
          from: 'stores',
          on: { left: 'store_id', right: 'id' },
          fields: ['region', 'size'],
          as: { size: 'format' },
        },
      },
      d,
    );
    expect(named.fields).toEqual(['store_id', 'amount', 'day', 'region', 'format']);
  });

  it('drops the rows whose key is missing with onMissing: skip', async () => {
    const { rows } = await both({
      lookup: { from: 'stores', on: 'store_id', fields: ['city'], onMissing: 'skip' },
    });
    expect(rows.map((r) => r.store_id)).toEqual(
      sales.filter((s) => s.store_id !== null && s.store_id !== 9).map((s) => s.store_id),
    );
    const grouped = await both({
      lookup: { from: 'stores', on: 'store_id', fields: ['city'], onMissing: 'skip' },
      groupBy: ['city'],
      aggregate: { n: { op: 'count' } },
    });
    expect(grouped.rows.reduce((n, r) => n + (r.n as number), 0)).toBe(rows.length);
  });

  it('chains: a later lookup keys on an earlier one', async () => {
    const regions: Row[] = [
      { region: 'EU', manager: 'Ana' },
      { region: 'US', manager: 'Bob' },
    ];
    const d = new Map([...(await dims()), ...(await dims(regions, 'regions'))]);
    const { rows } = await both(
      {
        lookup: [
          { from: 'stores', on: 'store_id', fields: ['region'] },
          { from: 'regions', on: 'region', fields: ['manager'] },
        ],
        groupBy: ['manager'],
        aggregate: { n: { op: 'count' } },
        sort: ['manager'],
      },
      d,
    );
    expect(rows.map((r) => r.manager)).toEqual(['Ana', 'Bob', null]);
  });

  it('fails naming the first missing keys and their count with onMissing: error', async () => {
    const [p, ...rest] = await problems({
      lookup: { from: 'stores', on: 'store_id', fields: ['region'], onMissing: 'error' },
    });
    expect(rest).toEqual([]);
    const missing = sales.filter((s) => s.store_id === null || s.store_id === 9).length;
    expect(p).toMatchObject({ code: 'CP_ERR_LOOKUP_MISSING_KEY', path: 'charts.c.data.lookup.onMissing' });
    expect(p?.message).toBe(
      `${missing} rows have a "store_id" not found in column "store_id" of dataset "stores": null, 9`,
    );
  });

  it('refuses a dimension with a key on two rows, naming the key', async () => {
    const d = await dims([...stores, { store_id: 3, region: 'EU', size: 'tiny', city: 'Oslo' }]);
    const [p] = await problems({ lookup: { from: 'stores', on: 'store_id', fields: ['region'] } }, d);
    expect(p).toMatchObject({ code: 'CP_ERR_LOOKUP_DUPLICATE_KEY', path: 'charts.c.data.lookup.on' });
    expect(p?.message).toContain('key 3 of column "store_id"');
  });

  it('refuses a dimension past the row limit', async () => {
    await expect(
      loadDimension('stores', countingSource(stores), new Set(['store_id']), { maxRows: 3 }),
    ).rejects.toThrow(/dataset "stores" has more than 3 rows/);
    try {
      await loadDimension('stores', countingSource(stores), new Set(['store_id']), { maxRows: 3 });
    } catch (e) {
      expect((e as ChartpressError).problems[0]).toMatchObject({
        code: 'CP_ERR_LOOKUP_TOO_LARGE',
        path: 'datasets.stores',
      });
    }
    // The failure of reading it is the failure of each query that looks it up, at its `from`.
    const d: Dimensions = new Map([
      ['stores', { code: 'CP_ERR_LOOKUP_TOO_LARGE', message: 'too many', hint: 'h' } as Problem],
    ]);
    const [p] = await problems({ lookup: { from: 'stores', on: 'store_id', fields: ['region'] } }, d);
    expect(p).toMatchObject({ code: 'CP_ERR_LOOKUP_TOO_LARGE', path: 'charts.c.data.lookup.from' });
  });

  it('names unknown columns on either side, a dataset not read, and fields that clash', async () => {
    const unknown = await problems({
      lookup: { from: 'stores', on: { left: 'shop', right: 'store' }, fields: ['region', 'zone'] },
    });
    expect(unknown.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.lookup.on.right'],
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.lookup.fields[1]'],
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.lookup.on.left'],
    ]);
    const unread = await problems({ lookup: { from: 'shops', on: 'store_id', fields: ['region'] } });
    expect(unread[0]).toMatchObject({ code: 'CP_ERR_UNKNOWN_DATASET', path: 'charts.c.data.lookup.from' });
    const clash = await problems({
      lookup: { from: 'stores', on: 'store_id', fields: ['region', 'store_id'] },
    });
    expect(clash[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'charts.c.data.lookup.fields[1]' });
    expect(clash[0]?.message).toContain('has the name of a column of dataset "sales"');
  });

  it('is shared by the queries of one scan that look the same dimension up', async () => {
    const d = await dims();
    const lookup: Lookup = { from: 'stores', on: 'store_id', fields: ['region'] };
    const map = new Map<string, Query>([
      [
        'a',
        { from: 'sales', lookup, groupBy: ['region'], aggregate: { n: { op: 'count' } }, sort: ['region'] },
      ],
      [
        'b',
        {
          from: 'sales',
          lookup: { ...lookup, onMissing: 'skip' },
          filter: [{ field: 'region', op: 'eq', value: 'US' }],
        },
      ],
      ['c', { from: 'sales', groupBy: ['store_id'], aggregate: { n: { op: 'count' } } }],
    ]);
    const results = [];
    for (const source of [countingSource(sales), columnSource(sales, 5)]) {
      const frames = await runQueries(source, map, {}, { dataset: 'sales', dimensions: d });
      results.push(Object.fromEntries([...frames].map(([id, f]) => [id, frameToRows(f)])));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]!.a!.map((r) => r.region)).toEqual(['EU', 'US', null]);
    expect(results[0]!.b!.every((r) => r.region === 'US')).toBe(true);
  });
});

describe('lookup of an empty dimension', () => {
  it('finds no key, and checks no column', async () => {
    const d = new Map([
      ['stores', await loadDimension('stores', countingSource([]), new Set(['store_id', 'region']))],
    ]);
    const { rows } = await both({ lookup: { from: 'stores', on: 'store_id', fields: ['region'] } }, d);
    expect(rows.every((r) => r.region === null)).toBe(true);
  });

  it('names at most five missing keys, then an ellipsis', async () => {
    const [p] = await problems(
      { lookup: { from: 'stores', on: 'amount', fields: ['region'], onMissing: 'error' } },
      await dims(stores.map((s): Row => ({ ...s, amount: s.store_id ?? null }))),
    );
    expect(p?.message).toBe(
      `${sales.length} rows have a "amount" not found in column "amount" of dataset "stores": 10, 11, 12, 13, 14, ...`,
    );
  });
});

describe('lookup, rows against batches', () => {
  it('gives the same frames on random data, keys, batch sizes and onMissing', async () => {
    const rand = rng(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    for (let round = 0; round < 40; round++) {
      const keys = [1, 2, 3, 4, 'a', 'b', null, 2.5];
      const dimRows: Row[] = [
        ...new Set(Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(keys))),
      ]
        .filter((k) => k !== null)
        .map((k) => ({ k, g: pick(['x', 'y', null]), w: pick([1, 2, null]) }));
      const facts: Row[] = Array.from({ length: Math.floor(rand() * 60) }, (_, i) => ({
        k: pick(keys),
        v: pick([1, 2, 3, null, 'n/a']),
        i,
      }));
      const d = new Map([
        ['dim', await loadDimension('dim', countingSource(dimRows), new Set(['k', 'g', 'w']))],
      ]);
      const onMissing = pick(['null', 'skip'] as const);
      const query = {
        from: 'facts',
        lookup: { from: 'dim', on: 'k', fields: ['g', 'w'], onMissing },
        ...pick([
          {},
          {
            groupBy: ['g'],
            aggregate: { n: { op: 'count' }, s: { op: 'sum', field: 'v' }, m: { op: 'max', field: 'w' } },
          },
          {
            calculate: { x: 'coalesce(w, 0) * 2' },
            filter: [{ field: 'g', op: 'ne', value: 'y' }],
            sort: ['x'],
          },
        ]),
      } as Query;
      const out = [];
      for (const source of [countingSource(facts), columnSource(facts, 1 + Math.floor(rand() * 9))]) {
        const frames = await runQueries(
          source,
          new Map([['q', query]]),
          {},
          { dataset: 'facts', dimensions: d },
        );
        out.push(frameToRows(frames.get('q')!));
      }
      expect(out[1]).toEqual(out[0]);
    }
  });
});
