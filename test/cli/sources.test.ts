import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbExec, writeParquet } from '../data/sql/duckdb-fixtures.js';
import { makeSqlite, PG_URL, pgExec, postgresReachable, uniqueName } from '../data/sql/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** The same rows in every source; each report must aggregate them to the same numbers. */
const rows = [
  { day: '2024-01-03', region: 'EU', 'Cost Total $': 10.5 },
  { day: '2024-01-20', region: 'US', 'Cost Total $': 4 },
  { day: '2024-02-02', region: 'EU', 'Cost Total $': 7 },
  { day: '2024-02-15', region: 'EU', 'Cost Total $': null },
  { day: '2024-03-09', region: 'US', 'Cost Total $': 12.25 },
];
/** Computed by hand from the rows above. */
const expected = {
  by_month: [
    { month: '2024-01-01', total: 14.5, n: 2 },
    { month: '2024-02-01', total: 7, n: 2 },
    { month: '2024-03-01', total: 12.25, n: 1 },
  ],
  by_region: [
    { region: 'EU', total: 17.5 },
    { region: 'US', total: 16.25 },
  ],
};

const tmp = tempDir();
const pgTable = uniqueName('cp_sales');
let pgUp = false;

function report(dataset: string): string {
  return tmp.write(
    `${Math.random().toString(36).slice(2)}.yaml`,
    `title: Sources
datasets:
  d: ${dataset}
charts:
  by_month:
    type: line
    data:
      from: d
      groupBy: [{ field: day, bucket: month, as: month }]
      aggregate: { total: { op: sum, field: 'Cost Total $' }, n: { op: count } }
      sort: [month]
    encode: { x: month, y: total }
  by_region:
    type: bar
    data:
      from: d
      filter: [{ field: region, op: in, value: [EU, US] }]
      groupBy: [region]
      aggregate: { total: { op: sum, field: 'Cost Total $' } }
      sort: [region]
    encode: { x: region, y: total }
body:
  - chart: by_month
  - chart: by_region
`,
  );
}

