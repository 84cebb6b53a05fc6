import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dimensions, loadDimension, lookupColumns, lookupsOf } from '../../../src/data/lookup.js';
import { runQueries } from '../../../src/data/scan.js';
import { openSource } from '../../../src/data/sources/index.js';
import { runPushDown } from '../../../src/data/sql/pushdown.js';
import type { SqlDataset } from '../../../src/data/sql/sessions.js';
import { ChartpressError, type Problem, type Warning } from '../../../src/errors.js';
import { frameToRows, type Row, type Value } from '../../../src/frame.js';
import type { Dataset, Lookup, Query } from '../../../src/spec/schema.js';
import { tempDir } from '../../helpers/tmp.js';
import { countingSource } from '../helpers.js';
import { duckdbExec, writeParquet } from './duckdb-fixtures.js';
import { makeSqlite, PG_URL, pgExec, postgresReachable, uniqueName } from './helpers.js';

type Q = Omit<Query, 'from'>;

/** Orders of stores: keys missing from the stores (99) and null keys, amounts with nulls. */
const orders: Row[] = Array.from({ length: 120 }, (_, i) => ({
  id: i + 1,
  store_id: i % 13 === 12 ? null : i % 17 === 16 ? 99 : 1 + ((i * 7) % 6),
  amount: i % 10 === 9 ? null : ((i * 37) % 100) + 0.5,
  day: `2024-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, '0')}`,
}));
const stores: Row[] = [
  { store_id: 5, region: 'US', size: 2, country: 'us' },
  { store_id: 1, region: 'EU', size: 3, country: 'fr' },
  { store_id: 2, region: 'EU', size: 1, country: 'it' },
  { store_id: 3, region: null, size: 2, country: 'pe' },
  { store_id: 4, region: 'APAC', size: 5, country: 'jp' },
  { store_id: 6, region: 'US', size: null, country: 'ca' },
  { store_id: 7, region: 'EU', size: 1, country: 'de' },
];
const countries: Row[] = [
  { code: 'fr', name: 'France' },
  { code: 'it', name: 'Italy' },
  { code: 'us', name: 'United States' },
  { code: 'jp', name: 'Japan' },
];
const owners: Row[] = [
  { sid: 2, owner: 'Ben' },
  { sid: 1, owner: 'Ann' },
  { sid: 5, owner: 'Cy' },
];
const inline: Record<string, Row[]> = { orders, stores, countries, owners };

const lookup: Lookup = { from: 'stores', on: 'store_id', fields: ['region', 'size'] };
const count = { n: { op: 'count' } } as const;

/** Queries every backend must answer as the JS engine does over the same rows, pushed down as a JOIN. */
const pushed: [string, Q][] = [
  ['rows with looked-up fields, in scan order', { lookup }],
  ['groups of a looked-up field, first seen first', { lookup, groupBy: ['region'], aggregate: count }],
  [
    'calculate and filter on looked-up fields, sorted',
    {
      lookup,
      calculate: { big: 'size >= 2', per: 'amount / size' },
      filter: [{ field: 'big', op: 'eq', value: true }],
      groupBy: ['region', 'big'],
      aggregate: {
        n: { op: 'count' },
        total: { op: 'sum', field: 'amount' },
        per: { op: 'max', field: 'per' },
      },
      sort: [{ field: 'total', order: 'desc' }],
    },
  ],
  [
    'skip: rows without a store left out, limited',
    { lookup: { ...lookup, onMissing: 'skip' }, sort: [{ field: 'amount', order: 'desc' }], limit: 15 },
  ],
  [
    'skip, grouped',
    { lookup: { ...lookup, onMissing: 'skip' }, groupBy: ['size'], aggregate: count, sort: ['size'] },
  ],
  [
    'keys of other names and a prefix',
    {
      lookup: { from: 'owners', on: { left: 'store_id', right: 'sid' }, fields: ['owner'], as: 'store_' },
      groupBy: ['store_owner'],
      aggregate: count,
    },
  ],
  [
    'two lookups, the second keyed on a field of the first',
    {
      lookup: [
        { from: 'stores', on: 'store_id', fields: ['region', 'country'], as: { region: 'area' } },
        { from: 'countries', on: { left: 'country', right: 'code' }, fields: ['name'] },
      ],
      groupBy: ['area', 'name'],
      aggregate: { total: { op: 'sum', field: 'amount' } },
      sort: ['area'],
    },
  ],
];

