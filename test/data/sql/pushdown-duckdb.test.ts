import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { duckdbSource } from '../../../src/data/sources/duckdb.js';
import { runPushDown } from '../../../src/data/sql/pushdown.js';
import type { SqlDataset } from '../../../src/data/sql/sessions.js';
import type { Warning } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';
import { duckdbExec, salesSelect, writeParquet } from './duckdb-fixtures.js';
import { expressionFuzz } from './fuzz.js';
import { both, frameToRows } from './helpers.js';
import { AMOUNT, AT, DATE, equivalenceSuite } from './suite.js';

const tmp = tempDir();
const parquet = join(tmp.dir, 'sales.parquet');
const db = join(tmp.dir, 'shop.duckdb');

beforeAll(async () => {
  await writeParquet(parquet, salesSelect(600));
  await duckdbExec(
    db,
    `CREATE TABLE sales AS ${salesSelect(600)}`,
    'CREATE VIEW big AS SELECT * FROM sales WHERE units > 4',
  );
});

const source = (dataset: SqlDataset & { source: 'parquet' | 'duckdb' }) => () =>
  duckdbSource({ dataset, baseDir: tmp.dir, where: { path: 'datasets.sales' } });

/** What DuckDB gives beyond the other databases: exact quantiles, first and last. */
const extra: [string, Record<string, unknown>][] = [
  [
    'first and last, in scan order',
    {
      groupBy: ['Region'],
      aggregate: {
        a: { op: 'first', field: AMOUNT },
        z: { op: 'last', field: AMOUNT },
        d: { op: 'first', field: DATE },
        t: { op: 'last', field: AT },
        f: { op: 'first', field: 'flag' },
        c: { op: 'last', field: 'code' },
        w: { op: 'first', field: 'units', where: [{ field: 'units', op: 'gt', value: 6 }] },
      },
    },
  ],
  [
    'first and last without groupBy, and of a calculated field',
    {
      calculate: { big: `\`${AMOUNT}\` > 100` },
      aggregate: { a: { op: 'first', field: 'Region' }, z: { op: 'last', field: 'big' } },
    },
  ],
  [
    'median and p90',
    {
      groupBy: ['Region'],
      aggregate: {
        m: { op: 'median', field: AMOUNT },
        p: { op: 'p90', field: 'units' },
        w: { op: 'median', field: AMOUNT, where: [{ field: 'units', op: 'gt', value: 4 }] },
      },
    },
  ],
  [
    'median of nothing',
    { filter: [{ field: 'units', op: 'gt', value: 99 }], aggregate: { m: { op: 'median', field: AMOUNT } } },
  ],
  [
    'text of another column',
    { groupBy: ['code'], aggregate: { n: { op: 'count' }, d: { op: 'countDistinct', field: DATE } } },
  ],
  [
    'booleans',
    {
      groupBy: ['flag'],
      aggregate: { n: { op: 'count' }, hi: { op: 'max', field: 'flag' } },
      sort: ['flag'],
    },
  ],
  [
    'hours of offsets',
    { groupBy: [{ field: AT, bucket: 'hour' }], aggregate: { n: { op: 'count' } }, limit: 20 },
  ],
];

describe('DuckDB push-down over Parquet gives what streaming gives', () => {
  const dataset = { source: 'parquet', path: parquet } as const;
  equivalenceSuite(() => ({ dataset, source: source(dataset) }), extra as never);
  expressionFuzz(() => ({ dataset, source: source(dataset) }), { seed: 3000, count: 150, pushed: 100 });
});

describe('DuckDB push-down over a database table gives what streaming gives', () => {
  const dataset = { source: 'duckdb', path: db, table: 'sales' } as const;
  equivalenceSuite(() => ({ dataset, source: source(dataset) }), extra as never);
});

describe('DuckDB push-down over a view and a query', () => {
  it.each([
    ['a view', { source: 'duckdb', path: db, table: 'big' }],
    [
      'a query',
      {
        source: 'duckdb',
        path: db,
        query: `SELECT "Region", "${AMOUNT}" AS amount, units FROM sales WHERE units > 2`,
      },
    ],
    ['a query over a file', { source: 'duckdb', query: "SELECT * FROM 'sales.parquet'" }],
  ] as const)('reads %s in its order', async (_, dataset) => {
    for (const query of [
      {
        from: 's',
        groupBy: ['Region'],
        aggregate: { n: { op: 'count' as const }, u: { op: 'sum' as const, field: 'units' } },
      },
      { from: 's', limit: 7 },
    ]) {
      const r = await both(dataset, source(dataset)(), query, {}, tmp.dir);
      expect(r.pushed).toBeDefined();
      expect(r.pushWarnings).toEqual(r.streamWarnings);
      expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
    }
  });
});

