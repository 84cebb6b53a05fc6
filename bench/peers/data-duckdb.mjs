// DuckDB in memory: the sales CSV loaded into a table, then the eight queries in SQL, computing
// what bench/suites/data-queries.ts asks of chartpress: `data-duckdb.mjs <csv> [threads]`.
// The date column is read as TIMESTAMP (the file's instants are all UTC, `...Z`), so date_trunc
// cuts months, quarters and ISO weeks (from Monday) on the UTC calendar, as chartpress does.
import { DuckDBInstance } from '@duckdb/node-api';
import { report } from './child.mjs';

const [csv = '', threads] = process.argv.slice(2);
const day = (unit) => `strftime(date_trunc('${unit}', "date"), '%Y-%m-%d') AS "date"`;
const queries = {
  by_month: `SELECT ${day('month')}, sum(revenue) AS revenue FROM s GROUP BY 1`,
  by_region: 'SELECT region, sum(revenue) AS revenue, count(*) AS n FROM s GROUP BY 1',
  by_product: 'SELECT product, sum(units) AS units FROM s GROUP BY 1',
  by_channel: 'SELECT channel, avg(revenue) AS avg FROM s GROUP BY 1',
  month_region: `SELECT ${day('month')}, region, sum(revenue) AS revenue FROM s GROUP BY 1, 2`,
  quarter: `SELECT ${day('quarter')}, sum(cost) AS cost FROM s GROUP BY 1`,
  emea_weeks: `SELECT ${day('week')}, max(revenue) AS max FROM s WHERE region = 'EMEA' GROUP BY 1`,
  totals: 'SELECT sum(revenue) AS revenue, min(cost) AS min FROM s',
};

const t = performance.now();
const instance = await DuckDBInstance.create(':memory:', threads ? { threads } : {});
const db = await instance.connect();
const path = csv.replaceAll("'", "''");
await db.run(`CREATE TABLE s AS SELECT * FROM read_csv('${path}', types = {'date': 'TIMESTAMP'})`);
const results = {};
for (const [id, sql] of Object.entries(queries)) {
  // Counts and integer sums come back as BigInt.
  results[id] = (await db.runAndReadAll(sql))
    .getRowObjectsJS()
    .map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
}
const ms = performance.now() - t;
db.closeSync();
report({ ms, results, threads: threads ?? 'default' });