/** The query through the JS engine over the inline rows. */
async function reference(query: Q): Promise<Row[]> {
  const dims = new Map<string, Awaited<ReturnType<typeof loadDimension>>>();
  for (const l of lookupsOf({ from: 'orders', ...query }))
    dims.set(l.from, await loadDimension(l.from, countingSource(inline[l.from]!), new Set(lookupColumns(l))));
  const frames = await runQueries(
    countingSource(orders),
    new Map([['q', { from: 'orders', ...query } as Query]]),
    {},
    { dataset: 'orders', dimensions: dims },
  );
  return frameToRows(frames.get('q')!);
}

async function dimensionsOf(
  query: Q,
  datasets: Record<string, Dataset>,
  baseDir: string,
): Promise<Dimensions> {
  const dims = new Map<string, Awaited<ReturnType<typeof loadDimension>>>();
  for (const l of lookupsOf({ from: 'orders', ...query }))
    dims.set(
      l.from,
      await loadDimension(
        l.from,
        openSource(l.from, datasets[l.from]!, { baseDir }),
        new Set(lookupColumns(l)),
      ),
    );
  return dims;
}

/** Pushed down and streamed through the JS engine from the database; each with its warnings. */
async function both(fact: string, query: Q, datasets: Record<string, Dataset>, baseDir: string) {
  const dimensions = await dimensionsOf(query, datasets, baseDir);
  const warnings: Warning[] = [];
  const full = { from: fact, ...query } as Query;
  const frame = await runPushDown(
    fact,
    datasets[fact] as SqlDataset,
    full,
    {},
    {
      baseDir,
      path: 'q',
      warn: (w) => warnings.push(w),
      datasets,
      dimensions,
    },
  );
  const streamWarnings: Warning[] = [];
  const streamed = await runQueries(
    openSource(fact, datasets[fact]!, { baseDir }),
    new Map([['q', full]]),
    {},
    {
      dataset: fact,
      paths: new Map([['q', 'q']]),
      warn: (w) => streamWarnings.push(w),
      dimensions,
    },
  );
  return {
    pushed: frame && frameToRows(frame),
    streamed: frameToRows(streamed.get('q')!),
    warnings,
    streamWarnings,
  };
}

async function problemsOf(run: () => Promise<unknown>): Promise<readonly Problem[]> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems;
    throw e;
  }
  return [];
}

