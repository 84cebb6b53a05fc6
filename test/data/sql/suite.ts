import { expect, it } from 'vitest';
import type { RowSource } from '../../../src/data/sources/rows.js';
import type { SqlDataset } from '../../../src/data/sql/sessions.js';
import type { Query } from '../../../src/spec/schema.js';
import { rng } from '../helpers.js';
import { both, frameToRows, storage } from './helpers.js';

/** Columns every backend's `sales` table has; names with spaces and symbols on purpose. */
export const DATE = 'Sale Date';
export const AT = 'Sold At';
export const AMOUNT = 'Cost Total $';

type Q = Omit<Query, 'from'>;
const count = { n: { op: 'count' } } as const;
const A = `\`${AMOUNT}\``;
const D = `\`${DATE}\``;
const T = `\`${AT}\``;

/** Queries with calculated fields, conditional aggregates and having. */
const calculations: [string, Q][] = [
  [
    'calculate: arithmetic, grouped and aggregated',
    {
      calculate: { margin: `${A} * 2 - units`, late: 'units > 5' },
      groupBy: ['Region', 'late'],
      aggregate: {
        m: { op: 'sum', field: 'margin' },
        n: { op: 'count' },
        hi: { op: 'max', field: 'margin' },
        mean: { op: 'avg', field: 'margin' },
      },
    },
  ],
  [
    'calculate: rows passed through with their fields, filtered and sorted by them',
    {
      calculate: {
        half: `${A} / 2`,
        large: `units >= 5 and ${A} > 100`,
        text: "concat(Region, ':', units, '/', half)",
      },
      filter: [{ field: 'large', op: 'eq', value: true }],
      sort: [{ field: 'half', order: 'desc' }],
      limit: 40,
    },
  ],
  [
    'calculate: division by zero, remainders of whole numbers, negation',
    {
      calculate: {
        r: 'units / (units - 3)',
        z: 'units % 3',
        y: '-units % -4',
        w: '100 % (units + 1)',
        neg: `-${A}`,
      },
      groupBy: ['r', 'z', 'y', 'w'],
      aggregate: { n: { op: 'count' }, s: { op: 'sum', field: 'neg' } },
      sort: ['r', 'z', 'y', 'w'],
    },
  ],
  [
    'calculate: three-valued logic and if',
    {
      calculate: {
        a: `units > 4 or ${A} > 50`,
        b: `not (units > 4) and ${A} < 0`,
        c: `if(units > 4, 'big', if(${A} > 0, 'paid', null))`,
        d: 'if(units, units * 2, -1)',
        e: `not (${A} = ${A})`,
      },
      groupBy: ['a', 'b', 'c', 'd', 'e'],
      aggregate: { n: { op: 'count' } },
    },
  ],
  [
    'calculate: date parts of dates and instants',
    {
      calculate: {
        y: `year(${D})`,
        m: `month(${T})`,
        h: `hour(${T})`,
        w: `weekday(${D})`,
        dd: `day(${T})`,
        hd: `hour(${D})`,
      },
      groupBy: ['y', 'w', 'hd'],
      aggregate: { n: { op: 'count' }, hi: { op: 'max', field: 'h' }, dm: { op: 'sum', field: 'dd' } },
    },
  ],
  [
    'calculate: numeric functions',
    {
      calculate: {
        r1: `round(${A} / 3, 2)`,
        r2: `round(${A}, -1)`,
        r3: `round(-${A} / 8)`,
        a: `abs(${A})`,
        f: `floor(${A} / 7)`,
        c: `ceil(${A} / 7)`,
        s: `sqrt(${A})`,
        mn: 'min(units, 4)',
        mx: `max(${A}, units * 10, null)`,
      },
      filter: [{ field: 'units', op: 'lt', value: 4 }],
    },
  ],
  [
    'calculate: text, coalesce and comparisons of text',
    {
      calculate: {
        c: "coalesce(Region, 'none')",
        lt: "Region < 'M'",
        eq: 'Region = Region',
        t: `concat(${D}, ' ', flag)`,
        m: "max(Region, 'F')",
      },
      groupBy: ['c', 'lt', 'eq', 't', 'm'],
      aggregate: { n: { op: 'count' } },
      sort: ['c', 't'],
      limit: 60,
    },
  ],
  [
    'calculate: fields that use the ones before them, and constants',
    {
      calculate: {
        a: 'units * 2',
        b: 'a + 1',
        c: 'b > 10',
        one: '1',
        half: '7 / 2 - 3 % 2',
        x: "'it''s'",
        nothing: 'null',
      },
      groupBy: ['c', 'one', 'half', 'x', 'nothing'],
      aggregate: { s: { op: 'sum', field: 'b' }, n: { op: 'count', field: 'nothing' } },
    },
  ],
  [
    'calculate: time buckets and bins of calculated fields',
    {
      calculate: { day: `if(units > 2, ${D}, null)`, tenth: `${A} / 10` },
      groupBy: [
        { field: 'day', bucket: 'month' },
        { field: 'tenth', bin: { step: 5 } },
      ],
      aggregate: { n: { op: 'count' } },
      sort: ['day', 'tenth'],
    },
  ],
  [
    'aggregates with where',
    {
      groupBy: ['Region'],
      aggregate: {
        n: { op: 'count' },
        busy: { op: 'count', where: [{ field: 'units', op: 'gt', value: 5 }] },
        s: { op: 'sum', field: AMOUNT, where: [{ field: 'units', op: 'in', value: [1, 2, 3] }] },
        hi: { op: 'max', field: AMOUNT, where: [{ field: 'units', op: 'lt', value: 3 }] },
        lo: { op: 'min', field: DATE, where: [{ field: 'units', op: 'gte', value: 8 }] },
        mean: { op: 'avg', field: AMOUNT, where: [{ field: AMOUNT, op: 'between', value: [0, 100] }] },
        kinds: { op: 'countDistinct', field: 'units', where: [{ field: 'Region', op: 'ne', value: 'EU' }] },
        all: { op: 'sum', field: AMOUNT },
      },
    },
  ],
  [
    'aggregates with where on a calculated field, without groupBy',
    {
      calculate: { late: 'units > 5', cost: `${A} * 2` },
      aggregate: {
        n: { op: 'count', where: [{ field: 'late', op: 'eq', value: true }] },
        s: { op: 'sum', field: 'cost', where: [{ field: 'late', op: 'eq', value: false }] },
        p: { op: 'count', where: [{ field: 'Region', op: 'eq', value: { param: 'region' } }] },
      },
    },
  ],
  [
    'having on a count',
    {
      groupBy: ['Region'],
      aggregate: { n: { op: 'count' }, total: { op: 'sum', field: AMOUNT } },
      having: [{ field: 'n', op: 'gte', value: 100 }],
      sort: ['Region'],
    },
  ],
  [
    'having on a key with a param and on an aggregate',
    {
      groupBy: ['Region', 'units'],
      aggregate: { total: { op: 'sum', field: AMOUNT }, hi: { op: 'max', field: DATE } },
      having: [
        { field: 'Region', op: 'ne', value: { param: 'region' } },
        { field: 'total', op: 'gt', value: 0 },
        { field: 'hi', op: 'gte', value: '2024-06-01' },
      ],
      sort: [{ field: 'total', order: 'desc' }],
      limit: 12,
    },
  ],
  [
    'having that keeps nothing still warns of skipped values',
    {
      groupBy: [{ field: AT, bucket: 'month' }],
      aggregate: { total: { op: 'sum', field: AMOUNT } },
      having: [{ field: 'total', op: 'lt', value: -1e9 }],
    },
  ],
  [
    'having on a calculated key and a conditional aggregate',
    {
      calculate: { late: 'units > 5' },
      groupBy: ['late'],
      aggregate: { n: { op: 'count', where: [{ field: 'Region', op: 'notNull' }] } },
      having: [{ field: 'late', op: 'eq', value: true }],
    },
  ],
];