beforeAll(async () => {
  const csvCell = (v: unknown) => (v === null ? '' : String(v));
  tmp.write(
    'd.csv',
    `\uFEFFday,region,Cost Total $\r\n${rows.map((r) => [r.day, r.region, r['Cost Total $']].map(csvCell).join(',')).join('\r\n')}\r\n\r\n`,
  );
  tmp.write('d.ndjson', `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  // The same rows in several files for the glob paths: the second CSV file with its columns in another order.
  const csvLine = (r: (typeof rows)[number]) => [r.day, r.region, r['Cost Total $']].map(csvCell).join(',');
  tmp.write(
    'csv-parts/2024-01.csv',
    `\uFEFFday,region,Cost Total $\r\n${rows.slice(0, 2).map(csvLine).join('\r\n')}\r\n`,
  );
  tmp.write(
    'csv-parts/2024-02.csv',
    `region,Cost Total $,day\n${rows
      .slice(2)
      .map((r) => [r.region, r['Cost Total $'], r.day].map(csvCell).join(','))
      .join('\n')}\n`,
  );
  const ndjsonLines = (part: typeof rows) => part.map((r) => JSON.stringify(r)).join('\n');
  tmp.write('ndjson-parts/a.ndjson', `${ndjsonLines(rows.slice(0, 3))}\n`);
  tmp.write('ndjson-parts/more/b.ndjson', ndjsonLines(rows.slice(3)));
  tmp.write('d.json', JSON.stringify(rows, null, 2));
  makeSqlite(
    join(tmp.dir, 'd.db'),
    'sales',
    ['day TEXT', 'region TEXT', '"Cost Total $" REAL'],
    rows.map((r) => [r.day, r.region, r['Cost Total $']]),
  );
  // Typed columns: a DATE, text and a DECIMAL, split over two Parquet files for the glob.
  const select = (part: typeof rows) =>
    `SELECT CAST(day AS DATE) AS day, region, CAST(cost AS DECIMAL(10, 2)) AS "Cost Total $" FROM (VALUES ${part
      .map((r) => `('${r.day}', '${r.region}', ${r['Cost Total $'] ?? 'NULL'})`)
      .join(', ')}) AS v(day, region, cost)`;
  await writeParquet(join(tmp.dir, 'd.parquet'), select(rows));
  mkdirSync(join(tmp.dir, 'parts'));
  await writeParquet(join(tmp.dir, 'parts', 'd-1.parquet'), select(rows.slice(0, 2)));
  await writeParquet(join(tmp.dir, 'parts', 'd-2.parquet'), select(rows.slice(2)));
  await duckdbExec(join(tmp.dir, 'd.duckdb'), `CREATE TABLE sales AS ${select(rows)}`);
  pgUp = await postgresReachable();
  if (pgUp) {
    await pgExec(`CREATE TABLE ${pgTable} (day date, region text, "Cost Total $" numeric)`);
    for (const r of rows)
      await pgExec(`INSERT INTO ${pgTable} VALUES ($1, $2, $3)`, [r.day, r.region, r['Cost Total $']]);
  }
});

afterAll(async () => {
  if (pgUp) await pgExec(`DROP TABLE IF EXISTS ${pgTable}`);
});

describe('every source gives the same aggregates through `chartpress data`', () => {
  const sources: Record<string, () => string> = {
    inline: () => `{ source: inline, rows: ${JSON.stringify(rows)} }`,
    csv: () => `{ source: csv, path: d.csv }`,
    ndjson: () => `{ source: ndjson, path: d.ndjson }`,
    'csv glob': () => `{ source: csv, path: "csv-parts/2024-*.csv" }`,
    'ndjson glob': () => `{ source: ndjson, path: "ndjson-parts/**/*.ndjson" }`,
    json: () => `{ source: json, path: d.json }`,
    sqlite: () => `{ source: sqlite, path: d.db, table: sales }`,
    'sqlite query': () => `{ source: sqlite, path: d.db, query: "select * from sales" }`,
    postgres: () => `{ source: postgres, url: "\${CP_TEST_PG_URL}", table: ${pgTable} }`,
    parquet: () => `{ source: parquet, path: d.parquet }`,
    'parquet glob': () => `{ source: parquet, path: "parts/d-*.parquet" }`,
    duckdb: () => `{ source: duckdb, path: d.duckdb, table: sales }`,
    'duckdb query': () => `{ source: duckdb, path: d.duckdb, query: "select * from sales" }`,
    'duckdb query over files': () => `{ source: duckdb, query: "select * from 'parts/*.parquet'" }`,
  };
  for (const [name, dataset] of Object.entries(sources)) {
    it(name, async ({ skip }) => {
      if (name === 'postgres') {
        if (!pgUp) skip();
        process.env.CP_TEST_PG_URL = PG_URL;
      }
      const run = await cli('data', report(dataset()));
      expect(run.stderr.filter((l) => l && !l.startsWith('warning: CP_WARN_INVALID_VALUES'))).toEqual([]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout.join('\n'))).toEqual(expected);
    });
  }

  it('renders a PDF from SQLite with one warning about the null cost per query', async () => {
    const out = join(tmp.dir, 'sqlite.pdf');
    const run = await cli(
      'render',
      report(sources.sqlite?.() ?? ''),
      '-o',
      out,
      '--no-cache',
      '--quiet',
      '--stats',
      'json',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.at(-1) ?? '{}').charts).toMatchObject({ rendered: 2, failed: 0 });
    const warnings = run.stderr.filter((l) => l.startsWith('warning: CP_WARN_INVALID_VALUES'));
    expect(warnings).toEqual([
      expect.stringMatching(/charts\.by_month\.data\.aggregate\.total: 1 value in column "Cost Total \$"/),
      expect.stringMatching(/charts\.by_region\.data\.aggregate\.total: 1 value/),
    ]);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