/** The same lookups through one database: joined there, or streamed and joined in JS, all alike. */
function lookupSuite(setup: () => { datasets: Record<string, Dataset>; baseDir: string; fact: string }) {
  for (const [name, query] of pushed) {
    it(`${name}: pushed down as a join, as the JS engine gives`, async () => {
      const { datasets, baseDir, fact } = setup();
      const { pushed, streamed, warnings, streamWarnings } = await both(fact, query, datasets, baseDir);
      // Pushed down (no fallback), with the streaming engine's warnings.
      expect(warnings).toEqual(streamWarnings);
      const expected = await reference(query);
      expect(pushed).toEqual(expected);
      expect(streamed).toEqual(expected);
    });
  }

  it('onMissing: error is checked by statements of their own, with the error JS gives', async () => {
    const { datasets, baseDir, fact } = setup();
    const queries: Q[] = [
      { lookup: { ...lookup, onMissing: 'error' }, groupBy: ['region'], aggregate: count },
      // A skip before: only the rows it keeps are checked.
      {
        lookup: [
          { from: 'owners', on: { left: 'store_id', right: 'sid' }, fields: ['owner'], onMissing: 'skip' },
          { from: 'stores', on: 'store_id', fields: ['region'], onMissing: 'error' },
        ],
      },
      {
        lookup: [
          { ...lookup, onMissing: 'skip' },
          { from: 'owners', on: { left: 'store_id', right: 'sid' }, fields: ['owner'], onMissing: 'error' },
        ],
      },
    ];
    for (const query of queries) {
      const dimensions = await dimensionsOf(query, datasets, baseDir);
      const warnings: Warning[] = [];
      const full = { from: fact, ...query } as Query;
      let frame: Row[] | undefined;
      const pushDown = await problemsOf(async () => {
        const f = await runPushDown(
          fact,
          datasets[fact] as SqlDataset,
          full,
          {},
          {
            baseDir,
            path: 'q',
            warn: (w) => warnings.push(w),
            datasets,
            dimensions,
          },
        );
        frame = f && frameToRows(f);
      });
      const streamed = await problemsOf(() =>
        runQueries(
          openSource(fact, datasets[fact]!, { baseDir }),
          new Map([['q', full]]),
          {},
          {
            dataset: fact,
            paths: new Map([['q', 'q']]),
            dimensions,
          },
        ),
      );
      expect(warnings.filter((w) => w.code === 'CP_WARN_PUSHDOWN_FALLBACK')).toEqual([]);
      expect(pushDown).toEqual(streamed);
      if (streamed.length === 0) expect(frame).toEqual(await reference(query));
    }
    const [first] = await problemsOf(async () =>
      runPushDown(
        fact,
        datasets[fact] as SqlDataset,
        { from: fact, ...queries[0] } as Query,
        {},
        {
          baseDir,
          path: 'q',
          datasets,
          dimensions: await dimensionsOf(queries[0]!, datasets, baseDir),
        },
      ),
    );
    expect(first).toMatchObject({ code: 'CP_ERR_LOOKUP_MISSING_KEY', path: 'q.lookup.onMissing' });
    expect(first?.message).toMatch(
      /^\d+ rows have a "store_id" not found in column "store_id" of dataset "stores": (null, 99|99, null)$/,
    );
  });

  it('a dimension outside the database: the rows are streamed and joined in JS', async () => {
    const { datasets, baseDir, fact } = setup();
    const withInline = { ...datasets, stores: { source: 'inline', rows: stores } as Dataset };
    const query: Q = { lookup, groupBy: ['region'], aggregate: count };
    const { pushed, streamed, warnings } = await both(fact, query, withInline, baseDir);
    expect(pushed).toBeUndefined();
    expect(warnings[0]?.message).toContain('not in the same database');
    expect(streamed).toEqual(await reference(query));
  });

  it('a dimension with a key on two rows fails as in JS', async () => {
    const { datasets, baseDir, fact } = setup();
    const query: Q = { lookup: { from: 'dupes', on: 'store_id', fields: ['region'] } };
    const dimensions = await dimensionsOf(query, datasets, baseDir);
    const full = { from: fact, ...query } as Query;
    const found = await problemsOf(() =>
      runPushDown(fact, datasets[fact] as SqlDataset, full, {}, { baseDir, path: 'q', datasets, dimensions }),
    );
    expect(found[0]).toMatchObject({ code: 'CP_ERR_LOOKUP_DUPLICATE_KEY', path: 'q.lookup.on' });
  });
}

const tmp = tempDir();
const db = join(tmp.dir, 'shop.db');
makeSqlite(
  db,
  'orders',
  ['id INTEGER', 'store_id INTEGER', 'amount REAL', 'day TEXT'],
  orders.map(Object.values),
);
makeSqlite(db, 'owners', ['sid INTEGER', 'owner TEXT'], owners.map(Object.values));
makeSqlite(
  db,
  'stores',
  ['store_id INTEGER PRIMARY KEY', 'region TEXT', 'size INTEGER', 'country TEXT'],
  stores.map(Object.values),
);
makeSqlite(db, 'countries', ['code TEXT', 'name TEXT'], countries.map(Object.values));
makeSqlite(
  db,
  'dupes',
  ['store_id INTEGER', 'region TEXT'],
  [
    [1, 'EU'],
    [2, 'US'],
    [1, 'APAC'],
  ],
);

{
  const typed = new Database(db);
  typed.exec(`
    CREATE TABLE textkeys (store_id TEXT, region TEXT);
    INSERT INTO textkeys VALUES ('1', 'EU'), ('2', 'US'), (3, 'APAC');
    CREATE TABLE codes (code TEXT, n INTEGER);
    INSERT INTO codes VALUES ('eu', 1), ('EU', 2), (NULL, 3), (x'01', 4), ('1', 5);
    CREATE TABLE zones (code TEXT COLLATE NOCASE, zone TEXT);
    INSERT INTO zones VALUES ('EU', 'west'), (x'01', 'blob'), (1, 'one');
  `);
  typed.close();
}

