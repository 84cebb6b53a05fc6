import { mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRows } from '../../../src/data/batch.js';
import { InvalidCells } from '../../../src/data/invalid.js';
import { type CsvOptions, csvSource } from '../../../src/data/sources/csv.js';
import { ChartpressError } from '../../../src/errors.js';
import type { Row } from '../../../src/frame.js';
import { csvCase, misses, type Outcome, oracle } from './csv-oracle.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartpress-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const where = { file: '/reports/report.yaml', path: 'datasets.sales' };

async function readAll(text: string | Buffer, opts: Partial<CsvOptions> = {}): Promise<Row[]> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(path, text);
  return collect(csvSource({ path, where, ...opts }));
}

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

describe('csvSource', () => {
  it('reads a messy file: BOM, CRLF, quotes, escaped quotes, line breaks in quotes, empty lines', async () => {
    const text = [
      '\uFEFFid,name,Cost Total $,note,when',
      '1,"Smith, John",12.5,"said ""hi""",2024-03-05',
      '',
      '2,Ann,-3.5,"two',
      'lines",2024-03-05T14:00:00Z',
      '3,,1e3,,',
      '',
      '',
    ].join('\r\n');
    expect(await readAll(text)).toEqual([
      { id: 1, name: 'Smith, John', 'Cost Total $': 12.5, note: 'said "hi"', when: '2024-03-05' },
      { id: 2, name: 'Ann', 'Cost Total $': -3.5, note: 'two\r\nlines', when: '2024-03-05T14:00:00Z' },
      { id: 3, name: null, 'Cost Total $': 1000, note: null, when: null },
    ]);
  });

  it('keeps column names with spaces and symbols in header order', async () => {
    const rows = await readAll('a b,Cost Total $,% share, x \n1,2,3,4\n');
    expect(Object.keys(rows[0]!)).toEqual(['a b', 'Cost Total $', '% share', 'x']);
  });

  it('infers numbers per cell and leaves everything else a string', async () => {
    const rows = await readAll('v\n12\n-3.5\n1e3\n.5\n0\n007\n"1,234"\nabc\n2024-03-05\nInfinity\n0x10\n');
    expect(rows.map((r) => r.v)).toEqual([
      12,
      -3.5,
      1000,
      0.5,
      0,
      '007',
      '1,234',
      'abc',
      '2024-03-05',
      'Infinity',
      '0x10',
    ]);
  });

  it('uses declared column types over inference', async () => {
    const text =
      'zip,amount,ok,day,n\n00123,12,yes,2024-03-05,5\n12,n/a,false,,6\n,3.5,maybe, 2024-01-01 ,\n';
    const rows = await readAll(text, {
      columns: { zip: 'string', amount: 'number', ok: 'boolean', day: 'date' },
    });
    expect(rows).toEqual([
      { zip: '00123', amount: 12, ok: true, day: '2024-03-05', n: 5 },
      { zip: '12', amount: null, ok: false, day: null, n: 6 },
      { zip: null, amount: 3.5, ok: null, day: '2024-01-01', n: null },
    ]);
  });

  it('normalises dates: declared date columns to ISO, slash dates when inferred', async () => {
    const text = [
      'when,also,"Cost Total $"',
      '2024/03/05 14:00:00,2024/03/05 14:00:00,1',
      '2024/03/05,2024/3/5,2',
      '2024-03-05 14:00,2024-03-05 14:00,3',
      '2024-03-05T14:00:00+02:00,2024/02/30,4',
      'tomorrow,tomorrow,5',
    ].join('\n');
    const rows = await readAll(text, { columns: { when: 'date' } });
    expect(rows.map((r) => r.when)).toEqual([
      '2024-03-05T14:00:00Z',
      '2024-03-05',
      '2024-03-05T14:00Z',
      '2024-03-05T14:00:00+02:00',
      null,
    ]);
    expect(rows.map((r) => r.also)).toEqual([
      '2024-03-05T14:00:00Z',
      '2024-03-05',
      '2024-03-05 14:00',
      '2024/02/30',
      'tomorrow',
    ]);
  });

  it('reads a long file in batches, the same rows either way', async () => {
    const lines = ['n,"Cost Total $"'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},"${i % 7 === 0 ? '' : i / 2}"`);
    const path = join(dir, 'batches.csv');
    await writeFile(path, lines.join('\r\n'));
    const source = csvSource({ path, where });
    const batched: Row[] = [];
    let batches = 0;
    for await (const batch of source.batches!()) {
      batches++;
      batched.push(...batch);
    }
    expect(batches).toBeGreaterThan(1);
    expect(batched).toHaveLength(20_000);
    expect(await collect(source)).toEqual(batched);
    expect(batched[7]).toEqual({ n: 7, 'Cost Total $': null });
    expect(batched[19_998]).toEqual({ n: 19_998, 'Cost Total $': 9999 });
  });

  it('reads another delimiter', async () => {
    const rows = await readAll('region;amount;label\nEU;1,5;"a;b"\nUS;2;c,d\n', { delimiter: ';' });
    expect(rows).toEqual([
      { region: 'EU', amount: '1,5', label: 'a;b' },
      { region: 'US', amount: 2, label: 'c,d' },
    ]);
  });

  it('gives no rows for a header-only or empty file', async () => {
    expect(await readAll('a,b\n')).toEqual([]);
    expect(await readAll('')).toEqual([]);
  });

  it('reads the file anew on each iteration', async () => {
    const path = join(dir, 'twice.csv');
    await writeFile(path, 'a\n1\n2\n');
    const source = csvSource({ path, where });
    expect(await collect(source)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await collect(source)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reports a row with a wrong number of fields, with its line', async () => {
    const err = await failure(readAll('a,b\n1,2\n3\n4,5\n'));
    expect(err.code).toBe('CP_ERR_CSV_PARSE');
    expect(err.problems[0]?.message).toMatch(/\.csv at line 3: /);
    expect(err.problems[0]?.path).toBe('datasets.sales.path');
    expect(err.problems[0]?.file).toBe('/reports/report.yaml');
  });

  it('reports an unclosed quote and a quote inside an unquoted field', async () => {
    expect((await failure(readAll('a,b\n1,"2\n3,4\n'))).code).toBe('CP_ERR_CSV_PARSE');
    const err = await failure(readAll('a,Cost Total $\n1,2\n3,4"x\n'));
    expect(err.code).toBe('CP_ERR_CSV_PARSE');
    expect(err.problems[0]?.message).toMatch(
      /\.csv at line 3, column 2 \("Cost Total \$"\): Invalid Opening Quote/,
    );
  });

  it('refuses a header with a duplicate or empty column name', async () => {
    expect((await failure(readAll('a,b,a\n1,2,3\n'))).problems[0]?.message).toContain('"a" appears twice');
    expect((await failure(readAll('a,,c\n1,2,3\n'))).problems[0]?.message).toContain(
      'column 2 of the header has no name',
    );
  });

  it('reports a declared column that the header lacks', async () => {
    const err = await failure(readAll('a,b\n1,2\n', { columns: { amount: 'number' } }));
    expect(err.code).toBe('CP_ERR_UNKNOWN_COLUMN');
    expect(err.problems[0]?.path).toBe('datasets.sales.columns.amount');
    expect(err.problems[0]?.message).toContain('columns: a, b');
  });

  it('reports a missing file with the dataset path field and the resolved path', async () => {
    const path = join(dir, 'nope', 'missing.csv');
    const err = await failure(collect(csvSource({ path, where })));
    expect(err.code).toBe('CP_ERR_FILE_NOT_FOUND');
    expect(err.problems[0]).toMatchObject({ path: 'datasets.sales.path', file: '/reports/report.yaml' });
    expect(err.problems[0]?.message).toContain(path);
  });

  it('refuses a file over the size limit', async () => {
    const err = await failure(readAll('a,b\n1,2\n3,4\n', { maxBytes: 8 }));
    expect(err.code).toBe('CP_ERR_FILE_TOO_LARGE');
    expect(err.problems[0]?.message).toContain('over the limit of 8 bytes');
  });

  it('reports a path that is not a readable file as a read error', async () => {
    const path = join(dir, 'a-folder.csv');
    await mkdir(path);
    expect((await failure(collect(csvSource({ path, where })))).code).toBe('CP_ERR_DATA_READ');
  });

  it('can stop early', async () => {
    const lines = ['n'];
    for (let i = 0; i < 50_000; i++) lines.push(String(i));
    const path = join(dir, 'long.csv');
    await writeFile(path, lines.join('\n'));
    const seen: Row[] = [];
    for await (const row of csvSource({ path, where })) {
      seen.push(row);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it('stops at the limit when the file claims a size it does not have', async () => {
    // Files under /proc say they are 0 bytes long; reading must stop at the limit all the same.
    const e = await failure(collect(csvSource({ path: '/proc/self/maps', where, maxBytes: 64 })));
    expect(e.code).toBe('CP_ERR_FILE_TOO_LARGE');
    expect(e.message).toContain('grew past the limit of 64 bytes');
    expect(e.problems[0]?.path).toBe('datasets.sales.path');
  });

  it('reads every file as csv-parse and inferCell did, as rows and as columns', async () => {
    const path = join(dir, 'random.csv');
    const read = async (c: { delimiter: string; columns: CsvOptions['columns'] }): Promise<Outcome> => {
      const invalid = new InvalidCells();
      const source = csvSource({ path, where, delimiter: c.delimiter, columns: c.columns, invalid });
      try {
        const rows = await collect(source);
        const counted = misses(invalid);
        invalid.reset();
        const columns: Row[] = [];
        for await (const batch of source.columnBatches!()) columns.push(...batchRows(batch));
        expect(columns).toEqual(rows);
        expect(misses(invalid)).toBe(counted);
        return { rows, misses: counted };
      } catch (e) {
        if (e instanceof ChartpressError) return { error: e.code };
        throw e;
      }
    };
    await fc.assert(
      fc.asyncProperty(csvCase, async (c) => {
        await writeFile(path, c.bytes);
        expect(await read(c)).toEqual(oracle(c.bytes, c.delimiter, c.columns));
      }),
      { numRuns: 200 },
    );
  });

  it('reads characters split between two reads of the file', async () => {
    // A four-byte character across each 1 MiB boundary, and text in many scripts.
    const head = 'text,n\n';
    const pad = 'é'.repeat((1 << 19) - head.length);
    const rows = [
      `${pad.slice(0, -3)}ab,0`,
      ...Array.from({ length: 40_000 }, (_, i) => `😀日本ø${i % 7},${i}`),
    ];
    const text = `${head}${rows.join('\n')}\n`;
    const path = join(dir, 'unicode.csv');
    await writeFile(path, text);
    expect(
      Buffer.from(text)
        .subarray((1 << 20) - 2, (1 << 20) + 2)
        .toString(),
    ).toMatch(/\uFFFD/);
    const got = await collect(csvSource({ path, where }));
    expect(got).toHaveLength(40_001);
    expect(got[0]).toEqual({ text: `${pad.slice(0, -3)}ab`, n: 0 });
    got.slice(1).forEach((row, i) => {
      expect(row).toEqual({ text: `😀日本ø${i % 7}`, n: i });
    });
  });

  it('closes the file when the reader stops early, throws, or the file is bad', async () => {
    const lines = ['n,t'];
    for (let i = 0; i < 100_000; i++) lines.push(`${i},t${i % 9}`);
    const path = join(dir, 'closed.csv');
    await writeFile(path, `${lines.join('\n')}\n1,2,3\n`);
    const open = async () => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((t) => t === path).length;
    };
    const source = csvSource({ path, where });
    for await (const batch of source.columnBatches!()) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    await expect(
      (async () => {
        for await (const _ of source) throw new Error('stop');
      })(),
    ).rejects.toThrow('stop');
    expect((await failure(collect(source))).problems[0]?.message).toMatch(
      /at line 100002: Invalid Record Length/,
    );
    // Closing is asynchronous: wait for it, within reason.
    for (let i = 0; i < 100 && (await open()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await open()).toBe(0);
  });

  it('reads the file anew on each iteration of its column batches', async () => {
    const path = join(dir, 'again.csv');
    await writeFile(path, 'a,b\n1,x\n');
    const source = csvSource({ path, where });
    const read = async () => {
      const batches = [];
      for await (const batch of source.columnBatches!()) batches.push(batch);
      return batches;
    };
    expect(await read()).toEqual([
      {
        length: 1,
        names: ['a', 'b'],
        columns: [{ kind: 'number', values: Float64Array.of(1) }, expect.anything()],
        checked: [true, true],
      },
    ]);
    await writeFile(path, 'a,b\n1,x\n2,y\n');
    expect((await read())[0]?.length).toBe(2);
  });
});
