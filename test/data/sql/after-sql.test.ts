import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statementPart } from '../../../src/data/sql/after-sql.js';
import { compileQuery } from '../../../src/data/sql/compile.js';
import { runPushDown } from '../../../src/data/sql/pushdown.js';
import { ChartpressError } from '../../../src/errors.js';
import type { Query } from '../../../src/spec/schema.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeSqlite } from './helpers.js';

const tmp = tempDir();
const path = join(tmp.dir, 'w.db');
makeSqlite(
  path,
  't',
  ['k TEXT', 'v INTEGER'],
  Array.from({ length: 12 }, (_, i) => [`k${i % 6}`, i]),
);

const windowed: Query = {
  from: 't',
  groupBy: ['k'],
  aggregate: { s: { op: 'sum', field: 'v' } },
  window: [{ op: 'rank', order: [{ field: 's', order: 'desc' }] }],
  sort: ['rank'],
  limit: 2,
  fold: ['s', 'rank'],
};

describe('windows and fold over a statement', () => {
  it('leaves the windows, the sort and limit after them, and the fold out of the statement', () => {
    const { window: _w, sort: _s, limit: _l, fold: _f, ...aggregated } = windowed;
    expect(statementPart(windowed)).toEqual(aggregated);
    const { fold: _fold, ...unfolded } = { ...windowed, window: undefined };
    expect(statementPart({ ...windowed, window: undefined })).toEqual({ ...unfolded, window: undefined });
  });

  it('is not compiled with its windows or fold: they would be left out', () => {
    expect(compileQuery(windowed, {}, 'sqlite', { table: 't' })).toEqual({ reason: 'window' });
    expect(compileQuery({ from: 't', fold: ['v'] }, {}, 'sqlite', { table: 't' })).toEqual({
      reason: 'fold',
    });
  });

  it('runs windows, sort, limit and fold over the groups SQLite returns', async () => {
    const warnings: unknown[] = [];
    const frame = await runPushDown(
      't',
      { source: 'sqlite', path, table: 't' },
      windowed,
      {},
      {
        baseDir: '/',
        warn: (w) => warnings.push(w),
      },
    );
    expect(warnings).toEqual([]);
    expect(frame?.fields).toEqual(['k', 'key', 'value']);
    expect(frame?.columns.value).toEqual(Float64Array.of(16, 1, 14, 2));
  });

  it('counts every group against maxGroups, whatever the limit, as the streaming engine does', async () => {
    const run = runPushDown(
      't',
      { source: 'sqlite', path, table: 't' },
      windowed,
      {},
      { baseDir: '/', maxGroups: 5 },
    );
    await expect(run).rejects.toThrow(ChartpressError);
    await expect(run).rejects.toThrow(/more than 5 groups/);
  });
});