describe('lookup through SQLite', () => {
  const sqlite = (table: string): Dataset => ({ source: 'sqlite', path: 'shop.db', table });
  const datasets: Record<string, Dataset> = {
    orders: sqlite('orders'),
    owners: sqlite('owners'),
    stores: sqlite('stores'),
    countries: sqlite('countries'),
    dupes: sqlite('dupes'),
  };
  lookupSuite(() => ({ datasets, baseDir: tmp.dir, fact: 'orders' }));

  it('matches keys by value and type, as the JS engine does: no affinity, no collation, no BLOBs', async () => {
    const typed: Record<string, Dataset> = {
      orders: sqlite('orders'),
      codes: sqlite('codes'),
      textkeys: sqlite('textkeys'),
      zones: sqlite('zones'),
    };
    const cases: [string, Q][] = [
      [
        'orders',
        {
          lookup: { from: 'textkeys', on: 'store_id', fields: ['region'] },
          groupBy: ['region'],
          aggregate: count,
        },
      ],
      ['codes', { lookup: { from: 'zones', on: 'code', fields: ['zone'] } }],
      ['codes', { lookup: { from: 'zones', on: 'code', fields: ['zone'], onMissing: 'skip' } }],
    ];
    for (const [fact, query] of cases) {
      const { pushed, streamed, warnings, streamWarnings } = await both(fact, query, typed, tmp.dir);
      expect(warnings).toEqual(streamWarnings);
      expect(pushed).toEqual(streamed);
    }
    const { pushed } = await both('codes', cases[1]![1], typed, tmp.dir);
    expect(pushed?.map((r) => r.zone)).toEqual([null, 'west', null, null, 'one']);
  });

  describe('a query as the fact and a view as the dimension', () => {
    const viaQuery: Record<string, Dataset> = {
      ...datasets,
      orders: { source: 'sqlite', path: 'shop.db', query: 'SELECT * FROM orders' },
      stores: { source: 'sqlite', path: 'shop.db', query: 'SELECT * FROM stores ORDER BY region' },
    };
    lookupSuite(() => ({ datasets: viaQuery, baseDir: tmp.dir, fact: 'orders' }));
  });
});

/** Rows as a DuckDB SELECT of columns of the types given (`name TYPE`). */
function duckdbRows(columns: string[], rows: readonly Row[]): string {
  const names = columns.map((c) => c.split(' ')[0]!);
  const sql = (v: Value) =>
    v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v);
  const values = rows.map((r) => `(${names.map((n) => sql(r[n] ?? null)).join(', ')})`);
  const cast = columns.map((c, i) => `CAST(${names[i]} AS ${c.slice(names[i]!.length + 1)}) AS ${names[i]}`);
  return `SELECT ${cast.join(', ')} FROM (VALUES ${values.join(', ')}) AS v(${names.join(', ')})`;
}

const duckTables: [string, string[], readonly Row[]][] = [
  ['orders', ['id INTEGER', 'store_id INTEGER', 'amount DOUBLE', 'day VARCHAR'], orders],
  ['owners', ['sid BIGINT', 'owner VARCHAR'], owners],
  ['stores', ['store_id SMALLINT', 'region VARCHAR', 'size DECIMAL(4,1)', 'country VARCHAR'], stores],
  ['countries', ['code VARCHAR', 'name VARCHAR'], countries],
  [
    'dupes',
    ['store_id INTEGER', 'region VARCHAR'],
    [
      { store_id: 1, region: 'EU' },
      { store_id: 2, region: 'US' },
      { store_id: 1, region: 'APAC' },
    ],
  ],
  // Keys of other kinds: dates as text, a date, store numbers as text.
  [
    'days',
    ['day VARCHAR', 'label VARCHAR'],
    [
      { day: '2024-01-02', label: 'second' },
      { day: '2024-02-03', label: 'third' },
    ],
  ],
  [
    'dated',
    ['day DATE', 'n INTEGER'],
    [
      { day: '2024-01-01', n: 1 },
      { day: '2024-01-02', n: 2 },
      { day: null, n: 3 },
      { day: '2024-02-03', n: 4 },
      { day: '2024-05-05', n: 5 },
    ],
  ],
  [
    'textkeys',
    ['store_id VARCHAR', 'region VARCHAR'],
    [
      { store_id: '1', region: 'EU' },
      { store_id: '2', region: 'US' },
    ],
  ],
];