describe('DuckDB time buckets over the whole range of dates', () => {
  const wide = join(tmp.dir, 'wide.parquet');
  beforeAll(() =>
    writeParquet(
      wide,
      `SELECT d, t FROM (
        SELECT DATE '0099-12-01' + CAST(range * 181 AS INTEGER) AS d,
               TIMESTAMP '0099-12-01 00:00:00' + to_minutes(range * 262261) AS t FROM range(0, 20000)
        UNION ALL SELECT DATE '0050-06-01', TIMESTAMP '12000-01-01 10:00:00'
        UNION ALL SELECT DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.999'
        UNION ALL SELECT DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00')`,
    ),
  );
  it.each(['hour', 'day', 'week', 'month', 'quarter', 'year'] as const)('%s buckets', async (bucket) => {
    const dataset = { source: 'parquet', path: wide } as const;
    for (const field of ['d', 't']) {
      const query = { from: 's', groupBy: [{ field, bucket }], aggregate: { n: { op: 'count' as const } } };
      const r = await both(dataset, source(dataset)(), query);
      expect(r.pushed).toBeDefined();
      expect(r.streamed.length).toBeGreaterThan(50);
      expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
      expect(r.pushWarnings).toEqual(r.streamWarnings);
    }
  });
});

describe('DuckDB time buckets in time zones', () => {
  const instants = join(tmp.dir, 'instants.parquet');
  beforeAll(() =>
    // Every 97 minutes for 2.5 years, across changes to and from summer time, and dates.
    writeParquet(
      instants,
      `SELECT TIMESTAMPTZ '2019-06-01 00:00:00+00' + to_minutes(range * 97) AS at,
              DATE '2019-06-01' + CAST(range // 13 AS INTEGER) AS day FROM range(0, 14000)`,
    ),
  );
  const zones = [
    'Europe/Paris',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'America/St_Johns',
    'Pacific/Chatham',
    'Atlantic/Azores',
  ];
  it.each(zones)('%s', async (timezone) => {
    const dataset = { source: 'parquet', path: instants } as const;
    for (const bucket of ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const) {
      for (const field of bucket === 'hour' ? ['at'] : ['at', 'day']) {
        const query = {
          from: 's',
          groupBy: [{ field, bucket, timezone }],
          aggregate: { n: { op: 'count' as const } },
          ...(bucket === 'hour' ? { sort: [field] } : {}),
        };
        const r = await both(dataset, source(dataset)(), query);
        expect(r.pushWarnings).toEqual(r.streamWarnings);
        expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
      }
    }
  });

  it.each(zones)('date parts in %s', async (timezone) => {
    const dataset = { source: 'parquet', path: instants } as const;
    const query = {
      from: 's',
      timezone,
      calculate: {
        h: 'hour(at)',
        d: 'day(at)',
        w: 'weekday(at)',
        m: 'month(at)',
        y: 'year(day)',
        dh: 'hour(day)',
      },
      groupBy: ['h', 'd', 'w', 'm', 'y', 'dh'],
      aggregate: { n: { op: 'count' as const } },
    };
    const r = await both(dataset, source(dataset)(), query);
    expect(r.pushWarnings).toEqual(r.streamWarnings);
    expect(frameToRows(r.pushed!)).toEqual(frameToRows(r.streamed));
  });

  it('streams instants before 1972, whose zones may not have had whole minutes', async () => {
    const old = join(tmp.dir, 'old.parquet');
    await writeParquet(old, "SELECT TIMESTAMP '1950-06-01 12:00:00' AS at");
    const warnings: Warning[] = [];
    const frame = await runPushDown(
      's',
      { source: 'parquet', path: old },
      {
        from: 's',
        groupBy: [{ field: 'at', bucket: 'day', timezone: 'Africa/Monrovia' }],
        aggregate: { n: { op: 'count' } },
      },
      {},
      { baseDir: '/', warn: (w) => warnings.push(w) },
    );
    expect(frame).toBeUndefined();
    expect(warnings[0]?.message).toContain('before 1972');
  });
});

describe('DuckDB push-down falls back', () => {
  const dataset = { source: 'parquet', path: parquet } as const;
  it.each([
    ['log()', { calculate: { x: 'log(units)' }, groupBy: ['x'], aggregate: { n: { op: 'count' } } }],
    [
      'pivot',
      { groupBy: ['Region', 'flag'], aggregate: { n: { op: 'count' } }, pivot: { on: 'flag', value: 'n' } },
    ],
    [
      'hour buckets of dates in time zone',
      {
        groupBy: [{ field: DATE, bucket: 'hour', timezone: 'Europe/Paris' }],
        aggregate: { n: { op: 'count' } },
      },
    ],
  ])('%s: undefined, and a warning with the reason', async (what, query) => {
    const warnings: Warning[] = [];
    const frame = await runPushDown(
      'sales',
      dataset,
      { from: 'sales', ...query } as never,
      {},
      {
        baseDir: '/',
        path: 'charts.c.data',
        warn: (w) => warnings.push(w),
      },
    );
    expect(frame).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'CP_WARN_PUSHDOWN_FALLBACK', path: 'charts.c.data' });
    expect(warnings[0]!.message).toContain('not pushed down to DuckDB');
    expect(warnings[0]!.message).toContain(what);
  });
});
