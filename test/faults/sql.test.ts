import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSource } from '../../src/data/sources/postgres.js';
import { runPushDowns } from '../../src/data/sql/pushdown.js';
import { createEngine } from '../../src/engine.js';
import { ChartpressError, type Warning } from '../../src/errors.js';
import type { Query, ReportInput } from '../../src/spec/schema.js';
import { collect, makeSqlite, PG_URL, pgExec, postgresReachable, uniqueName } from '../data/sql/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const reachable = await postgresReachable();
const tmp = tempDir();
const engine = createEngine({ cache: false });
afterAll(() => engine.close());

/** A report whose one chart counts the dataset's rows by `x` (so its query is pushed down). */
function report(dataset: Record<string, unknown>): ReportInput {
  return {
    title: 'T',
    datasets: { d: dataset },
    charts: {
      c: {
        type: 'bar',
        data: { from: 'd', groupBy: ['x'], aggregate: { n: { op: 'count' } } },
        encode: { x: 'x', y: 'n' },
      },
    },
    body: [{ chart: 'c' }],
  } as unknown as ReportInput;
}

/** The problems `engine.data()` fails with (it must fail). */
async function problemsOf(dataset: Record<string, unknown>) {
  const e = await engine.data(report(dataset), { baseDir: tmp.dir }).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ChartpressError);
  return (e as ChartpressError).problems;
}

