import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPushDown } from '../../src/data/sql/pushdown.js';
import type { SqlDataset } from '../../src/data/sql/sessions.js';
import type { Warning } from '../../src/errors.js';
import { frameToRows } from '../../src/frame.js';
import type { Query } from '../../src/spec/schema.js';
import { makeSqlite, PG_URL, pgExec, postgresReachable, uniqueName } from '../data/sql/helpers.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `calculate` expressions come from reports, which a server takes from requests: their text
 * values are values, never SQL, on either database, and an expression past its limits is
 * refused before anything runs.
 */

const reachable = await postgresReachable();
const tmp = tempDir();
const path = join(tmp.dir, 'x.db');
makeSqlite(path, 't', ['x TEXT'], [['a'], ["it's"], ['b\\']]);
const schema = uniqueName('cp_expr');

beforeAll(async () => {
  if (!reachable) return;
  await pgExec(`CREATE SCHEMA ${schema}`);
  await pgExec(`CREATE TABLE ${schema}.t (x text)`);
  await pgExec(`INSERT INTO ${schema}.t VALUES ('a'), ('it''s'), ('b\\')`);
});
afterAll(async () => {
  if (reachable) await pgExec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

const hostile = [
  `x = 'a''); DROP TABLE t; --'`,
  `x = 'it''s'`,
  String.raw`concat(x, '\'; DELETE FROM t')`,
  String.raw`x = 'b\\'`,
  `if(x = 'a', '$$; DROP TABLE t; $$', 'E''x''')`,
];

async function run(dataset: SqlDataset, e: string) {
  const query: Query = { from: 'd', calculate: { e }, groupBy: ['e'], aggregate: { n: { op: 'count' } } };
  const warnings: Warning[] = [];
  const frame = await runPushDown('d', dataset, query, {}, { baseDir: '/', warn: (w) => warnings.push(w) });
  return { rows: frame && frameToRows(frame), warnings };
}

describe('hostile text in expressions is text', () => {
  const datasets: [string, () => SqlDataset, boolean][] = [
    ['SQLite', () => ({ source: 'sqlite', path, table: 't' }), true],
    ['PostgreSQL', () => ({ source: 'postgres', url: PG_URL, table: `${schema}.t` }), reachable],
  ];
  for (const [name, dataset, up] of datasets) {
    it.skipIf(!up)(name, async () => {
      const results = [];
      for (const e of hostile) results.push(await run(dataset(), e));
      for (const r of results) expect(r.warnings).toEqual([]);
      expect(results.map((r) => r.rows)).toEqual([
        [{ e: false, n: 3 }],
        [
          { e: false, n: 2 },
          { e: true, n: 1 },
        ],
        [
          { e: "a'; DELETE FROM t", n: 1 },
          { e: "it's'; DELETE FROM t", n: 1 },
          { e: String.raw`b\'; DELETE FROM t`, n: 1 },
        ],
        [
          { e: false, n: 2 },
          { e: true, n: 1 },
        ],
        [
          { e: '$$; DROP TABLE t; $$', n: 1 },
          { e: "E'x'", n: 2 },
        ],
      ]);
      // The table is still there, whole.
      if (name === 'SQLite') {
        const db = new Database(path, { readonly: true });
        expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 });
        db.close();
      } else {
        expect((await pgExec(`SELECT count(*)::int AS n FROM ${schema}.t`)).rows).toEqual([{ n: 3 }]);
      }
    });
  }
});

describe('expressions past their limits', () => {
  it.each([
    ['long', `x${" + 'a'".repeat(400)}`, /at most 2000/],
    ['deep', `${'abs('.repeat(40)}1${')'.repeat(40)}`, /deeper than 32 levels/],
  ])('a %s expression is refused before the database is asked', async (_, e, says) => {
    const query: Query = { from: 'd', calculate: { e }, aggregate: { n: { op: 'count' } } };
    await expect(
      runPushDown('d', { source: 'sqlite', path, table: 't' }, query, {}, { baseDir: '/' }),
    ).rejects.toThrow(says);
  });
});