describe('lookup through DuckDB', () => {
  const duckdb = join(tmp.dir, 'shop.duckdb');
  beforeAll(async () => {
    for (const [name, columns, rows] of duckTables)
      await writeParquet(join(tmp.dir, `${name}.parquet`), duckdbRows(columns, rows));
    await duckdbExec(
      duckdb,
      ...duckTables.map(([name, columns, rows]) => `CREATE TABLE ${name} AS ${duckdbRows(columns, rows)}`),
      'CREATE VIEW store_view AS SELECT * FROM stores ORDER BY region',
    );
  });
  const parquet = (name: string): Dataset => ({ source: 'parquet', path: `${name}.parquet` });
  const inDb = (table: string): Dataset => ({ source: 'duckdb', path: 'shop.duckdb', table });
  const names = duckTables.map(([name]) => name);
  const all = (make: (name: string) => Dataset) => Object.fromEntries(names.map((n) => [n, make(n)]));

  describe('Parquet files', () => {
    lookupSuite(() => ({ datasets: all(parquet), baseDir: tmp.dir, fact: 'orders' }));
  });

  describe('tables of one DuckDB file', () => {
    lookupSuite(() => ({ datasets: all(inDb), baseDir: tmp.dir, fact: 'orders' }));
  });

  describe('a query as the fact and a view and a query over files as dimensions', () => {
    const datasets = (): Record<string, Dataset> => ({
      ...all(inDb),
      orders: { source: 'duckdb', path: 'shop.duckdb', query: 'SELECT * FROM orders' },
      stores: { source: 'duckdb', path: 'shop.duckdb', table: 'store_view' },
      owners: { source: 'duckdb', path: 'shop.duckdb', query: 'SELECT * FROM owners WHERE sid > 0' },
    });
    lookupSuite(() => ({ datasets: datasets(), baseDir: tmp.dir, fact: 'orders' }));
  });

  describe('a query over Parquet files as the fact, and a Parquet glob', () => {
    const datasets = (): Record<string, Dataset> => ({
      ...all(parquet),
      orders: { source: 'duckdb', query: "SELECT * FROM 'orders.parquet'" },
      countries: { source: 'parquet', path: 'countr*.parquet' },
    });
    lookupSuite(() => ({ datasets: datasets(), baseDir: tmp.dir, fact: 'orders' }));
  });

  it('matches keys by value and type, as the JS engine does: a date and its text, never a number and a text', async () => {
    const cases: [string, Q][] = [
      ['orders', { lookup: { from: 'days', on: 'day', fields: ['label'] } }],
      ['dated', { lookup: { from: 'days', on: 'day', fields: ['label'] } }],
      ['days', { lookup: { from: 'dated', on: 'day', fields: ['n'], onMissing: 'skip' } }],
      [
        'orders',
        {
          lookup: { from: 'textkeys', on: 'store_id', fields: ['region'] },
          groupBy: ['region'],
          aggregate: count,
        },
      ],
    ];
    for (const make of [parquet, inDb])
      for (const [fact, query] of cases) {
        const { pushed, streamed, warnings, streamWarnings } = await both(fact, query, all(make), tmp.dir);
        expect(warnings).toEqual(streamWarnings);
        expect(pushed).toEqual(streamed);
      }
    const { pushed } = await both('dated', cases[1]![1], all(parquet), tmp.dir);
    expect(pushed?.filter((r) => r.label !== null).map((r) => [r.day, r.label])).toEqual([
      ['2024-01-02', 'second'],
      ['2024-02-03', 'third'],
    ]);
    const texts = await both('orders', cases[3]![1], all(inDb), tmp.dir);
    expect(texts.pushed).toEqual([{ region: null, n: orders.length }]);
  });

  it('a missing key of a date is named as the source gives it', async () => {
    const query: Q = { lookup: { from: 'days', on: 'day', fields: ['label'], onMissing: 'error' } };
    const datasets = all(parquet);
    const dimensions = await dimensionsOf(query, datasets, tmp.dir);
    const full = { from: 'dated', ...query } as Query;
    const warnings: Warning[] = [];
    const pushDown = await problemsOf(() =>
      runPushDown(
        'dated',
        datasets.dated as SqlDataset,
        full,
        {},
        {
          baseDir: tmp.dir,
          path: 'q',
          warn: (w) => warnings.push(w),
          datasets,
          dimensions,
        },
      ),
    );
    const streamed = await problemsOf(() =>
      runQueries(
        openSource('dated', datasets.dated!, { baseDir: tmp.dir }),
        new Map([['q', full]]),
        {},
        {
          dataset: 'dated',
          paths: new Map([['q', 'q']]),
          dimensions,
        },
      ),
    );
    expect(warnings).toEqual([]);
    expect(pushDown).toEqual(streamed);
    expect(pushDown[0]?.message).toMatch(/^3 rows have .*: "2024-01-01", null, "2024-05-05"$/);
  });

  it('a Parquet dimension beside a DuckDB file: the rows are streamed and joined in JS', async () => {
    const datasets = { ...all(inDb), stores: parquet('stores') };
    const query: Q = { lookup, groupBy: ['region'], aggregate: count };
    const { pushed, streamed, warnings } = await both('orders', query, datasets, tmp.dir);
    expect(pushed).toBeUndefined();
    expect(warnings[0]?.message).toContain('not in the same database');
    expect(streamed).toEqual(await reference(query));
  });
});