/** Queries with windows and fold, computed over the groups the statement returns. */
const windows: [string, Q][] = [
  [
    'window: running sum and change per region, in first-seen order',
    {
      groupBy: [{ field: DATE, bucket: 'month', as: 'month' }, 'Region'],
      aggregate: { total: { op: 'sum', field: AMOUNT }, n: { op: 'count' } },
      window: [
        { op: 'cumsum', field: 'total', by: 'Region', as: 'running' },
        { op: 'diff', field: 'total', by: ['Region'] },
        { op: 'pctChange', field: 'n', by: 'Region', as: 'growth' },
      ],
    },
  ],
  [
    'window: rank with ties, sorted and limited by it',
    {
      groupBy: ['units', 'flag'],
      aggregate: { n: { op: 'count' } },
      window: [
        { op: 'rank', order: [{ field: 'n', order: 'desc' }] },
        { op: 'rowNumber', by: 'flag', order: ['n'], as: 'row' },
      ],
      sort: ['rank'],
      limit: 7,
    },
  ],
  [
    'window: moving average of nulls, reading an earlier window, with having',
    {
      groupBy: [{ field: AT, bucket: 'day', as: 'day' }],
      aggregate: { mean: { op: 'avg', field: AMOUNT } },
      having: [{ field: 'day', op: 'notNull' }],
      window: [
        { op: 'movingAvg', field: 'mean', frame: 7, as: 'week' },
        { op: 'diff', field: 'week' },
      ],
      sort: [{ field: 'week_diff', order: 'desc' }, 'day'],
      limit: 20,
    },
  ],
  [
    'window over one row of aggregates without groupBy',
    { aggregate: { total: { op: 'sum', field: AMOUNT } }, window: [{ op: 'cumsum', field: 'total' }] },
  ],
  [
    'fold of aggregates and a window',
    {
      groupBy: ['Region'],
      aggregate: { total: { op: 'sum', field: AMOUNT }, hi: { op: 'max', field: AMOUNT } },
      window: [{ op: 'rank', order: [{ field: 'total', order: 'desc' }] }],
      sort: ['Region'],
      fold: { fields: ['total', 'hi', 'rank'], as: ['measure', 'amount'] },
    },
  ],
  [
    'fold of rows passed through, sorted and limited',
    { sort: [{ field: AMOUNT, order: 'desc' }], limit: 6, fold: [AMOUNT, 'units'] },
  ],
];

