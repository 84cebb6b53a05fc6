import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchRows } from '../../../src/data/batch.js';
import { csvSource } from '../../../src/data/sources/csv.js';
import { globSource } from '../../../src/data/sources/glob-source.js';
import { ndjsonSource } from '../../../src/data/sources/ndjson.js';
import { FileRoots } from '../../../src/data/sources/roots.js';
import { createEngine } from '../../../src/engine.js';
import { ChartpressError } from '../../../src/errors.js';
import type { Row } from '../../../src/frame.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir();
const base = tmp.dir;
const where = { file: join(base, 'report.yaml'), path: 'datasets.sales' };

const header = 'date,region,amount,note';
const lines = Array.from(
  { length: 30 },
  (_, i) =>
    `2025-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 9) + 1},${['EU', 'US', 'APAC'][i % 3]},${i * 1.5},"n ${i}, ""q"""`,
);
tmp.write('whole.csv', `${header}\n${lines.join('\n')}\n`);
// The same rows in three files: one with a byte order mark and CR LF, one with its columns in another order.
tmp.write('parts/2025-01.csv', `${header}\n${lines.slice(0, 10).join('\n')}\n`);
tmp.write('parts/2025-02.csv', `\uFEFF${header}\r\n${lines.slice(10, 20).join('\r\n')}\r\n`);
const reordered = lines.slice(20).map((l) => {
  const [date, region, amount, ...note] = l.split(',');
  return [note.join(','), amount, date, region].join(',');
});
tmp.write('parts/2025-03.csv', `note,amount,date,region\n${reordered.join('\n')}`);
tmp.write('parts/readme.txt', 'not data');

async function collect(source: AsyncIterable<Row>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of source) rows.push(row);
  return rows;
}

async function failure(p: Promise<unknown>): Promise<ChartpressError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChartpressError) return e;
    throw e;
  }
  throw new Error('expected a ChartpressError');
}

const csvGlob = (path: string, more: Partial<Parameters<typeof globSource>[1]> = {}) =>
  globSource({ source: 'csv', path }, { baseDir: base, where, ...more });

describe('CSV glob paths', () => {
  it("read the files in order as one dataset: the rows of one file, the columns in the first file's order", async () => {
    const one = await collect(csvSource({ path: join(base, 'whole.csv'), where }));
    const many = await collect(csvGlob('parts/*.csv'));
    expect(many).toEqual(one);
    expect(Object.keys(many[25]!)).toEqual(['date', 'region', 'amount', 'note']);
  });

  it("give column batches that all have the first file's names", async () => {
    const source = csvGlob('parts/2025-0[1-3].csv');
    const names = new Set<string>();
    const rows: Row[] = [];
    for await (const batch of source.columnBatches!()) {
      names.add(batch.names.join(','));
      rows.push(...batchRows(batch));
    }
    expect([...names]).toEqual([header]);
    expect(rows).toEqual(await collect(csvSource({ path: join(base, 'whole.csv'), where })));
  });

  it('read each file on threads when asked, as on one thread', async () => {
    const threaded = await collect(csvGlob('parts/*.csv', { thread: true, segmentBytes: 64 }));
    expect(threaded).toEqual(await collect(csvGlob('parts/*.csv', { thread: false })));
  });

  it('refuse a file with other columns, naming both files', async () => {
    tmp.write('mixed/a.csv', 'date,region,amount\n2025-01-01,EU,1\n');
    tmp.write('mixed/b.csv', 'date,area,amount\n2025-01-02,EU,2\n');
    const e = await failure(collect(csvGlob('mixed/*.csv')));
    const p = e.problems[0]!;
    expect(p).toMatchObject({ code: 'CP_ERR_CSV_HEADER_MISMATCH', path: 'datasets.sales.path' });
    expect(p.message).toContain(join(base, 'mixed/a.csv'));
    expect(p.message).toContain(join(base, 'mixed/b.csv'));
    expect(p.message).toMatch(/lacks region.*has area besides/);
  });

  it('check the header of a file without rows too, and read an empty file as none', async () => {
    tmp.write('headers/a.csv', 'date,region,amount\n');
    tmp.write('headers/b.csv', '');
    tmp.write('headers/c.csv', 'region,amount,date\nEU,1,2025-01-01\n');
    expect(await collect(csvGlob('headers/*.csv'))).toEqual([
      { date: '2025-01-01', region: 'EU', amount: 1 },
    ]);
    tmp.write('headers/d.csv', 'date,area\n');
    const e = await failure(collect(csvGlob('headers/*.csv')));
    expect(e.problems[0]?.code).toBe('CP_ERR_CSV_HEADER_MISMATCH');
    expect(e.problems[0]?.message).toContain(join(base, 'headers/d.csv'));
  });

  it('name the file and its own line in a parse error', async () => {
    tmp.write('broken/1.csv', 'a,b\n1,2\n3,4\n');
    tmp.write('broken/2.csv', 'a,b\n5,6\n7,"unclosed\n');
    const e = await failure(collect(csvGlob('broken/*.csv')));
    expect(e.problems[0]?.code).toBe('CP_ERR_CSV_PARSE');
    expect(e.problems[0]?.message).toContain(`${join(base, 'broken/2.csv')} at line 3`);
  });

  it('name the file that lacks a declared column', async () => {
    const e = await failure(
      collect(
        globSource(
          { source: 'csv', path: 'mixed/*.csv', columns: { region: 'string' } },
          { baseDir: base, where },
        ),
      ),
    );
    expect(e.problems[0]?.code).toBe('CP_ERR_UNKNOWN_COLUMN');
    expect(e.problems[0]?.message).toContain(join(base, 'mixed/b.csv'));
  });

  it('match anew at each read: a file added or removed counts', async () => {
    tmp.write('growing/1.csv', 'a\n1\n');
    const source = csvGlob('growing/*.csv');
    expect(await collect(source)).toEqual([{ a: 1 }]);
    tmp.write('growing/2.csv', 'a\n2\n');
    expect(await collect(source)).toEqual([{ a: 1 }, { a: 2 }]);
    unlinkSync(join(base, 'growing/1.csv'));
    expect(await collect(source)).toEqual([{ a: 2 }]);
  });

  it('check every match against the roots', async () => {
    const roots = new FileRoots([join(base, 'parts')]);
    expect(await collect(csvGlob('parts/*.csv', { roots }))).toHaveLength(30);
    const e = await failure(collect(csvGlob('*/*.csv', { roots })));
    expect(e.problems[0]?.code).toBe('CP_ERR_PATH_DENIED');
  });
});

