import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteSource } from '../../../src/data/sources/sqlite.js';
import { runPushDown, runPushDowns } from '../../../src/data/sql/pushdown.js';
import type { SqlDataset } from '../../../src/data/sql/sessions.js';
import { ChartpressError, type Warning } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';
import { expressionFuzz } from './fuzz.js';
import { both, frameToRows, makeSqlite } from './helpers.js';
import { AMOUNT, AT, DATE, equivalenceSuite, salesData } from './suite.js';

const tmp = tempDir();
const path = join(tmp.dir, 'shop.db');

// Dates in every shape the engine meets (and some it refuses), numbers stored as text, mixed
// storage classes in one column, BLOBs.
const odd = (i: number, date: string): unknown =>
  [null, '2024-02-30', 'soon', '', 2024, '2024-03', ' 2024-03-05 ', `${date}T23:30:00+02:00`][i % 20] ?? date;
const rows = salesData(600).map((r) => [
  odd(r.i, r.date),
  r.i % 15 === 0
    ? null
    : r.i % 15 === 1
      ? r.at.replace('T', ' ').replace('Z', '')
      : r.i % 15 === 2
        ? r.at.replace('Z', '+05:30')
        : r.at,
  r.region,
  r.i % 25 === 3 ? 'n/a' : r.amount,
  r.units,
  r.flag ? 1 : 0,
  [10, '10', '007', 7, 'x', 2.5, null, 'ab', '1e3', 10.0][r.i % 10],
  r.i % 30 === 0 ? Buffer.from([r.i % 3]) : r.i % 3,
]);
makeSqlite(
  path,
  'sales',
  [
    `"${DATE}" TEXT`,
    `"${AT}" TEXT`,
    '"Region" TEXT',
    `"${AMOUNT}" REAL`,
    'units INTEGER',
    'flag INTEGER',
    'code',
    'bits',
  ],
  rows,
);

{
  const db = new Database(path);
  db.exec(`CREATE VIEW "big units" AS SELECT * FROM sales WHERE units > 4 ORDER BY "${AMOUNT}"`);
  db.exec('CREATE TABLE keyed (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID');
  db.exec("INSERT INTO keyed VALUES ('b', 1), ('a', 2), ('c', 1), ('d', NULL)");
  db.close();
}

const dataset: SqlDataset = { source: 'sqlite', path, table: 'sales' };
const source = () => sqliteSource({ path, table: 'sales', where: { path: 'datasets.sales' } });

