import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbExec, writeParquet } from '../data/sql/duckdb-fixtures.js';
import { makeSqlite, PG_URL, pgExec, postgresReachable, uniqueName } from '../data/sql/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Sales of stores and the stores' regions, in every source: a report that looks the region up
 * must give the same numbers from each pair, joined in the database when both are tables of it
 * (SQLite, PostgreSQL, DuckDB, Parquet files: no fallback warning), in JS otherwise.
 */
const sales = [
  { day: '2024-01-03', store: 1, amount: 10 },
  { day: '2024-01-04', store: 3, amount: 5 },
  { day: '2024-01-09', store: 2, amount: 7.5 },
  { day: '2024-02-01', store: 9, amount: 1 },
  { day: '2024-02-03', store: 1, amount: 2 },
  { day: '2024-02-05', store: null, amount: 4 },
  { day: '2024-03-01', store: 2, amount: 3 },
];
const stores = [
  { store: 2, region: 'US', size: 'small' },
  { store: 1, region: 'EU', size: 'large' },
  { store: 3, region: 'EU', size: 'small' },
];
/** Computed by hand: store 9 and the null store have no region. */
const expected = {
  by_region: [
    { region: 'EU', revenue: 17, n: 3 },
    { region: 'US', revenue: 10.5, n: 2 },
    { region: null, revenue: 5, n: 2 },
  ],
  large: [
    { store_size: 'large', month: '2024-01-01', revenue: 10 },
    { store_size: 'large', month: '2024-02-01', revenue: 2 },
  ],
  known: [{ n: 5 }],
};

const tmp = tempDir();
const schema = uniqueName('cp_lookup_cli');
let pgUp = false;

function report(fact: string, dim: string, extra = ''): string {
  return tmp.write(
    `${Math.random().toString(36).slice(2)}.yaml`,
    `title: Stores
datasets:
  sales: ${fact}
  stores: ${dim}
charts:
  by_region:
    type: bar
    title: Revenue by region
    data:
      from: sales
      lookup: { from: stores, on: store, fields: [region] }
      groupBy: [region]
      aggregate: { revenue: { op: sum, field: amount }, n: { op: count } }
      sort: [{ field: revenue, order: desc }]
    encode: { x: region, y: revenue }
  large:
    type: line
    data:
      from: sales
      lookup: { from: stores, on: store, fields: [size], as: store_, onMissing: skip }
      filter: [{ field: store_size, op: eq, value: large }]
      groupBy: [store_size, { field: day, bucket: month, as: month }]
      aggregate: { revenue: { op: sum, field: amount } }
      sort: [month]
    encode: { x: month, y: revenue }
${extra}body:
  - chart: by_region
  - chart: large
  - table:
      data:
        from: sales
        lookup: { from: stores, on: store, fields: [region], onMissing: skip }
        aggregate: { n: { op: count } }
`,
  );
}