/** Queries whose pushed-down result must equal the streamed one, on every backend. */
export const battery: [string, Q][] = [
  ['every row, in scan order', {}],
  ['eq text', { filter: [{ field: 'Region', op: 'eq', value: 'EU' }] }],
  ['eq number', { filter: [{ field: AMOUNT, op: 'eq', value: 10 }] }],
  ['eq numeric string', { filter: [{ field: AMOUNT, op: 'eq', value: '10.00' }] }],
  ['eq null', { filter: [{ field: 'Region', op: 'eq', value: null }] }],
  ['ne text (nulls fail)', { filter: [{ field: 'Region', op: 'ne', value: 'EU' }] }],
  ['ne number', { filter: [{ field: AMOUNT, op: 'ne', value: 12.5 }] }],
  ['ne null', { filter: [{ field: 'Region', op: 'ne', value: null }] }],
  ['lt number', { filter: [{ field: AMOUNT, op: 'lt', value: 10 }] }],
  ['lte number', { filter: [{ field: AMOUNT, op: 'lte', value: 10 }] }],
  ['gt number', { filter: [{ field: AMOUNT, op: 'gt', value: 10 }] }],
  [
    'gte number and integer column',
    {
      filter: [
        { field: AMOUNT, op: 'gte', value: 10 },
        { field: 'units', op: 'gte', value: 5 },
      ],
    },
  ],
  ['gte date as text', { filter: [{ field: DATE, op: 'gte', value: '2024-06-01' }] }],
  ['lt text', { filter: [{ field: 'Region', op: 'lt', value: 'M' }] }],
  ['lt null matches nothing', { filter: [{ field: AMOUNT, op: 'lt', value: null }] }],
  ['in with null', { filter: [{ field: 'Region', op: 'in', value: ['EU', null, 'APAC'] }] }],
  ['in numbers', { filter: [{ field: 'units', op: 'in', value: [1, 2, '3'] }] }],
  ['in an empty list', { filter: [{ field: 'units', op: 'in', value: [] }] }],
  ['between numbers', { filter: [{ field: AMOUNT, op: 'between', value: [0, 50] }] }],
  ['between open low', { filter: [{ field: AMOUNT, op: 'between', value: [null, 0] }] }],
  ['between dates', { filter: [{ field: DATE, op: 'between', value: ['2024-03-01', '2024-03-31'] }] }],
  [
    'between instants',
    { filter: [{ field: AT, op: 'between', value: ['2024-03-01', '2024-03-31T12:00:00Z'] }] },
  ],
  ['contains', { filter: [{ field: 'Region', op: 'contains', value: 'U' }] }],
  ['contains in dates', { filter: [{ field: DATE, op: 'contains', value: '-03-' }] }],
  [
    'contains in numbers finds nothing (text cells only)',
    { filter: [{ field: 'units', op: 'contains', value: 1 }] },
  ],
  ['isNull', { filter: [{ field: AMOUNT, op: 'isNull' }] }],
  ['notNull', { filter: [{ field: DATE, op: 'notNull' }] }],
  ['param value', { filter: [{ field: 'Region', op: 'eq', value: { param: 'region' } }] }],
  [
    'every pushed aggregate by region',
    {
      groupBy: ['Region'],
      aggregate: {
        n: { op: 'count' },
        amounts: { op: 'count', field: AMOUNT },
        kinds: { op: 'countDistinct', field: 'units' },
        total: { op: 'sum', field: AMOUNT },
        mean: { op: 'avg', field: AMOUNT },
        low: { op: 'min', field: AMOUNT },
        high: { op: 'max', field: AMOUNT },
      },
    },
  ],
  [
    'min and max of dates',
    { groupBy: ['Region'], aggregate: { first: { op: 'min', field: DATE }, last: { op: 'max', field: AT } } },
  ],
  [
    'min and max of text',
    {
      groupBy: ['units'],
      aggregate: { a: { op: 'min', field: 'Region' }, z: { op: 'max', field: 'Region' } },
    },
  ],
  ...(['hour', 'day', 'week', 'month', 'quarter', 'year'] as const).map((bucket): [string, Q] => [
    `${bucket} buckets of instants`,
    { groupBy: [{ field: AT, bucket }], aggregate: count, sort: [AT] },
  ]),
  ['month buckets of dates, first seen', { groupBy: [{ field: DATE, bucket: 'month' }], aggregate: count }],
  [
    'week buckets of dates',
    {
      groupBy: [{ field: DATE, bucket: 'week', as: 'week' }],
      aggregate: count,
      sort: [{ field: 'week', order: 'desc' }],
    },
  ],
  [
    'buckets in UTC, said',
    { groupBy: [{ field: AT, bucket: 'day', timezone: 'UTC' }], aggregate: count, sort: [AT] },
  ],
  ['bins', { groupBy: [{ field: AMOUNT, bin: { step: 10 } }], aggregate: count, sort: [AMOUNT] }],
  ['bins with offset', { groupBy: [{ field: AMOUNT, bin: { step: 0.25, offset: 0.1 } }], aggregate: count }],
  [
    'bins of integers',
    { groupBy: [{ field: 'units', bin: { step: 2 } }], aggregate: { total: { op: 'sum', field: AMOUNT } } },
  ],
  [
    'two keys, sorted with ties, limited',
    { groupBy: ['flag', 'units'], aggregate: count, sort: [{ field: 'n', order: 'desc' }], limit: 5 },
  ],
  [
    'sort desc with nulls last',
    { groupBy: ['Region'], aggregate: count, sort: [{ field: 'Region', order: 'desc' }], limit: 4 },
  ],
  [
    'sort by an aggregate that may be null',
    { groupBy: ['Region'], aggregate: { mean: { op: 'avg', field: AMOUNT } }, sort: ['mean'] },
  ],
  [
    'aggregates without groupBy',
    {
      aggregate: {
        n: { op: 'count' },
        total: { op: 'sum', field: AMOUNT },
        mean: { op: 'avg', field: AMOUNT },
      },
    },
  ],
  [
    'aggregates of nothing',
    {
      filter: [{ field: 'units', op: 'gt', value: 1000 }],
      aggregate: {
        n: { op: 'count' },
        total: { op: 'sum', field: AMOUNT },
        mean: { op: 'avg', field: AMOUNT },
        low: { op: 'min', field: AMOUNT },
      },
    },
  ],
  [
    'grouped nothing',
    { filter: [{ field: 'units', op: 'gt', value: 1000 }], groupBy: ['Region'], aggregate: count },
  ],
  ['rows sorted with ties, limited', { sort: [{ field: AMOUNT, order: 'desc' }], limit: 10 }],
  ['rows limited, scan order', { filter: [{ field: 'flag', op: 'notNull' }], limit: 5 }],
  [
    'rows filtered and sorted by two keys',
    { filter: [{ field: 'units', op: 'lt', value: 3 }], sort: [DATE, { field: 'Region', order: 'desc' }] },
  ],
  [
    'first-seen groups of two keys',
    {
      groupBy: [{ field: DATE, bucket: 'month' }, 'Region'],
      aggregate: { total: { op: 'sum', field: AMOUNT } },
    },
  ],
  ...calculations,
  ...windows,
];

