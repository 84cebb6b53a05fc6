import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSource } from '../../../src/data/sources/index.js';
import { sqliteSource } from '../../../src/data/sources/sqlite.js';
import { ChartpressError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';
import { collect, makeSqlite } from './helpers.js';

const tmp = tempDir();
const path = join(tmp.dir, 'shop.db');
makeSqlite(
  path,
  'Orders 2024',
  ['"Order Date" TEXT', '"Cost Total $" REAL', 'qty INTEGER', 'paid INTEGER', 'note', 'photo BLOB'],
  [
    ['2024-03-05', 12.5, 3, 1, 'ok', Buffer.from([1, 2])],
    [null, null, null, 0, 7, null],
    ['2024-03-06T14:00:00Z', 0.25, 2n ** 60n, null, '12', null],
  ],
);
makeSqlite(
  join(tmp.dir, 'big.db'),
  'n',
  ['i INTEGER'],
  Array.from({ length: 20_000 }, (_, i) => [i]),
);
const where = { path: 'datasets.orders', file: 'report.yaml' };

async function failure(source: AsyncIterable<unknown>): Promise<ChartpressError> {
  const e = await collect(source as AsyncIterable<never>).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ChartpressError);
  return e as ChartpressError;
}

/** Open file descriptors of this process on `file`, read from /proc (Linux). */
function openHandles(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

/** Whether another connection can take an exclusive lock on `file` at once (no reader holds it). */
function lockable(file: string): boolean {
  const db = new Database(file, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw e;
  } finally {
    db.close();
  }
}

describe('sqliteSource', () => {
  it('reads a table with messy column names: numbers, text, nulls; BLOBs as null', async () => {
    const rows = await collect(sqliteSource({ path, table: 'Orders 2024', where }));
    expect(rows).toEqual([
      { 'Order Date': '2024-03-05', 'Cost Total $': 12.5, qty: 3, paid: 1, note: 'ok', photo: null },
      { 'Order Date': null, 'Cost Total $': null, qty: null, paid: 0, note: 7, photo: null },
      {
        'Order Date': '2024-03-06T14:00:00Z',
        'Cost Total $': 0.25,
        qty: 2 ** 60,
        paid: null,
        note: '12',
        photo: null,
      },
    ]);
  });

  it('reads a query, a trailing semicolon allowed', async () => {
    const query = 'SELECT qty * 2 AS double FROM "Orders 2024" WHERE qty < 10;';
    expect(await collect(sqliteSource({ path, query, where }))).toEqual([{ double: 6 }]);
  });

  it('applies declared column types', async () => {
    const columns = { paid: 'boolean', note: 'number', qty: 'string' } as const;
    const rows = await collect(sqliteSource({ path, table: 'orders 2024', columns, where }));
    expect(rows.map((r) => [r.paid, r.note, r.qty])).toEqual([
      [true, null, '3'],
      [false, 7, null],
      [null, 12, String(2 ** 60)],
    ]);
  });

  it('is opened by openSource with the path relative to the report', async () => {
    const source = openSource(
      'orders',
      { source: 'sqlite', path: 'shop.db', query: 'SELECT 1 AS one' },
      { baseDir: tmp.dir },
    );
    expect(await collect(source)).toEqual([{ one: 1 }]);
  });

  it('lets timers run while it reads', async () => {
    let seenAtTimer = -1;
    let n = 0;
    setTimeout(() => {
      seenAtTimer = n;
    }, 0);
    for await (const _ of sqliteSource({ path: join(tmp.dir, 'big.db'), table: 'n', where })) n++;
    expect(n).toBe(20_000);
    expect(seenAtTimer).toBeGreaterThanOrEqual(0);
    expect(seenAtTimer).toBeLessThan(20_000);
  });

  it('releases the database when the reader stops early: a writer can lock it at once', async () => {
    const big = join(tmp.dir, 'big.db');
    for await (const _ of sqliteSource({ path: big, table: 'n', where })) {
      expect(lockable(big)).toBe(false);
      break;
    }
    expect(lockable(big)).toBe(true);
  });

  // Counting descriptors needs /proc: elsewhere this is reported as skipped, the lock test above
  // still runs.
  it.skipIf(!existsSync('/proc/self/fd'))('closes the file when the reader stops early', async () => {
    const big = join(tmp.dir, 'big.db');
    for await (const _ of sqliteSource({ path: big, table: 'n', where })) {
      expect(openHandles(big)).toBeGreaterThan(0);
      break;
    }
    expect(openHandles(big)).toBe(0);
  });
});

describe('sqliteSource errors', () => {
  it('a missing file: CP_ERR_FILE_NOT_FOUND at the dataset path', async () => {
    const e = await failure(sqliteSource({ path: join(tmp.dir, 'nope.db'), table: 't', where }));
    expect(e.problems[0]).toMatchObject({
      code: 'CP_ERR_FILE_NOT_FOUND',
      path: 'datasets.orders.path',
      file: 'report.yaml',
    });
  });

  it('a file that is not a database: CP_ERR_DATA_READ', async () => {
    const notDb = join(tmp.dir, 'notes.db');
    writeFileSync(
      notDb,
      'just some text, long enough to have a header of sorts........................................',
    );
    const e = await failure(sqliteSource({ path: notDb, table: 't', where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.orders.path' });
    expect(e.message).toContain('not a database');
  });

  it('a missing table lists the tables', async () => {
    const e = await failure(sqliteSource({ path, table: 'orders', where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.orders.table' });
    expect(e.problems[0]!.message).toBe('no table "orders" in the database; tables: Orders 2024');
  });

  it('bad SQL carries the database message at the query path', async () => {
    const e = await failure(sqliteSource({ path, query: 'SELECT nope FROM "Orders 2024"', where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_DATA_READ', path: 'datasets.orders.query' });
    expect(e.problems[0]!.message).toContain('no such column: nope');
  });

  it('a statement that returns no rows is refused', async () => {
    const e = await failure(sqliteSource({ path, query: 'BEGIN', where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_SQL_READ_ONLY', path: 'datasets.orders.query' });
  });

  it('a statement that writes is refused before it runs: CP_ERR_SQL_READ_ONLY', async () => {
    const e = await failure(sqliteSource({ path, query: 'DELETE FROM "Orders 2024"', where }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_SQL_READ_ONLY', path: 'datasets.orders.query' });
  });

  it('a declared column the table lacks: CP_ERR_UNKNOWN_COLUMN', async () => {
    const e = await failure(
      sqliteSource({ path, table: 'Orders 2024', columns: { total: 'number' }, where }),
    );
    expect(e.problems[0]).toMatchObject({
      code: 'CP_ERR_UNKNOWN_COLUMN',
      path: 'datasets.orders.columns.total',
    });
  });
});
