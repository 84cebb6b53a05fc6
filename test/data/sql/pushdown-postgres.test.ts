import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSource } from '../../../src/data/sources/postgres.js';
import { runPushDown } from '../../../src/data/sql/pushdown.js';
import type { SqlDataset } from '../../../src/data/sql/sessions.js';
import type { Warning } from '../../../src/errors.js';
import { expressionFuzz } from './fuzz.js';
import { both, frameToRows, PG_URL, pgExec, postgresReachable, uniqueName } from './helpers.js';
import { AMOUNT, AT, DATE, equivalenceSuite, salesData } from './suite.js';

const reachable = await postgresReachable();
const schema = uniqueName('cp_pushdown');
const table = `${schema}.sales`;
const dataset: SqlDataset = { source: 'postgres', url: PG_URL, table };
const source = () => postgresSource({ ...dataset, where: { path: 'datasets.sales' } });

describe.skipIf(!reachable)('PostgreSQL push-down gives what streaming gives', () => {
  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA ${schema}`);
    await pgExec(`CREATE TABLE ${table} (
      "${DATE}" date, "${AT}" timestamptz, "Region" text, "${AMOUNT}" numeric(12, 2), units int, flag bool,
      local timestamp, ratio float8, small float4, big int8, label varchar(20), tag char(4), doc json)`);
    const rows = salesData(600).map((r) => [
      r.i % 20 === 0 ? null : r.date,
      r.i % 15 === 0 ? null : r.at,
      r.region,
      r.amount,
      r.units,
      r.i % 17 === 0 ? null : r.flag,
      r.at.replace('Z', ''),
      r.i % 40 === 1 ? 'NaN' : r.i % 40 === 2 ? 'Infinity' : r.amount === null ? null : r.amount / 4,
      r.units === null ? null : r.units * 1.1,
      r.i % 9 === 0 ? null : 2 ** 53 + r.i * 1000,
      ['10', '007', 'x', null][r.i % 4],
      ['ab', 'cd', null][r.i % 3],
      JSON.stringify({ i: r.i % 3 }),
    ]);
    const width = rows[0]!.length;
    const values = rows.map(
      (_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(', ')})`,
    );
    await pgExec(`INSERT INTO ${table} VALUES ${values.join(', ')}`, rows.flat());
    await pgExec(
      `CREATE VIEW ${schema}."big units" AS SELECT * FROM ${table} WHERE units > 4 ORDER BY "${AMOUNT}"`,
    );
  });
  afterAll(async () => {
    await pgExec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  equivalenceSuite(
    () => ({ dataset, source }),
    [
      [
        'float4 like its text',
        {
          groupBy: ['small'],
          aggregate: { n: { op: 'count' }, s: { op: 'sum', field: 'small' } },
          sort: ['small'],
        },
      ],
      ['float4 filter', { filter: [{ field: 'small', op: 'eq', value: 2.2 }] }],
      [
        'NaN and Infinity',
        {
          groupBy: ['flag'],
          aggregate: {
            s: { op: 'sum', field: 'ratio' },
            a: { op: 'avg', field: 'ratio' },
            hi: { op: 'max', field: 'ratio' },
            lo: { op: 'min', field: 'ratio' },
            n: { op: 'count', field: 'ratio' },
          },
        },
      ],
      ['NaN is null', { filter: [{ field: 'ratio', op: 'isNull' }] }],
      [
        'int8 past 2^53',
        {
          groupBy: ['units'],
          aggregate: { hi: { op: 'max', field: 'big' }, s: { op: 'sum', field: 'big' } },
          sort: ['units'],
        },
      ],
      [
        'booleans',
        {
          filter: [{ field: 'flag', op: 'eq', value: true }],
          groupBy: ['units'],
          aggregate: { n: { op: 'count' } },
        },
      ],
      ['booleans as text', { filter: [{ field: 'flag', op: 'in', value: ['true', null] }] }],
      [
        'booleans in numeric aggregates',
        {
          groupBy: ['Region'],
          aggregate: { s: { op: 'sum', field: 'flag' }, m: { op: 'max', field: 'flag' } },
        },
      ],
      [
        'text in numeric aggregates',
        { aggregate: { s: { op: 'sum', field: 'Region' }, m: { op: 'min', field: 'label' } } },
      ],
      [
        'timestamps without zone',
        {
          groupBy: [{ field: 'local', bucket: 'hour' }],
          aggregate: { n: { op: 'count' } },
          sort: ['local'],
          limit: 30,
        },
      ],
      [
        'timestamps as text',
        {
          filter: [{ field: 'local', op: 'gte', value: '2024-06-01T12' }],
          groupBy: [{ field: 'local', bucket: 'quarter' }],
          aggregate: { first: { op: 'min', field: 'local' } },
        },
      ],
      [
        'hours of dates',
        { groupBy: [{ field: DATE, bucket: 'hour' }], aggregate: { n: { op: 'count' } }, sort: [DATE] },
      ],
      [
        'buckets of numbers are null',
        { groupBy: [{ field: 'units', bucket: 'day' }], aggregate: { n: { op: 'count' } } },
      ],
      [
        'bins of text are null',
        { groupBy: [{ field: 'label', bin: { step: 5 } }], aggregate: { n: { op: 'count' } } },
      ],
      ['varchar groups', { groupBy: ['label'], aggregate: { n: { op: 'countDistinct', field: 'Region' } } }],
      [
        'instants grouped as they read',
        {
          filter: [{ field: 'units', op: 'eq', value: 1 }],
          groupBy: [AT],
          aggregate: { n: { op: 'count' } },
          sort: [{ field: AT, order: 'desc' }],
        },
      ],
      [
        'other types pass through as text',
        { filter: [{ field: 'units', op: 'eq', value: 2 }], sort: [AT], limit: 5 },
      ],
      [
        'calculate: upper and lower of ASCII text, numbers as text',
        {
          calculate: {
            u: 'upper(label)',
            l: "lower(concat(tag, 'X', small, ' ', ratio / 7))",
            h: 'hour(local)',
            d: `day(local) + weekday(\`${DATE}\`)`,
          },
          groupBy: ['u', 'l', 'h', 'd'],
          aggregate: { n: { op: 'count' } },
          limit: 50,
        },
      ],
      [
        'blank-padded text keeps its padding',
        {
          filter: [{ field: 'tag', op: 'eq', value: 'ab  ' }],
          groupBy: ['tag', 'doc'],
          aggregate: { n: { op: 'count' }, m: { op: 'max', field: 'doc' } },
        },
      ],
    ],
  );

  expressionFuzz(() => ({ dataset, source }), {
    seed: 2000,
    count: 300,
    skip: ['log', 'upper', 'lower'],
    pushed: 230,
  });

  it('reads a query the same way, in its order', async () => {
    const query = `SELECT "Region", "${AMOUNT}" AS amount, units FROM ${table} WHERE units > 2 ORDER BY amount DESC NULLS FIRST;`;
    const ds: SqlDataset = { source: 'postgres', url: PG_URL, query };
    const src = postgresSource({ ...ds, where: { path: 'datasets.sales' } });
    const r = await both(ds, src, {
      from: 'sales',
      groupBy: ['Region'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
    });
    expect(r.pushed).toBeDefined();
    expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
  });

  it('reads a view in its order', async () => {
    const ds: SqlDataset = { source: 'postgres', url: PG_URL, table: `${schema}.big units` };
    const src = () => postgresSource({ ...ds, where: { path: 'datasets.sales' } });
    for (const query of [
      { from: 'v', groupBy: ['Region'], aggregate: { n: { op: 'count' as const } } },
      { from: 'v', filter: [{ field: 'flag', op: 'eq' as const, value: true }], limit: 3 },
    ]) {
      const r = await both(ds, src(), query);
      expect(r.pushed).toBeDefined();
      expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
    }
  });

  const fallbacks: [string, Record<string, unknown>, string][] = [
    [
      'a number compared with text',
      { filter: [{ field: 'label', op: 'eq', value: 10 }] },
      'numeric comparison',
    ],
    [
      'text compared with a number column',
      { filter: [{ field: 'units', op: 'eq', value: 'x' }] },
      'text comparison',
    ],
    [
      'time buckets of text',
      { groupBy: [{ field: 'label', bucket: 'day' }], aggregate: { n: { op: 'count' } } },
      'time bucket',
    ],
    ['p90', { aggregate: { p: { op: 'p90', field: 'units' } } }, 'p90'],
    [
      'upper() of text beyond ASCII',
      { calculate: { u: 'upper(Region)' }, groupBy: ['u'], aggregate: { n: { op: 'count' } } },
      'upper() of text beyond ASCII is computed by streaming',
    ],
    ['log()', { calculate: { l: 'log(units)' }, aggregate: { s: { op: 'sum', field: 'l' } } }, 'log()'],
    [
      '% of numbers that are not whole',
      { calculate: { m: `\`${AMOUNT}\` % 7` }, groupBy: ['m'], aggregate: { n: { op: 'count' } } },
      '% of numbers that are not whole',
    ],
    [
      'date parts of instants in another zone',
      {
        calculate: { h: `hour(\`${AT}\`)` },
        timezone: 'Europe/Paris',
        groupBy: ['h'],
        aggregate: { n: { op: 'count' } },
      },
      'Europe/Paris',
    ],
    [
      'date parts of text',
      { calculate: { y: 'year(label)' }, groupBy: ['y'], aggregate: { n: { op: 'count' } } },
      'year() of text',
    ],
    [
      'if() of numbers and text',
      { calculate: { x: "if(units > 3, units, 'few')" }, groupBy: ['x'], aggregate: { n: { op: 'count' } } },
      'if() of values of different types',
    ],
  ];
  it.each(fallbacks)('falls back for %s, and streaming still answers', async (_, query, reason) => {
    const r = await both(dataset, source(), { from: 'sales', ...query });
    expect(r.pushed).toBeUndefined();
    const fallback = r.pushWarnings.filter((w: Warning) => w.code === 'CP_WARN_PUSHDOWN_FALLBACK');
    expect(fallback).toEqual([
      expect.objectContaining({ path: 'q', message: expect.stringContaining(reason) }),
    ]);
  });

  it('treats a hostile filter value as a value', async () => {
    const value = `'); DROP TABLE ${table}; --`;
    const q = (filter: object[]) => ({ from: 'sales', filter, aggregate: { n: { op: 'count' as const } } });
    const hostile = await runPushDown(
      'sales',
      dataset,
      q([{ field: 'Region', op: 'eq', value }]) as never,
      {},
      { baseDir: '/' },
    );
    expect(frameToRows(hostile!)).toEqual([{ n: 0 }]);
    const all = await runPushDown('sales', dataset, q([]) as never, {}, { baseDir: '/' });
    expect(frameToRows(all!)).toEqual([{ n: 600 }]);
  });
});