/** Rows of messy sales data, the same shape on every backend (each makes its own cells). */
export function salesData(n: number, seed = 7) {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pad = (v: number) => String(v).padStart(2, '0');
  return Array.from({ length: n }, (_, i) => {
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    const hour = Math.floor(rand() * 24);
    const r = rand();
    return {
      date: `2024-${pad(month)}-${pad(day)}`,
      at: `2024-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(Math.floor(rand() * 60))}:00${r < 0.1 ? '.5' : ''}Z`,
      region: pick(['EU', 'US', 'APAC', 'Ünïcode', '', null] as const),
      // Quarters add up exactly in any order, so sums compare exactly.
      amount: r < 0.08 ? null : r < 0.2 ? Math.round(rand() * 40) : Math.round(rand() * 1000 - 200) / 4,
      units: r > 0.95 ? null : Math.floor(rand() * 10),
      flag: rand() < 0.5,
      i,
    };
  });
}

/**
 * One test per battery query: the pushed-down frame equals the streamed one (rows, order, value
 * types and column storage), and so do the warnings.
 */
export function equivalenceSuite(
  setup: () => { dataset: SqlDataset; source: () => RowSource },
  extra: [string, Q][] = [],
  skip: (label: string) => boolean = () => false,
) {
  it.each([...battery, ...extra].filter(([label]) => !skip(label)))('%s', async (label, query) => {
    const { dataset, source } = setup();
    const result = await both(dataset, source(), { from: 'sales', ...query }, { region: 'APAC' });
    // Equal empty results would prove nothing.
    if (!/nothing|empty/.test(label)) expect(result.streamed.length).toBeGreaterThan(0);
    expect(result.pushWarnings.filter((w) => w.code === 'CP_WARN_PUSHDOWN_FALLBACK')).toEqual([]);
    expect(result.pushed).toBeDefined();
    expect(frameToRows(result.pushed!)).toEqual(frameToRows(result.streamed));
    expect(result.pushed!.fields).toEqual(result.streamed.fields);
    expect(storage(result.pushed!)).toEqual(storage(result.streamed));
    expect(result.pushWarnings).toEqual(result.streamWarnings);
  });
}