const reachable = await postgresReachable();
const schema = uniqueName('cp_lookup');

describe.skipIf(!reachable)('lookup through PostgreSQL', () => {
  const pgTable = (table: string): Dataset => ({
    source: 'postgres',
    url: PG_URL,
    table: `${schema}.${table}`,
  });
  const datasets: Record<string, Dataset> = {
    orders: pgTable('orders'),
    owners: pgTable('owners'),
    stores: pgTable('stores'),
    countries: pgTable('countries'),
    dupes: pgTable('dupes'),
  };
  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA ${schema}`);
    const create = async (table: string, columns: string, rows: readonly Row[]) => {
      await pgExec(`CREATE TABLE ${schema}.${table} (${columns})`);
      const width = Object.keys(rows[0]!).length;
      const values = rows.map(
        (_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(', ')})`,
      );
      await pgExec(`INSERT INTO ${schema}.${table} VALUES ${values.join(', ')}`, rows.flatMap(Object.values));
    };
    await create('orders', 'id int, store_id int, amount float8, day text', orders);
    await create('owners', 'sid int, owner text', owners);
    await create('stores', 'store_id int PRIMARY KEY, region text, size int, country text', stores);
    await create('countries', 'code text, name text', countries);
    await create('textkeys', 'store_id text, region text', [
      { store_id: '1', region: 'EU' },
      { store_id: '2', region: 'US' },
    ]);
    await create('dupes', 'store_id int, region text', [
      { store_id: 1, region: 'EU' },
      { store_id: 2, region: 'US' },
      { store_id: 1, region: 'APAC' },
    ]);
  });
  afterAll(async () => {
    await pgExec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  lookupSuite(() => ({ datasets, baseDir: tmp.dir, fact: 'orders' }));

  it('keys of types PostgreSQL cannot compare: streamed, matching nothing, as in JS', async () => {
    const withText: Record<string, Dataset> = { ...datasets, textkeys: pgTable('textkeys') };
    const query: Q = {
      lookup: { from: 'textkeys', on: 'store_id', fields: ['region'] },
      groupBy: ['region'],
      aggregate: count,
    };
    const { pushed, streamed, warnings } = await both('orders', query, withText, tmp.dir);
    expect(pushed).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(['CP_WARN_PUSHDOWN_FALLBACK']);
    expect(warnings[0]?.message).toMatch(/PostgreSQL refused the statement/);
    expect(streamed).toEqual([{ region: null, n: orders.length }]);
  });

  describe('a query as the fact', () => {
    const viaQuery = (): Record<string, Dataset> => ({
      ...datasets,
      orders: { source: 'postgres', url: PG_URL, query: `SELECT * FROM ${schema}.orders` },
    });
    lookupSuite(() => ({ datasets: viaQuery(), baseDir: tmp.dir, fact: 'orders' }));
  });
});
