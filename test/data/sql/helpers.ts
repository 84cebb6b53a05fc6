import Database from 'better-sqlite3';
import pg from 'pg';
import { runQueries } from '../../../src/data/scan.js';
import type { RowSource } from '../../../src/data/sources/rows.js';
import { runPushDown } from '../../../src/data/sql/pushdown.js';
import type { SqlDataset } from '../../../src/data/sql/sessions.js';
import type { Warning } from '../../../src/errors.js';
import { type Frame, frameToRows, type Row, type Value } from '../../../src/frame.js';
import type { Query } from '../../../src/spec/schema.js';

/** The test server: `CHARTPRESS_TEST_PG_URL`, or the local one that `.ci/run` starts. */
export const PG_URL = process.env.CHARTPRESS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. Outside CI an absent server skips its tests, loudly; with
 * CI=true it fails them instead.
 */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (e) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL not reachable at ${new URL(PG_URL).host} under CI=true: ${e}`);
    console.warn(
      `SKIPPED: PostgreSQL not reachable at ${new URL(PG_URL).host} (${e}); its tests did not run`,
    );
    return false;
  }
}

/** Runs SQL on the test server with a client of its own. */
export async function pgExec(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client(PG_URL);
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** A schema name no other test run uses. */
export const uniqueName = (prefix: string) =>
  `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

/** Creates a SQLite file with one table from rows (the column list is SQL, e.g. `"a b" REAL`). */
export function makeSqlite(path: string, table: string, columns: string[], rows: unknown[][]): void {
  const db = new Database(path);
  try {
    db.exec(`CREATE TABLE "${table}" (${columns.join(', ')})`);
    const insert = db.prepare(`INSERT INTO "${table}" VALUES (${columns.map(() => '?').join(', ')})`);
    db.transaction(() => {
      for (const row of rows) insert.run(...row);
    })();
  } finally {
    db.close();
  }
}

export async function collect(source: AsyncIterable<Row>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of source) rows.push(row);
  return rows;
}

/** What a query gives through push-down and through streaming the same dataset's rows. */
export interface Both {
  readonly pushed: Frame | undefined;
  readonly streamed: Frame;
  readonly pushWarnings: Warning[];
  readonly streamWarnings: Warning[];
}

export async function both(
  dataset: SqlDataset,
  source: RowSource,
  query: Query,
  params: Record<string, Value> = {},
  baseDir = '/',
): Promise<Both> {
  const pushWarnings: Warning[] = [];
  const pushed = await runPushDown('sales', dataset, query, params, {
    baseDir,
    path: 'q',
    warn: (w) => pushWarnings.push(w),
  });
  const streamWarnings: Warning[] = [];
  const frames = await runQueries(source, new Map([['q', query]]), params, {
    dataset: 'sales',
    warn: (w) => streamWarnings.push(w),
  });
  return { pushed, streamed: frames.get('q')!, pushWarnings, streamWarnings };
}

/** The storage of each column: `f64` for a Float64Array, `array` otherwise. */
export const storage = (frame: Frame) =>
  Object.fromEntries(
    frame.fields.map((f) => [f, frame.columns[f] instanceof Float64Array ? 'f64' : 'array']),
  );

export { frameToRows };
