import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../../../src/data/sources/index.js';
import { postgresSource } from '../../../src/data/sources/postgres.js';
import { redactUrl } from '../../../src/data/sql/postgres-client.js';
import { ChartpressError } from '../../../src/errors.js';
import { collect, PG_URL, pgExec, postgresReachable, uniqueName } from './helpers.js';

const reachable = await postgresReachable();
const where = { path: 'datasets.db', file: 'report.yaml' };

async function failure(source: AsyncIterable<unknown>): Promise<ChartpressError> {
  const e = await collect(source as AsyncIterable<never>).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ChartpressError);
  return e as ChartpressError;
}

describe('postgres URL', () => {
  it('hides passwords', () => {
    expect(redactUrl('postgres://ann:s3cr%40t@db:5432/x?sslmode=require')).toBe(
      'postgres://ann:***@db:5432/x?sslmode=require',
    );
    expect(redactUrl('postgres://db/x?password=s3cret&user=ann')).toBe(
      'postgres://db/x?password=***&user=ann',
    );
  });

  it('an unset environment variable: CP_ERR_INVALID_VALUE naming it', async () => {
    delete process.env.CP_TEST_UNSET_URL;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the report's own placeholder syntax
    const url = '${CP_TEST_UNSET_URL}';
    const e = await failure(postgresSource({ url, query: 'SELECT 1', where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'datasets.db.url' });
    expect(e.problems[0]!.message).toContain('CP_TEST_UNSET_URL');
  });

  it('an unreachable server: CP_ERR_DATA_READ at once, with host and port, without the password', async () => {
    const started = Date.now();
    const e = await failure(
      postgresSource({ url: 'postgres://ann:s3cret@127.0.0.1:1/test', table: 't', where }),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.db.url' });
    expect(e.problems[0]!.message).toBe('cannot connect to postgres at 127.0.0.1:1: ECONNREFUSED');
    expect(e.message).not.toContain('s3cret');
  });

  describe('a server that never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      server = createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('fails connecting after timeoutMs', async () => {
      const { port } = server.address() as { port: number };
      const started = Date.now();
      const e = await failure(
        postgresSource({
          url: `postgres://ann@127.0.0.1:${port}/test`,
          query: 'SELECT 1',
          timeoutMs: 300,
          where,
        }),
      );
      expect(Date.now() - started).toBeLessThan(2500);
      expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.db.url' });
      expect(e.problems[0]!.message).toContain(`127.0.0.1:${port}`);
    });
  });
});

describe.skipIf(!reachable)('postgresSource', () => {
  const schema = uniqueName('cp_source');
  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA ${schema}`);
    await pgExec(
      `CREATE TABLE ${schema}."Orders 2024" ("Order Date" date, "Cost Total $" numeric, qty int8, paid bool, at timestamptz, note text)`,
    );
    await pgExec(
      `INSERT INTO ${schema}."Orders 2024" VALUES ('2024-03-05', 12.50, 3, true, '2024-03-05 15:00:00+01', 'ok'), (NULL, NULL, NULL, NULL, NULL, NULL)`,
    );
  });
  afterAll(async () => {
    await pgExec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('reads a schema-qualified table with messy names', async () => {
    const rows = await collect(postgresSource({ url: PG_URL, table: `${schema}.Orders 2024`, where }));
    expect(rows).toEqual([
      {
        'Order Date': '2024-03-05',
        'Cost Total $': 12.5,
        qty: 3,
        paid: true,
        at: '2024-03-05T14:00:00Z',
        note: 'ok',
      },
      { 'Order Date': null, 'Cost Total $': null, qty: null, paid: null, at: null, note: null },
    ]);
  });

  it('reads values of every kind in the engine’s forms', async () => {
    const query = `SELECT 9007199254740993::int8 AS big, 1.5::numeric AS num, 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf,
      1.1::float4 AS f4, 2::int2 AS small, timestamp '2024-03-05 14:00:00.25' AS local, '{"a": 1}'::json AS doc,
      'ab'::char(4) AS tag, interval '1 day' AS span`;
    expect(await collect(postgresSource({ url: PG_URL, query, where }))).toEqual([
      {
        big: 9007199254740992,
        num: 1.5,
        nan: null,
        inf: Infinity,
        f4: 1.1,
        small: 2,
        local: '2024-03-05T14:00:00.25Z',
        doc: '{"a": 1}',
        tag: 'ab  ',
        span: '1 day',
      },
    ]);
  });

  it('reads in batches, every row once', async () => {
    const query = 'SELECT i FROM generate_series(1, 12345) AS i';
    const rows = await collect(postgresSource({ url: PG_URL, query, where }));
    expect(rows).toHaveLength(12345);
    expect(rows.at(-1)).toEqual({ i: 12345 });
  });

  it('takes the URL from the environment', async () => {
    process.env.CP_TEST_PG_URL = PG_URL;
    const source = openSource(
      'db',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the report's own placeholder syntax
      { source: 'postgres', url: '${CP_TEST_PG_URL}', query: 'SELECT 1 AS one' },
      { baseDir: '.' },
    );
    expect(await collect(source)).toEqual([{ one: 1 }]);
  });

  it('applies declared column types', async () => {
    const rows = await collect(
      postgresSource({
        url: PG_URL,
        query: "SELECT '42' AS n, 1 AS b",
        columns: { n: 'number', b: 'boolean' },
        where,
      }),
    );
    expect(rows).toEqual([{ n: 42, b: true }]);
  });

  it('a stalled read fails within timeoutMs', async () => {
    const started = Date.now();
    const e = await failure(
      postgresSource({ url: PG_URL, query: 'SELECT pg_sleep(5)', timeoutMs: 300, where }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.db.query' });
    expect(e.problems[0]!.message).toBe('query timed out after 300 ms (timeoutMs)');
  });

  it('bad SQL carries the server message', async () => {
    const e = await failure(postgresSource({ url: PG_URL, query: 'SELECT nope FROM pg_class', where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.db.query' });
    expect(e.problems[0]!.message).toBe('PostgreSQL: column "nope" does not exist');
  });

  it('a missing table lists the tables', async () => {
    const e = await failure(postgresSource({ url: PG_URL, table: `${schema}.orders`, where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.db.table' });
    expect(e.problems[0]!.message).toMatch(
      new RegExp(`^no table "${schema}.orders"; tables: .*${schema}\\.Orders 2024`),
    );
  });

  it('closes the connection when the reader stops early', async () => {
    const app = uniqueName('cp_break');
    const url = `${PG_URL}?application_name=${app}`;
    const count = async () =>
      Number(
        (await pgExec('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [app]))
          .rows[0].n,
      );
    for await (const _ of postgresSource({
      url,
      query: 'SELECT i FROM generate_series(1, 100000) AS i',
      where,
    })) {
      expect(await count()).toBe(1);
      break;
    }
    let open = await count();
    for (let i = 0; i < 20 && open > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      open = await count();
    }
    expect(open).toBe(0);
  });
});