describe('NDJSON glob paths', () => {
  const records = Array.from({ length: 12 }, (_, i) =>
    JSON.stringify({ i, tag: `t${i % 4}`, ...(i % 5 === 0 ? { extra: true } : {}) }),
  );
  tmp.write('logs.ndjson', `${records.join('\n')}\n`);
  tmp.write('logs/a.ndjson', `${records.slice(0, 4).join('\n')}\n`);
  tmp.write('logs/b.ndjson', `\uFEFF${records.slice(4, 9).join('\r\n')}\r\n\r\n`);
  tmp.write('logs/c/d.ndjson', records.slice(9).join('\n'));

  it('read the files in order as one dataset: the rows of one file', async () => {
    const one = await collect(ndjsonSource({ path: join(base, 'logs.ndjson'), where }));
    const many = await collect(
      globSource({ source: 'ndjson', path: 'logs/**/*.ndjson' }, { baseDir: base, where }),
    );
    expect(many).toEqual(one);
  });

  it('name the file and its own line in an error', async () => {
    tmp.write('badlogs/1.ndjson', '{"a":1}\n');
    tmp.write('badlogs/2.ndjson', '{"a":2}\n{"a":\n');
    const e = await failure(
      collect(globSource({ source: 'ndjson', path: 'badlogs/*.ndjson' }, { baseDir: base, where })),
    );
    expect(e.problems[0]?.code).toBe('CP_ERR_DATA_READ');
    expect(e.problems[0]?.message).toContain(`${join(base, 'badlogs/2.ndjson')} at line 2`);
  });
});

describe('a glob dataset in a report', () => {
  const engine = createEngine({ cache: false, pool: { threads: 1 } });
  afterAll(() => engine.close());

  const report = (path: string, source = 'csv') => ({
    title: 'T',
    timezone: 'UTC',
    datasets: { sales: { source, path } },
    charts: {
      c: {
        type: 'bar',
        data: {
          from: 'sales',
          groupBy: [{ field: 'date', bucket: 'quarter' }, 'region'],
          aggregate: { total: { op: 'sum', field: 'amount' }, n: { op: 'count' } },
          sort: ['date', 'region'],
        },
        encode: { x: 'date', y: 'total', series: 'region' },
      },
    },
    body: [
      { chart: 'c' },
      { table: { data: { from: 'sales', sort: [{ field: 'amount', order: 'desc' }], limit: 5 } } },
    ],
  });

  it('gives the frames one file gives', async () => {
    const one = await engine.data(report('whole.csv') as never, { baseDir: base });
    const many = await engine.data(report('parts/2025-*.csv') as never, { baseDir: base });
    expect(many).toEqual(one);
    expect(many.c?.length).toBeGreaterThan(4);
  });
});