describe.skipIf(!reachable)('PostgreSQL datasets only read', () => {
  const schema = uniqueName('cp_ro');
  const t = `${schema}.t`;
  const count = async () => Number((await pgExec(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);

  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA ${schema}`);
    await pgExec(`CREATE TABLE ${t} (x int)`);
    await pgExec(`INSERT INTO ${t} VALUES (1), (2), (3)`);
    // A function that writes, called from a SELECT: only the read-only transaction stops it.
    await pgExec(
      `CREATE FUNCTION ${schema}.wipe() RETURNS int LANGUAGE sql AS 'DELETE FROM ${t} RETURNING 1'`,
    );
  });
  afterAll(() => pgExec(`DROP SCHEMA ${schema} CASCADE`));

  const attacks = {
    'a second statement': `select x from ${t}; drop table ${t}`,
    'a second statement breaking out of the wrapping subquery': `select x from ${t}) s; drop table ${t}; select * from (select 1 as x`,
    'a DELETE': `delete from ${t}`,
    'a DROP': `drop table ${t}`,
    'a data-modifying WITH': `with gone as (delete from ${t} returning *) select * from gone`,
    'COPY TO PROGRAM': `copy (select 1) to program 'true'`,
    'a SELECT calling a function that deletes': `select x, ${schema}.wipe() as w from ${t}`,
  };

  for (const [name, query] of Object.entries(attacks)) {
    it(`${name}: CP_ERR_SQL_READ_ONLY, and the table keeps its rows`, async () => {
      const problems = await problemsOf({ source: 'postgres', url: PG_URL, query });
      expect(problems[0]).toMatchObject({ code: 'CP_ERR_SQL_READ_ONLY', path: 'datasets.d.query' });
      expect(await count()).toBe(3);
    });

    it(`${name}, read as rows (no push-down): CP_ERR_SQL_READ_ONLY`, async () => {
      const source = postgresSource({ url: PG_URL, query, where: { path: 'datasets.d' } });
      const e = await collect(source).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ChartpressError);
      expect((e as ChartpressError).problems[0]?.code).toBe('CP_ERR_SQL_READ_ONLY');
      expect(await count()).toBe(3);
    });
  }

  it('a query over the statement timeout is cancelled on the server: a coded timeout', async () => {
    const query = `select x from ${t}, pg_sleep(5)`;
    const problems = await problemsOf({ source: 'postgres', url: PG_URL, query, timeoutMs: 300 });
    expect(problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.d.query' });
    expect(problems[0]?.message).toContain('timed out after 300 ms');
  });

  it('a URL parameter cannot turn the timeout or read-only mode off', async () => {
    const url = `${PG_URL}?statement_timeout=0&options=-c%20default_transaction_read_only%3Doff`;
    const problems = await problemsOf({ source: 'postgres', url, query: `delete from ${t}` });
    expect(problems[0]?.code).toBe('CP_ERR_SQL_READ_ONLY');
    const slow = await problemsOf({
      source: 'postgres',
      url,
      query: `select x from ${t}, pg_sleep(5)`,
      timeoutMs: 300,
    });
    expect(slow[0]?.message).toContain('timed out');
    expect(await count()).toBe(3);
  });

  it('a statement the server refuses does not spoil the next ones on the same connection', async () => {
    // The probe reads no rows, so 1/(x-2) fails only in the statement that sums it.
    const dataset = { source: 'postgres', url: PG_URL, query: `select x, 1/(x-2) as y from ${t}` } as const;
    const warnings: Warning[] = [];
    const queries = new Map<string, Query>([
      ['bad', { from: 'd', aggregate: { s: { op: 'sum', field: 'y' } } }],
      ['good', { from: 'd', groupBy: ['x'], aggregate: { n: { op: 'count' } } }],
    ]);
    const frames = await runPushDowns(
      'd',
      dataset,
      queries,
      {},
      { baseDir: '/', warn: (w) => warnings.push(w) },
    );
    expect(warnings[0]?.message).toContain('division by zero');
    expect(frames.get('good')?.length).toBe(3);
  });

  it('a good query still reads, pushed down', async () => {
    const rows = await engine.data(report({ source: 'postgres', url: PG_URL, table: t }));
    expect(rows.c).toHaveLength(3);
  });

  it('through the CLI: exit 1, one coded line, no crash text, the table still there', async () => {
    const file = tmp.write(
      'drop.yaml',
      [
        'title: T',
        `datasets: { d: { source: postgres, url: "${PG_URL}", query: "select 1 as x; DROP TABLE ${t}" } }`,
        'charts: { c: { type: bar, data: { from: d }, encode: { x: x, y: x } } }',
        'body: [{ chart: c }]',
      ].join('\n'),
    );
    const run = await cli('render', file, '-o', join(tmp.dir, 'drop.html'));
    expect(run.code).toBe(1);
    const err = run.stderr.join('\n');
    expect(err).toMatch(/^CP_ERR_SQL_READ_ONLY .*datasets\.d\.query/m);
    expect(err).not.toContain('Cannot read properties');
    expect(await count()).toBe(3);
  });
});

describe('SQLite files only read', () => {
  const db = join(tmp.dir, 'shop.db');
  makeSqlite(db, 't', ['x INTEGER'], [[1], [2], [3]]);
  const hash = () => createHash('sha256').update(readFileSync(db)).digest('hex');
  const before = hash();
  const other = join(tmp.dir, 'other.db');
  const copy = join(tmp.dir, 'copy.db');

  const attacks = {
    'a DELETE': 'delete from t',
    'a DELETE ... RETURNING (which returns rows)': 'delete from t returning x',
    'a second statement': 'select x from t; drop table t',
    ATTACH: `attach database '${other}' as o`,
    'PRAGMA writable_schema': 'pragma writable_schema = 1',
    'VACUUM INTO': `vacuum into '${copy}'`,
  };

  for (const [name, query] of Object.entries(attacks)) {
    it(`${name}: CP_ERR_SQL_READ_ONLY, and the file's bytes are unchanged`, async () => {
      const problems = await problemsOf({ source: 'sqlite', path: 'shop.db', query });
      expect(problems[0]).toMatchObject({ code: 'CP_ERR_SQL_READ_ONLY', path: 'datasets.d.query' });
      expect(hash()).toBe(before);
      expect(existsSync(other) || existsSync(copy)).toBe(false);
    });
  }

  it('a good query still reads', async () => {
    const rows = await engine.data(report({ source: 'sqlite', path: 'shop.db', query: 'select x from t' }), {
      baseDir: tmp.dir,
    });
    expect(rows.c).toHaveLength(3);
    expect(hash()).toBe(before);
  });
});
