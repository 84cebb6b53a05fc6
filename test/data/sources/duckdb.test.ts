import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { duckdbSource } from '../../../src/data/sources/duckdb.js';
import { openSource } from '../../../src/data/sources/index.js';
import { FileRoots } from '../../../src/data/sources/roots.js';
import type { DuckdbDataset } from '../../../src/data/sql/duckdb-db.js';
import {
  closeIdleInstances,
  DUCKDB_IDLE_MAX,
  idleInstances,
} from '../../../src/data/sql/duckdb-instances.js';
import { runPushDown, runPushDowns } from '../../../src/data/sql/pushdown.js';
import { ChartpressError, type Warning } from '../../../src/errors.js';
import { frameToRows, type Row } from '../../../src/frame.js';
import { checkReport } from '../../../src/spec/normalize.js';
import { validateReport } from '../../../src/spec/parse.js';
import type { Query } from '../../../src/spec/schema.js';
import { tempDir } from '../../helpers/tmp.js';
import { duckdbExec, writeParquet } from '../sql/duckdb-fixtures.js';

const tmp = tempDir();
const root = join(tmp.dir, 'report');
const outside = join(tmp.dir, 'outside');

const typed = `SELECT * FROM (VALUES
  (1::TINYINT, 2.5::DOUBLE, 12.34::DECIMAL(8, 2), 9007199254740993::BIGINT, true, 'a',
   DATE '2024-03-05', TIMESTAMP '2024-03-05 14:00:00', TIMESTAMP '2024-03-05 14:00:00.25',
   TIMESTAMPTZ '2024-03-05 14:00:00+02:00', [1, 2], '\\x01'::BLOB, 'NaN'::DOUBLE, INTERVAL 1 DAY),
  (NULL, NULL, NULL, NULL, NULL, NULL, 'infinity'::DATE, NULL, NULL, NULL, NULL, NULL, 'Infinity'::DOUBLE, NULL)
) AS v(i, d, dec, big, b, t, day, ts, frac, tz, list, blob, nan, span)`;