describe('SQLite push-down gives what streaming gives', () => {
  equivalenceSuite(
    () => ({ dataset, source }),
    [
      ['mixed storage: eq number', { filter: [{ field: 'code', op: 'eq', value: 10 }] }],
      ['mixed storage: eq numeric string', { filter: [{ field: 'code', op: 'eq', value: '007' }] }],
      ['mixed storage: gt text', { filter: [{ field: 'code', op: 'gt', value: '2' }] }],
      ['mixed storage: lt number', { filter: [{ field: 'code', op: 'lt', value: 8 }] }],
      ['mixed storage: in', { filter: [{ field: 'code', op: 'in', value: [10, 'x', null] }] }],
      ['mixed storage: contains', { filter: [{ field: 'code', op: 'contains', value: '0' }] }],
      [
        'mixed storage: groups',
        { groupBy: ['code'], aggregate: { n: { op: 'count' }, d: { op: 'countDistinct', field: 'bits' } } },
      ],
      [
        'mixed storage: min, max, sum',
        {
          groupBy: ['flag'],
          aggregate: {
            a: { op: 'min', field: 'code' },
            z: { op: 'max', field: 'code' },
            s: { op: 'sum', field: 'code' },
          },
        },
      ],
      [
        'mixed storage: bins',
        { groupBy: [{ field: 'code', bin: { step: 5 } }], aggregate: { n: { op: 'count' } } },
      ],
      [
        'blobs read as null',
        { groupBy: ['bits'], aggregate: { n: { op: 'count', field: 'bits' } }, sort: ['bits'] },
      ],
      [
        'odd dates in buckets',
        { groupBy: [{ field: DATE, bucket: 'day' }], aggregate: { n: { op: 'count' } }, sort: [DATE] },
      ],
      [
        'hours of offsets',
        { groupBy: [{ field: AT, bucket: 'hour' }], aggregate: { n: { op: 'count' } }, limit: 20 },
      ],
    ],
  );

  expressionFuzz(() => ({ dataset, source }), { seed: 1000, count: 300, pushed: 250 });

  it('reads a query the same way, in its order', async () => {
    const query = `SELECT "Region", "${AMOUNT}" AS amount, units FROM sales WHERE units > 2 ORDER BY amount DESC;`;
    const ds: SqlDataset = { source: 'sqlite', path, query };
    const src = sqliteSource({ path, query, where: { path: 'datasets.sales' } });
    const r = await both(ds, src, {
      from: 'sales',
      groupBy: ['Region'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
    });
    expect(r.pushed).toBeDefined();
    expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
  });

  it.each([
    ['a view', 'big units'],
    ['a table without rowid', 'keyed'],
  ])('reads %s in its order', async (_, table) => {
    const ds: SqlDataset = { source: 'sqlite', path, table };
    const queries = [
      {
        from: 't',
        groupBy: [table === 'keyed' ? 'v' : 'Region'],
        aggregate: { n: { op: 'count' as const } },
      },
      { from: 't', limit: 3 },
    ];
    for (const query of queries) {
      const r = await both(ds, sqliteSource({ path, table, where: { path: 'datasets.t' } }), query);
      expect(r.pushed).toBeDefined();
      expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
    }
  });

  it('finds a table by name whatever its case', async () => {
    const r = await runPushDown(
      'sales',
      { source: 'sqlite', path, table: 'SALES' },
      { from: 'sales', aggregate: { n: { op: 'count' } } },
      {},
      { baseDir: '/' },
    );
    expect(frameToRows(r!)).toEqual([{ n: 600 }]);
  });
});

describe('SQLite push-down falls back', () => {
  const fallbacks: [string, Record<string, unknown>][] = [
    ['median', { aggregate: { m: { op: 'median', field: AMOUNT } } }],
    [
      'pivot',
      { groupBy: ['Region', 'flag'], aggregate: { n: { op: 'count' } }, pivot: { on: 'flag', value: 'n' } },
    ],
    ['other', { groupBy: ['Region'], aggregate: { n: { op: 'count' } }, limit: 2, other: true }],
    [
      'fill',
      { groupBy: [{ field: DATE, bucket: 'month' }], aggregate: { n: { op: 'count' } }, fill: 'zero' },
    ],
    [
      'onInvalid',
      { groupBy: ['Region'], aggregate: { n: { op: 'sum', field: 'units' } }, onInvalid: 'error' },
    ],
    [
      'time zone',
      {
        groupBy: [{ field: AT, bucket: 'day', timezone: 'Europe/Paris' }],
        aggregate: { n: { op: 'count' } },
      },
    ],
  ];
  it.each(fallbacks)('%s: undefined, and a warning with the reason', async (what, query) => {
    const warnings: Warning[] = [];
    const frame = await runPushDown(
      'sales',
      dataset,
      { from: 'sales', ...query },
      {},
      { baseDir: '/', path: 'charts.c.data', warn: (w) => warnings.push(w) },
    );
    expect(frame).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'CP_WARN_PUSHDOWN_FALLBACK', path: 'charts.c.data' });
    expect(warnings[0]!.message).toContain(
      what === 'onInvalid' ? 'onInvalid' : what === 'time zone' ? 'Europe/Paris' : what,
    );
  });

  it('falls back for a column with a declared type', async () => {
    const warnings: Warning[] = [];
    const ds: SqlDataset = { ...dataset, columns: { code: 'number' } };
    const frames = await runPushDowns(
      'sales',
      ds,
      new Map([
        ['typed', { from: 'sales', groupBy: ['code'], aggregate: { n: { op: 'count' } } }],
        ['plain', { from: 'sales', groupBy: ['Region'], aggregate: { n: { op: 'count' } } }],
      ]),
      {},
      { baseDir: '/', warn: (w) => warnings.push(w) },
    );
    expect([...frames.keys()]).toEqual(['plain']);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('column "code" has a declared type'),
    ]);
  });
});

describe('SQLite push-down errors', () => {
  it('names unknown columns with the query path and the columns there are', async () => {
    const query = {
      from: 'sales',
      filter: [{ field: 'regio', op: 'eq' as const, value: 'EU' }],
      groupBy: ['nope'],
      aggregate: { n: { op: 'count' as const } },
    };
    const err = await runPushDowns(
      'sales',
      dataset,
      new Map([['c', query]]),
      {},
      { baseDir: '/', paths: new Map([['c', 'charts.c.data']]) },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartpressError);
    const problems = (err as ChartpressError).problems;
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.filter[0].field'],
      ['CP_ERR_UNKNOWN_COLUMN', 'charts.c.data.groupBy[0]'],
    ]);
    expect(problems[0]!.message).toContain(
      `columns: ${DATE}, ${AT}, Region, ${AMOUNT}, units, flag, code, bits`,
    );
  });

  it('reports a missing file at the dataset path', async () => {
    const err = await runPushDown(
      'sales',
      { source: 'sqlite', path: 'nope.db', table: 't' },
      { from: 'sales' },
      {},
      { baseDir: tmp.dir },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CP_ERR_FILE_NOT_FOUND', problems: [{ path: 'datasets.sales.path' }] });
  });

  it('treats a hostile filter value as a value', async () => {
    const value = `'); DROP TABLE sales; --`;
    const frame = await runPushDown(
      'sales',
      dataset,
      { from: 'sales', filter: [{ field: 'Region', op: 'eq', value }], aggregate: { n: { op: 'count' } } },
      {},
      { baseDir: '/' },
    );
    expect(frameToRows(frame!)).toEqual([{ n: 0 }]);
    const again = await runPushDown(
      'sales',
      dataset,
      { from: 'sales', aggregate: { n: { op: 'count' } } },
      {},
      { baseDir: '/' },
    );
    expect(frameToRows(again!)).toEqual([{ n: 600 }]);
  });
});
