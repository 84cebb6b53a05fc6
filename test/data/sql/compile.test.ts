import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/data/sql/compile.js';
import type { SqlColumn } from '../../../src/data/sql/dialect.js';
import type { Query } from '../../../src/spec/schema.js';

const q = (query: Omit<Query, 'from'>): Query => ({ from: 'd', ...query });
const pgColumns: SqlColumn[] = [
  { name: 'region', kind: 'text' },
  { name: 'amount', kind: 'number' },
  { name: 'day', kind: 'date' },
  { name: 'say "hi"', kind: 'text' },
];

describe('compileQuery', () => {
  it('binds every value and quotes every identifier', () => {
    const hostile = `x'); DROP TABLE t; --`;
    const out = compileQuery(
      q({
        filter: [{ field: 'say "hi"', op: 'in', value: [hostile, { param: 'p' }] }],
        groupBy: ['region'],
        aggregate: { n: { op: 'count' } },
        limit: 3,
      }),
      { p: 'EU' },
      'postgres',
      { table: 'sales.q"1' },
      pgColumns,
    );
    if ('reason' in out) throw new Error(out.reason);
    expect(out.sql).not.toContain('DROP');
    expect(out.sql).not.toContain("'EU'");
    expect(out.sql).toContain('t."say ""hi"""');
    expect(out.sql).toContain('FROM "sales"."q""1"');
    expect(out.values).toEqual([hostile, 'EU', 3]);
    expect(out.sql).toMatch(/\$1::text.*\$2::text.*LIMIT \$3::int8/);
  });

  it('writes one statement: filters, groups, sort, limit', () => {
    const out = compileQuery(
      q({
        filter: [{ field: 'amount', op: 'gt', value: 10 }],
        groupBy: [{ field: 'day', bucket: 'month' }],
        aggregate: { total: { op: 'sum', field: 'amount' } },
        sort: [{ field: 'day', order: 'desc' }],
        limit: 5,
      }),
      {},
      'sqlite',
      { query: 'SELECT * FROM sales;' },
    );
    if ('reason' in out) throw new Error(out.reason);
    expect(out.sql.match(/SELECT/g)).toHaveLength(3);
    expect(out.sql).toContain('FROM (SELECT * FROM sales) AS t');
    expect(out.sql).toContain('GROUP BY 1');
    expect(out.sql).toContain('ORDER BY g."day" DESC NULLS LAST LIMIT @p2');
    expect(out.values).toEqual([10, 5]);
    expect(out.fields).toEqual(['day', 'total']);
  });

  it('numbers rows only when first-seen order matters', () => {
    const grouped = (sort?: string[], rowid?: string) =>
      compileQuery(
        q({ groupBy: ['region', 'day'], aggregate: { n: { op: 'count' } }, ...(sort ? { sort } : {}) }),
        {},
        'sqlite',
        { table: 't', rowid },
      );
    expect(grouped()).toMatchObject({ serial: true, sql: expect.stringContaining('row_number() OVER ()') });
    expect(grouped(['n'])).toMatchObject({ serial: true });
    expect(grouped(['day', 'region'])).toMatchObject({
      serial: false,
      sql: expect.not.stringContaining('row_number'),
    });
    // A rowid numbers rows without a window function, and without needing a serial scan.
    expect(grouped(undefined, 'rowid')).toMatchObject({
      serial: false,
      sql: expect.stringMatching(/min\(t\.rowid\).* FROM "t" AS t /),
    });
  });

  const reasons: [string, Omit<Query, 'from'>, string][] = [
    [
      'pivot',
      { groupBy: ['region', 'day'], aggregate: { n: { op: 'count' } }, pivot: { on: 'day', value: 'n' } },
      'pivot',
    ],
    ['other', { groupBy: ['region'], aggregate: { n: { op: 'count' } }, limit: 2, other: 'Rest' }, 'other'],
    [
      'fill',
      { groupBy: [{ field: 'day', bucket: 'day' }], aggregate: { n: { op: 'count' } }, fill: 'null' },
      'fill',
    ],
    [
      'onInvalid: error',
      { aggregate: { s: { op: 'sum', field: 'amount' } }, onInvalid: 'error' },
      'onInvalid',
    ],
    ['median', { aggregate: { m: { op: 'median', field: 'amount' } } }, 'median'],
    ['first', { groupBy: ['region'], aggregate: { m: { op: 'first', field: 'amount' } } }, 'first'],
    [
      'a time zone',
      {
        groupBy: [{ field: 'day', bucket: 'day', timezone: 'America/New_York' }],
        aggregate: { n: { op: 'count' } },
      },
      'America/New_York',
    ],
    [
      'text against a number',
      { filter: [{ field: 'region', op: 'lt', value: 5 }] },
      'numeric comparison on column "region"',
    ],
    [
      'a bucket of text',
      { groupBy: [{ field: 'region', bucket: 'day' }], aggregate: { n: { op: 'count' } } },
      'time bucket',
    ],
    ['an unknown column', { groupBy: ['nope'], aggregate: { n: { op: 'count' } } }, 'no column "nope"'],
    ['a missing param', { filter: [{ field: 'region', op: 'eq', value: { param: 'who' } }] }, 'param "who"'],
  ];
  it.each(reasons)('gives a reason instead for %s', (_, query, reason) => {
    const out = compileQuery(q(query), {}, 'postgres', { table: 't' }, pgColumns);
    expect(out).toEqual({ reason: expect.stringContaining(reason) });
  });

  it('pushes UTC buckets and every filter op on SQLite', () => {
    const ops = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'contains'] as const;
    const filter = [
      ...ops.map((op) => ({ field: 'a', op, value: 1 })),
      { field: 'a', op: 'in' as const, value: [1, 'x', null] },
      { field: 'a', op: 'between' as const, value: [1, null] },
      { field: 'a', op: 'isNull' as const },
      { field: 'b', op: 'notNull' as const },
    ];
    const out = compileQuery(
      q({
        filter,
        groupBy: [{ field: 'd', bucket: 'week', timezone: 'utc' }],
        aggregate: { n: { op: 'count' } },
      }),
      {},
      'sqlite',
      { table: 't' },
    );
    expect(out).toHaveProperty('sql');
  });
});