beforeAll(async () => {
  mkdirSync(join(root, 'sales'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  await writeParquet(join(root, 'typed.parquet'), typed);
  for (const [name, from] of [
    ['2025-02', 3],
    ['2025-01', 0],
    ['2024-12', 6],
  ] as const) {
    await writeParquet(
      join(root, 'sales', `${name}.parquet`),
      `SELECT range + ${from} AS n, '${name}' AS part FROM range(3)`,
    );
  }
  for (const year of ['2025', '2024']) {
    mkdirSync(join(root, 'years', year), { recursive: true });
    await writeParquet(join(root, 'years', year, 'part.parquet'), `SELECT ${year} AS y`);
  }
  await writeParquet(
    join(root, 'lanes.parquet'),
    "SELECT range AS n, CASE WHEN range % 5 = 0 THEN NULL ELSE range * 1.5 END AS v, ['a', 'b', 'c'][range % 3 + 1] AS g FROM range(3000)",
  );
  await writeParquet(join(outside, 'secret.parquet'), 'SELECT 42 AS secret');
  symlinkSync(join(outside, 'secret.parquet'), join(root, 'sales', '2025-03.parquet'));
  await duckdbExec(join(root, 'shop.duckdb'), 'CREATE TABLE orders AS SELECT range AS id FROM range(5)');
  await writeParquet(join(root, 'not.duckdb'), 'SELECT 1 AS x');
});

async function rows(dataset: DuckdbDataset, roots?: FileRoots): Promise<Row[]> {
  const out: Row[] = [];
  for await (const row of duckdbSource({ dataset, baseDir: root, roots, where: { path: 'datasets.d' } }))
    out.push(row);
  return out;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ChartpressError,
  );

describe('parquet source', () => {
  it('reads each type as the engine reads its values', async () => {
    expect(await rows({ source: 'parquet', path: 'typed.parquet' })).toEqual([
      {
        i: 1,
        d: 2.5,
        dec: 12.34,
        big: 9007199254740992,
        b: true,
        t: 'a',
        day: '2024-03-05',
        ts: '2024-03-05T14:00:00Z',
        frac: '2024-03-05T14:00:00.25Z',
        tz: '2024-03-05T12:00:00Z',
        list: '[1, 2]',
        blob: null,
        nan: null,
        span: '1 day',
      },
      {
        i: null,
        d: null,
        dec: null,
        big: null,
        b: null,
        t: null,
        day: 'infinity',
        ts: null,
        frac: null,
        tz: null,
        list: null,
        blob: null,
        nan: Number.POSITIVE_INFINITY,
        span: null,
      },
    ]);
  });

  it('reads the files a glob matches as one dataset, in name order', async () => {
    const got = await rows({ source: 'parquet', path: 'sales/2025-0[12].parquet' });
    expect(got.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('takes the globs CSV paths take: ** and alternatives', async () => {
    const all = await rows({ source: 'parquet', path: 'years/**/*.parquet' });
    expect(all.map((r) => r.y)).toEqual([2024, 2025]);
    const one = await rows({ source: 'parquet', path: 'years/{2025,2030}/part.parquet' });
    expect(one.map((r) => r.y)).toEqual([2025]);
  });

  it('applies declared column types', async () => {
    const got = await rows({ source: 'parquet', path: 'sales/2025-01.parquet', columns: { n: 'string' } });
    expect(got.map((r) => r.n)).toEqual(['0', '1', '2']);
  });

  it('is read through openSource, lazily', async () => {
    const source = openSource('d', { source: 'parquet', path: 'sales/2024-12.parquet' }, { baseDir: root });
    const out: Row[] = [];
    for await (const row of source) out.push(row);
    expect(out).toHaveLength(3);
  });

  it.each([
    ['a missing file', 'nope.parquet', 'CP_ERR_FILE_NOT_FOUND'],
    ['a glob matching nothing', 'sales/1999-*.parquet', 'CP_ERR_GLOB_NO_MATCH'],
    ['a file outside the report folder', '../outside/secret.parquet', 'CP_ERR_PATH_DENIED'],
    ['a glob outside the report folder', '../outside/*.parquet', 'CP_ERR_PATH_DENIED'],
    ['a glob matching a link to a file outside', 'sales/*.parquet', 'CP_ERR_PATH_DENIED'],
  ])('refuses %s', async (_, path, code) => {
    const e = await failure(rows({ source: 'parquet', path }));
    expect(e).toBeInstanceOf(ChartpressError);
    expect(e).toMatchObject({ code, problems: [{ path: 'datasets.d.path' }] });
    if (code === 'CP_ERR_PATH_DENIED') expect(e?.message).toContain("outside the report's folder");
  });

  it("reads under the engine's roots instead of the report folder", async () => {
    const roots = new FileRoots([tmp.dir]);
    expect(await rows({ source: 'parquet', path: '../outside/secret.parquet' }, roots)).toEqual([
      { secret: 42 },
    ]);
    const e = await failure(rows({ source: 'parquet', path: 'typed.parquet' }, new FileRoots([outside])));
    expect(e).toMatchObject({ code: 'CP_ERR_PATH_DENIED' });
  });
});

describe('duckdb source', () => {
  it('reads a table and a query of a database file', async () => {
    expect(await rows({ source: 'duckdb', path: 'shop.duckdb', table: 'orders' })).toHaveLength(5);
    const q = await rows({
      source: 'duckdb',
      path: 'shop.duckdb',
      query: 'select id * 2 as x from orders where id > 2;',
    });
    expect(q).toEqual([{ x: 6 }, { x: 8 }]);
  });

  it('reads a query over files, relative to the report folder', async () => {
    const q = await rows({
      source: 'duckdb',
      query: "select n from read_parquet(['sales/2025-01.parquet', 'sales/2024-12.parquet'])",
    });
    expect(q.map((r) => r.n)).toEqual([0, 1, 2, 6, 7, 8]);
  });

  it('names the tables there are when the table is missing', async () => {
    const e = await failure(rows({ source: 'duckdb', path: 'shop.duckdb', table: 'order' }));
    expect(e).toMatchObject({ code: 'CP_ERR_DATA_READ', problems: [{ path: 'datasets.d.table' }] });
    expect(e?.message).toContain('tables: orders');
  });

  it('refuses a file that is not a DuckDB database', async () => {
    const e = await failure(rows({ source: 'duckdb', path: 'not.duckdb', table: 'x' }));
    expect(e).toMatchObject({ code: 'CP_ERR_DATA_READ', problems: [{ path: 'datasets.d.path' }] });
  });
});

describe('DuckDB is locked down', () => {
  it.each([
    ['install', 'INSTALL httpfs'],
    ['load', 'LOAD httpfs'],
    ['attach', "ATTACH 'other.duckdb'"],
    ['copy', "COPY (SELECT 1) TO 'out.csv'"],
    ['create', 'CREATE TABLE t AS SELECT 1'],
    ['set', 'SET enable_external_access = true'],
    ['pragma', 'PRAGMA version'],
    ['two statements', "SELECT 1; COPY (SELECT 1) TO 'out.csv'"],
  ])('refuses a query that is no SELECT: %s', async (_, query) => {
    const e = await failure(rows({ source: 'duckdb', path: 'shop.duckdb', query }));
    expect(e).toMatchObject({ code: 'CP_ERR_SQL_READ_ONLY', problems: [{ path: 'datasets.d.query' }] });
  });

  it.each([
    ['a file outside', "select * from read_csv('/etc/hostname')"],
    ['a file outside, relative', "select * from '../outside/secret.parquet'"],
    ['a path DuckDB builds', "select * from read_csv(concat('/etc/', 'hostname'))"],
    ['a URL', "select * from 'https://example.com/x.parquet'"],
  ])('refuses to read %s', async (_, query) => {
    const e = await failure(rows({ source: 'duckdb', query }));
    expect(e).toMatchObject({ code: 'CP_ERR_PATH_DENIED', problems: [{ path: 'datasets.d.query' }] });
  });

  it('loads no extension that is not built in', async () => {
    const e = await failure(rows({ source: 'duckdb', query: "select * from read_xlsx('x.xlsx')" }));
    expect(e).toMatchObject({ code: 'CP_ERR_DATA_READ' });
    expect(e?.message).toContain('excel extension');
  });

  it('runs with its settings locked, and the limits given', async () => {
    const settings = [
      'enable_external_access',
      'autoinstall_known_extensions',
      'autoload_known_extensions',
      'lock_configuration',
      'threads',
      'memory_limit',
      'temp_directory',
    ];
    const query = `select ${settings.map((s) => `current_setting('${s}')::VARCHAR as ${s}`).join(', ')}`;
    const frame = await runPushDown(
      'd',
      { source: 'duckdb', query, threads: 2, memoryLimitMb: 300 },
      { from: 'd' },
      {},
      { baseDir: root },
    );
    expect(frameToRows(frame!)).toEqual([
      {
        enable_external_access: 'false',
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        lock_configuration: 'true',
        threads: '2',
        memory_limit: expect.stringMatching(/^(300\.0 MiB|314\.5 MB)$/),
        temp_directory: expect.stringContaining(join(tmpdir(), 'chartpress-duckdb-')),
      },
    ]);
  });

  it('stops a statement past timeoutMs, pushed down or streamed', async () => {
    const query = 'select sum(hash(range)) as s from range(20000000000)';
    const dataset = { source: 'duckdb', query, timeoutMs: 300 } as const;
    const t = performance.now();
    const pushed = await failure(runPushDown('d', dataset, { from: 'd' }, {}, { baseDir: root }));
    expect(pushed).toMatchObject({ code: 'CP_ERR_DATA_READ', problems: [{ path: 'datasets.d.query' }] });
    expect(pushed?.message).toContain('longer than 300 ms');
    const streamed = await failure(rows(dataset));
    expect(streamed?.message).toContain('longer than 300 ms');
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it('stops a statement when the render is aborted', async () => {
    const query = 'select sum(hash(range)) as s from range(20000000000)';
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped by the test')), 300);
    const t = performance.now();
    const e = await failure(
      runPushDown(
        'd',
        { source: 'duckdb', query },
        { from: 'd' },
        {},
        { baseDir: root, signal: controller.signal },
      ),
    );
    expect(String(e)).toContain('stopped by the test');
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it('spills past its memory limit to a temp folder of its own, emptied after and removed with the instance', async () => {
    const query =
      "select count(*) as n, current_setting('temp_directory') as dir from (select range as x, random() as r, repeat('x', 40) as pad from range(4000000) order by r, pad)";
    const frame = await runPushDown(
      'd',
      { source: 'duckdb', query, memoryLimitMb: 64 },
      { from: 'd' },
      {},
      { baseDir: root },
    );
    const [row] = frameToRows(frame!);
    expect(row).toMatchObject({ n: 4000000, dir: expect.stringContaining('chartpress-duckdb-') });
    const dir = String(row?.dir);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    await closeIdleInstances();
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a finished read’s DuckDB waits idle for the next', () => {
  type Limits = Extract<DuckdbDataset, { source: 'duckdb' }>;
  const setting = async (dataset: Limits, name: string) => {
    const query = `select current_setting('${name}')::VARCHAR as v`;
    const frame = await runPushDown('d', { ...dataset, query }, { from: 'd' }, {}, { baseDir: root });
    return frameToRows(frame!)[0]?.v;
  };
  const dir = (dataset: Limits = { source: 'duckdb' }) => setting(dataset, 'temp_directory');

  it('is reused by a read with the same limits, locked and in UTC as when new', async () => {
    await closeIdleInstances();
    const first = await dir();
    expect(idleInstances()).toBe(1);
    expect(await dir()).toBe(first);
    expect(await setting({ source: 'duckdb' }, 'TimeZone')).toBe('UTC');
    expect(await setting({ source: 'duckdb' }, 'lock_configuration')).toBe('true');
    expect(await setting({ source: 'duckdb' }, 'enable_external_access')).toBe('false');
    // Other limits, another instance; then both wait.
    expect(await dir({ source: 'duckdb', memoryLimitMb: 300 })).not.toBe(first);
    expect(idleInstances()).toBe(2);
    await closeIdleInstances();
    expect(existsSync(String(first))).toBe(false);
  });

  it('keeps no more than DUCKDB_IDLE_MAX, the oldest closed first', async () => {
    await closeIdleInstances();
    const dirs = [];
    for (const memoryLimitMb of [200, 210, 220]) dirs.push(await dir({ source: 'duckdb', memoryLimitMb }));
    expect(idleInstances()).toBe(DUCKDB_IDLE_MAX);
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(String(dirs[0]))).toBe(false);
    expect(await dir({ source: 'duckdb', memoryLimitMb: 220 })).toBe(dirs[2]);
    await closeIdleInstances();
  });

  it('shows a read nothing of the one before: its views went with its connection', async () => {
    await closeIdleInstances();
    const views = async () => {
      const query =
        "select string_agg(view_name, ',' order by view_name) as v from duckdb_views() where temporary and not internal";
      const frame = await runPushDown('d', { source: 'duckdb', query }, { from: 'd' }, {}, { baseDir: root });
      return frameToRows(frame!)[0]?.v;
    };
    expect(await views()).toBe('__cp_base');
    expect(idleInstances()).toBe(1);
    expect(await views()).toBe('__cp_base');
  });

  it('keeps no process alive, and leaves no spill folder when the process ends', () => {
    const script = tmp.write(
      'idle-exit.mts',
      `import { runPushDown } from ${JSON.stringify(join(process.cwd(), 'src/data/sql/pushdown.ts'))};
const query = "select current_setting('temp_directory') as dir";
const frame = await runPushDown('d', { source: 'duckdb', query }, { from: 'd' }, {}, { baseDir: ${JSON.stringify(root)} });
console.log(JSON.stringify(frame.columns.dir[0]));
`,
    );
    // The process ends by itself, with the instance idle.
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const dir = JSON.parse(out.trim()) as string;
    expect(dir).toContain('chartpress-duckdb-');
    expect(existsSync(dir)).toBe(false);
  });

  it('is closed, not kept, after a statement timed out', async () => {
    await closeIdleInstances();
    const query = 'select sum(hash(range)) as s from range(20000000000)';
    const e = await failure(
      runPushDown('d', { source: 'duckdb', query, timeoutMs: 200 }, { from: 'd' }, {}, { baseDir: root }),
    );
    expect(e?.message).toContain('longer than 200 ms');
    expect(idleInstances()).toBe(0);
  });

  it('is never kept with a database file attached, so a replaced file is read anew', async () => {
    await closeIdleInstances();
    const file = join(root, 'replaced.duckdb');
    const read = async () =>
      frameToRows(
        (await runPushDown(
          'd',
          { source: 'duckdb', path: 'replaced.duckdb', table: 't' },
          { from: 'd' },
          {},
          { baseDir: root },
        ))!,
      );
    await duckdbExec(file, 'CREATE TABLE t AS SELECT 1 AS x');
    expect(await read()).toEqual([{ x: 1 }]);
    expect(idleInstances()).toBe(0);
    rmSync(file);
    await duckdbExec(file, 'CREATE TABLE t AS SELECT 2 AS x');
    expect(await read()).toEqual([{ x: 2 }]);
  });
});

describe('duckdb datasets are checked', () => {
  const check = (dataset: Record<string, unknown>) => {
    const report = validateReport({
      title: 'T',
      datasets: { d: dataset },
      charts: { c: { type: 'bar', data: { from: 'd' }, encode: { x: 'a', y: 'a' } } },
      body: [{ chart: 'c' }],
    });
    try {
      checkReport(report, 'r.yaml');
      return [];
    } catch (e) {
      return (e as ChartpressError).problems.map((p) => [p.code, p.path]);
    }
  };

  it.each([
    [{ source: 'duckdb', path: 'a.duckdb' }, [['CP_ERR_MISSING_FIELD', 'datasets.d']]],
    [
      { source: 'duckdb', path: 'a.duckdb', table: 't', query: 'select 1' },
      [['CP_ERR_INVALID_VALUE', 'datasets.d']],
    ],
    [{ source: 'duckdb', table: 't' }, [['CP_ERR_MISSING_FIELD', 'datasets.d.path']]],
    [{ source: 'duckdb', query: "select * from 'a.csv'" }, []],
    [{ source: 'parquet', path: 'a/*.parquet', threads: 2, memoryLimitMb: 256 }, []],
  ])('%j', (dataset, problems) => {
    expect(check(dataset)).toEqual(problems);
  });
});

describe('a dataset’s statements run two at a time', () => {
  const queries = new Map<string, Query>([
    ['sums', { from: 'd', groupBy: ['g'], aggregate: { v: { op: 'sum', field: 'v' } } }],
    ['bad', { from: 'd', aggregate: { w: { op: 'sum', field: 'w' } } }],
    ['count', { from: 'd', aggregate: { n: { op: 'count' } } }],
    [
      'avg',
      {
        from: 'd',
        filter: [{ field: 'n', op: 'gt', value: 100 }],
        groupBy: ['g'],
        aggregate: { v: { op: 'avg', field: 'v' } },
      },
    ],
    ['worse', { from: 'd', groupBy: ['x'] }],
    ['top', { from: 'd', sort: [{ field: 'n', order: 'desc' }], limit: 3 }],
  ]);
  const run = async (threads: number, only?: string[]) => {
    const warnings: Warning[] = [];
    const chosen = new Map([...queries].filter(([id]) => only === undefined || only.includes(id)));
    const dataset = { source: 'parquet', path: 'lanes.parquet', threads } as const;
    const out = await runPushDowns('d', dataset, chosen, {}, { baseDir: root, warn: (w) => warnings.push(w) })
      .then((frames) => ({ frames: [...frames].map(([id, f]) => [id, frameToRows(f)]) }))
      .catch((e: unknown) => ({ error: e instanceof ChartpressError ? e.problems : e }));
    return { ...out, warnings };
  };

  it('with the frames, problems and warnings of one at a time, in the queries’ order', async () => {
    const good = ['sums', 'count', 'avg', 'top'];
    const [two, one] = [await run(2, good), await run(1, good)];
    expect(two).toEqual(one);
    expect(two.warnings.map((w) => w.path)).toEqual(['sums.aggregate.v', 'avg.aggregate.v']);
    expect((two as { frames: unknown[][] }).frames.map(([id]) => id)).toEqual(good);
    const [bad2, bad1] = [await run(2), await run(1)];
    expect(bad2).toEqual(bad1);
    expect((bad2 as { error: { path: string }[] }).error.map((p) => p.path)).toEqual([
      'bad.aggregate.w.field',
      'worse.groupBy[0]',
    ]);
  });

  it('and fail together when one times out, the instance closed', async () => {
    await closeIdleInstances();
    const query = 'select range as n from range(20000000000) where hash(range) = 7';
    const dataset = { source: 'duckdb', query, timeoutMs: 300 } as const;
    const slow = new Map<string, Query>([
      ['a', { from: 'd', aggregate: { n: { op: 'count' } } }],
      ['b', { from: 'd', aggregate: { n: { op: 'sum', field: 'n' } } }],
    ]);
    const e = await failure(runPushDowns('d', dataset, slow, {}, { baseDir: root }));
    expect(e).toMatchObject({ code: 'CP_ERR_DATA_READ', problems: [{ path: 'datasets.d.query' }] });
    expect(idleInstances()).toBe(0);
  });
});