beforeAll(async () => {
  const csv = (rows: Record<string, unknown>[]) => {
    const keys = Object.keys(rows[0]!);
    return `${keys.join(',')}\n${rows.map((r) => keys.map((k) => (r[k] === null ? '' : String(r[k]))).join(',')).join('\n')}\n`;
  };
  tmp.write('sales.csv', csv(sales));
  tmp.write('stores.csv', csv(stores));
  tmp.write('stores.ndjson', `${stores.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const db = join(tmp.dir, 'shop.db');
  makeSqlite(
    db,
    'sales',
    ['day TEXT', 'store INTEGER', 'amount REAL'],
    sales.map((r) => Object.values(r)),
  );
  makeSqlite(
    db,
    'stores',
    ['store INTEGER', 'region TEXT', 'size TEXT'],
    stores.map((r) => Object.values(r)),
  );
  const sql = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));
  const select = (rows: Record<string, unknown>[], types: string[]) => {
    const names = Object.keys(rows[0]!);
    const values = rows.map((r) => `(${names.map((k) => sql(r[k])).join(', ')})`).join(', ');
    const cast = names.map((k, i) => `CAST(${k} AS ${types[i]}) AS ${k}`).join(', ');
    return `SELECT ${cast} FROM (VALUES ${values}) AS v(${names.join(', ')})`;
  };
  const salesSql = select(sales, ['DATE', 'INTEGER', 'DOUBLE']);
  const storesSql = select(stores, ['INTEGER', 'VARCHAR', 'VARCHAR']);
  await writeParquet(join(tmp.dir, 'sales.parquet'), salesSql);
  await writeParquet(join(tmp.dir, 'stores.parquet'), storesSql);
  await duckdbExec(
    join(tmp.dir, 'shop.duckdb'),
    `CREATE TABLE sales AS ${salesSql}`,
    `CREATE TABLE stores AS ${storesSql}`,
  );
  pgUp = await postgresReachable();
  if (pgUp) {
    await pgExec(`CREATE SCHEMA ${schema}`);
    await pgExec(`CREATE TABLE ${schema}.sales (day date, store int, amount float8)`);
    await pgExec(`CREATE TABLE ${schema}.stores (store int, region text, size text)`);
    for (const r of sales) await pgExec(`INSERT INTO ${schema}.sales VALUES ($1, $2, $3)`, Object.values(r));
    for (const r of stores)
      await pgExec(`INSERT INTO ${schema}.stores VALUES ($1, $2, $3)`, Object.values(r));
  }
});

afterAll(async () => {
  if (pgUp) await pgExec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

const pg = (table: string) => `{ source: postgres, url: "\${CP_TEST_PG_URL}", table: ${schema}.${table} }`;
const pairs: Record<string, [string, string, boolean?]> = {
  'inline and inline': [
    `{ source: inline, rows: ${JSON.stringify(sales)} }`,
    `{ source: inline, rows: ${JSON.stringify(stores)} }`,
  ],
  'CSV and CSV': ['{ source: csv, path: sales.csv }', '{ source: csv, path: stores.csv }'],
  'CSV and NDJSON': ['{ source: csv, path: sales.csv }', '{ source: ndjson, path: stores.ndjson }'],
  'SQLite and SQLite (a join)': [
    '{ source: sqlite, path: shop.db, table: sales }',
    '{ source: sqlite, path: shop.db, table: stores }',
  ],
  'SQLite query and SQLite (a join)': [
    '{ source: sqlite, path: shop.db, query: "select * from sales" }',
    '{ source: sqlite, path: shop.db, query: "select * from stores" }',
  ],
  'SQLite and CSV (joined in JS)': [
    '{ source: sqlite, path: shop.db, table: sales }',
    '{ source: csv, path: stores.csv }',
    true,
  ],
  'PostgreSQL and PostgreSQL (a join)': [pg('sales'), pg('stores')],
  'Parquet and Parquet (a join)': [
    '{ source: parquet, path: sales.parquet }',
    '{ source: parquet, path: stores.parquet }',
  ],
  'DuckDB and DuckDB (a join)': [
    '{ source: duckdb, path: shop.duckdb, table: sales }',
    '{ source: duckdb, path: shop.duckdb, query: "select * from stores" }',
  ],
  'DuckDB and Parquet (joined in JS)': [
    '{ source: duckdb, path: shop.duckdb, table: sales }',
    '{ source: parquet, path: stores.parquet }',
    true,
  ],
};

describe('lookup gives the same data from every pair of sources', () => {
  for (const [name, [fact, dim, fallback]] of Object.entries(pairs)) {
    it(name, async ({ skip }) => {
      if (name.startsWith('PostgreSQL')) {
        if (!pgUp) skip();
        process.env.CP_TEST_PG_URL = PG_URL;
      }
      const run = await cli('data', report(fact, dim));
      expect(run.code).toBe(0);
      const said = run.stderr.filter((l) => l !== '');
      if (fallback) {
        expect(said.length).toBeGreaterThan(0);
        for (const l of said) expect(l).toMatch(/CP_WARN_PUSHDOWN_FALLBACK .*not in the same database/);
      } else expect(said).toEqual([]);
      const data = JSON.parse(run.stdout.join('\n'));
      expect(data.by_region).toEqual(expected.by_region);
      expect(data.large).toEqual(expected.large);
      expect(data['body[2].table']).toEqual(expected.known);
    });
  }
});

describe('chartpress render with a lookup', () => {
  it('draws a chart grouped by a looked-up field', async () => {
    const file = report('{ source: csv, path: sales.csv }', '{ source: csv, path: stores.csv }');
    const out = join(tmp.dir, 'stores.html');
    const run = await cli('render', file, '-o', out, '--quiet', '--no-cache', '--stats', 'json');
    expect(run.stderr.filter((l) => l !== '')).toEqual([]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.at(-1) ?? '{}').charts).toMatchObject({ rendered: 2, failed: 0 });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Revenue by region');
    // The regions come from the stores, not the sales.
    expect(html).toMatch(/>EU</);
    expect(html).toMatch(/>US</);
  });

  it('names the field of a lookup of an unknown dataset, and of a missing key', async () => {
    const fact = '{ source: csv, path: sales.csv }';
    const unknown = readFileSync(report(fact, '{ source: csv, path: stores.csv }'), 'utf8').replace(
      'from: stores, on: store, fields: [region] }',
      'from: shops, on: store, fields: [region] }',
    );
    const a = await cli('data', tmp.write('unknown.yaml', unknown));
    expect(a.code).toBe(1);
    expect(a.stderr.join('\n')).toMatch(
      /CP_ERR_UNKNOWN_DATASET .*charts\.by_region\.data\.lookup\.from: dataset "shops" is not defined/,
    );
    const strict = readFileSync(report(fact, '{ source: csv, path: stores.csv }'), 'utf8').replace(
      'fields: [region] }\n      groupBy',
      'fields: [region], onMissing: error }\n      groupBy',
    );
    const b = await cli('data', tmp.write('strict.yaml', strict));
    expect(b.code).toBe(1);
    expect(b.stderr.join('\n')).toMatch(
      /CP_ERR_LOOKUP_MISSING_KEY .*charts\.by_region\.data\.lookup\.onMissing: 2 rows have a "store" not found in column "store" of dataset "stores": 9, null/,
    );
  });
});

describe('chartpress render --each with lookups', () => {
  it('splits one scan by a looked-up field, colours by it, and keeps empty documents whole', async () => {
    const dim = `{ source: inline, rows: ${JSON.stringify(stores.map((s, i) => ({ ...s, name: ['Rome', 'Paris', 'Oslo'][i] })))} }`;
    const file = tmp.write(
      'each.yaml',
      `title: Regions
params:
  region: { type: string }
datasets:
  sales: { source: csv, path: sales.csv }
  stores: ${dim}
  regions: { source: inline, rows: [{ region: EU }, { region: US }, { region: APAC }] }
charts:
  by_store:
    type: bar
    data:
      from: sales
      lookup: { from: stores, on: store, fields: [region, name] }
      filter: [{ field: region, value: { param: region } }]
      groupBy: [name]
      aggregate: { revenue: { op: sum, field: amount } }
      sort: [name]
    encode: { x: name, y: revenue }
  by_month:
    type: bar
    data:
      from: sales
      lookup: { from: stores, on: store, fields: [region] }
      filter: [{ field: region, value: { param: region } }]
      groupBy: [{ field: day, bucket: month, as: month }, region]
      aggregate: { revenue: { op: sum, field: amount } }
    encode: { x: month, y: revenue, series: region }
body:
  - chart: by_store
  - chart: by_month
  - table:
      data:
        from: sales
        lookup: { from: stores, on: store, fields: [region] }
        filter: [{ field: region, value: { param: region } }]
        aggregate: { orders: { op: count } }
`,
    );
    const out = join(tmp.dir, 'each');
    const run = await cli(
      'render',
      file,
      '--each',
      'region=regions.region',
      '-o',
      `${out}/{region}.html`,
      '--no-cache',
    );
    expect(run.stderr.filter((l) => l !== '')).toEqual([]);
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      documents: { value: string; status: string }[];
    };
    expect(manifest.documents.map((d) => [d.value, d.status]).sort()).toEqual([
      ['APAC', 'ok'],
      ['EU', 'ok'],
      ['US', 'ok'],
    ]);
    const eu = readFileSync(join(out, 'EU.html'), 'utf8');
    expect(eu).toMatch(/>Paris</);
    expect(eu).toMatch(/>Oslo</);
    expect(eu).not.toMatch(/>Rome</);
    expect(readFileSync(join(out, 'US.html'), 'utf8')).toMatch(/>Rome</);
    // No store in APAC: its table still has its one row, of no orders.
    expect(readFileSync(join(out, 'APAC.html'), 'utf8')).toMatch(/<td[^>]*>0<\/td>/);
  });
});
