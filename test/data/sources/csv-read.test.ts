import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchColumn, batchRows, type ColumnBatch } from '../../../src/data/batch.js';
import { IsoTimeColumn } from '../../../src/data/batch-time.js';
import { InvalidCells } from '../../../src/data/invalid.js';
import type { DeclaredColumns } from '../../../src/data/sources/cells.js';
import { CsvReader } from '../../../src/data/sources/csv-read.js';
import { ChartpressError } from '../../../src/errors.js';
import type { Value } from '../../../src/frame.js';
import { type CsvCase, csvCase, misses, type Outcome, oracle } from './csv-oracle.js';

const where = { file: '/reports/r.yaml', path: 'datasets.d' };

interface Reading {
  /** Where the bytes are cut into the chunks pushed. */
  readonly cuts?: readonly number[];
  readonly batchRows?: number;
  readonly columns?: DeclaredColumns | undefined;
  readonly delimiter?: string;
}

/** Every batch of the bytes, pushed in chunks. */
function read(bytes: Buffer, how: Reading = {}): ColumnBatch[] {
  const { cuts = [], batchRows: size, columns, delimiter } = how;
  const invalid = new InvalidCells();
  const reader = new CsvReader({ path: 'd.csv', where, delimiter, columns, invalid }, size);
  const batches: ColumnBatch[] = [];
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    reader.push(bytes.subarray(at, cut));
    at = cut;
    for (let b = reader.next(false); b !== undefined; b = reader.next(false)) batches.push(b);
  }
  reader.push(bytes.subarray(at));
  for (let b = reader.next(false); b !== undefined; b = reader.next(false)) batches.push(b);
  reader.close();
  for (let b = reader.next(true); b !== undefined; b = reader.next(true)) batches.push(b);
  return Object.assign(batches, { invalid });
}

/** What the parser gives for a case: the rows of its batches (checked for the batch contract), or an error code. */
function outcome(c: CsvCase, cuts: readonly number[], size: number): Outcome {
  let batches: ColumnBatch[] & { invalid?: InvalidCells };
  try {
    batches = read(c.bytes, { cuts, batchRows: size, columns: c.columns, delimiter: c.delimiter });
  } catch (e) {
    if (e instanceof ChartpressError) return { error: e.code };
    throw e;
  }
  for (const batch of batches) checkBatch(batch, batches[0]!.names);
  return { rows: batches.flatMap(batchRows), misses: misses(batches.invalid!) };
}

const valueKey = (v: Value) => (Object.is(v, -0) ? '-0' : typeof v === 'string' ? `s${v}` : String(v));

/** The contract of a batch: columns of `length` cells, numbers or NaN in number columns, distinct dictionary values. */
function checkBatch(batch: ColumnBatch, names: readonly string[]): void {
  expect(batch.names).toBe(names);
  expect(batch.length).toBeGreaterThan(0);
  expect(batch.checked).toHaveLength(batch.columns.length);
  batch.columns.forEach((col: BatchColumn, i) => {
    // What the reader vouches for holds: finite numbers, codes that name entries.
    if (batch.checked?.[i] === true && col.kind === 'number') {
      for (const v of col.values) expect(Number.isFinite(v)).toBe(true);
    }
    if (batch.checked?.[i] === true) expect(col.kind).not.toBe('values');
    if (col.kind === 'number') {
      expect(col.values).toHaveLength(batch.length);
      for (const v of col.values) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
    } else if (col.kind === 'dict') {
      expect(col.codes).toHaveLength(batch.length);
      expect(new Set(col.dict.map(valueKey)).size).toBe(col.dict.length);
      for (const code of col.codes) expect(code >= 0 && code < col.dict.length).toBe(true);
    } else {
      expect(col.values).toHaveLength(batch.length);
    }
  });
}

describe('CsvReader', () => {
  it('reads what csv-parse and inferCell read, cell for cell, however the bytes are cut and batched', () => {
    fc.assert(
      fc.property(
        csvCase,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom(1, 2, 3, 5, 1 << 15),
        (c, cuts, size) => {
          expect(outcome(c, cuts, size)).toEqual(oracle(c.bytes, c.delimiter, c.columns));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps numbers, categories and unique text in the column kinds that suit them', () => {
    const lines = ['n,region,id,mixed'];
    for (let i = 0; i < 6000; i++)
      lines.push(`${i / 4},${['EU', 'US'][i % 2]},id-${i},${i === 3000 ? 'n/a' : i}`);
    const [batch] = read(Buffer.from(lines.join('\n')));
    expect(batch!.columns.map((c) => c.kind)).toEqual(['number', 'dict', 'values', 'values']);
    const region = batch!.columns[1];
    expect(region?.kind === 'dict' && region.dict).toEqual(['EU', 'US']);
    const rows = batchRows(batch!);
    expect(rows[2999]).toEqual({ n: 749.75, region: 'US', id: 'id-2999', mixed: 2999 });
    expect(rows[3000]).toEqual({ n: 750, region: 'EU', id: 'id-3000', mixed: 'n/a' });
  });

  it('reads a column of ISO timestamps as times, as csv-parse reads it, whatever cells break the shape', () => {
    const cell = fc.tuple(
      fc.integer({ min: Date.parse('1000-01-01T00:00:00Z'), max: Date.parse('2999-12-31T23:59:59Z') }),
      fc.constantFrom(
        ...Array<string | undefined>(8).fill(undefined),
        '',
        'x',
        '2024-03-05',
        '2024-02-30T00:00:00Z',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: 1, maxLength: 40 }),
        fc.constantFrom('T', ' '),
        fc.constantFrom(1, 3, 7, 1 << 15),
        (cells, sep, size) => {
          const texts = cells.map(
            ([ms, odd]) => odd ?? `${new Date(ms).toISOString().slice(0, 19).replace('T', sep)}Z`,
          );
          const bytes = Buffer.from(['when,n', ...texts.map((t, i) => `${t},${i}`)].join('\n'));
          const batches = read(bytes, { batchRows: size });
          expect({ rows: batches.flatMap(batchRows), misses: 0 }).toEqual(oracle(bytes, ','));
          let row = 0;
          for (const batch of batches) {
            const mine = cells.slice(row, row + batch.length);
            row += batch.length;
            // A batch is read as times when its first cell is a timestamp and the others are or are empty.
            const stamps =
              mine[0]![1] === undefined && mine.every(([, odd]) => odd === undefined || odd === '');
            expect(batch.columns[0] instanceof IsoTimeColumn).toBe(stamps);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('turns a number column that meets text into a dictionary, keeping the numbers read before', () => {
    const [batch] = read(Buffer.from('v\n1\n\n2\n1\nx\n2\n-0\n'));
    expect(batch!.columns[0]).toEqual({
      kind: 'dict',
      codes: Int32Array.from([0, 1, 0, 2, 1, 3]),
      dict: [1, 2, 'x', -0],
    });
  });

  it('gives batches of at most the batch size, the last one shorter', () => {
    const text = `a,b\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 3 ? 'x' : ''}`).join('\n')}`;
    const batches = read(Buffer.from(text), { batchRows: 4, cuts: [3, 9, 17] });
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flatMap(batchRows).map((r) => r.a)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads a record longer than many chunks', () => {
    const long = 'x'.repeat(3 << 20);
    const bytes = Buffer.from(`a,b\n"${long}",1\n`);
    const cuts = Array.from({ length: 100 }, (_, i) => i * 65536);
    expect(read(bytes, { cuts }).flatMap(batchRows)).toEqual([{ a: long, b: 1 }]);
  });

  it('counts each declared date that is not one, however often it repeats', () => {
    const invalid = new InvalidCells();
    const reader = new CsvReader({ path: 'd.csv', where, columns: { day: 'date' }, invalid });
    reader.push(Buffer.from('day\nsoon\n2024-01-01\nsoon\n \nlater\nsoon\n'));
    reader.close();
    const batch = reader.next(true)!;
    expect(batchRows(batch).map((r) => r.day)).toEqual([null, '2024-01-01', null, null, null, null]);
    expect(invalid.missed.map((c) => [c.column, c.misses.count, c.misses.first])).toEqual([
      ['day', 4, 'soon'],
    ]);
  });

  it('reads a UTF-16LE file with its byte order mark, as csv-parse does', () => {
    const text = 'name,n\r\nzoë,1\r\n日本,2\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const rows = read(bytes, { cuts: [3, 8] }).flatMap(batchRows);
    expect(rows).toEqual([
      { name: 'zoë', n: 1 },
      { name: '日本', n: 2 },
    ]);
    expect(oracle(bytes, ',')).toEqual({ rows, misses: 0 });
  });

  it.each([
    ['a,b\n1,2\n3\n', /at line 3: Invalid Record Length: expected 2 fields as in the header, got 1$/],
    ['a,b\n1,2\n3,4,5\n', /at line 3: Invalid Record Length: expected 2 fields as in the header, got 3$/],
    ['a,b\n"1\n2",3\n4\n', /at line 4: Invalid Record Length/],
    ['a,b\n1,"2\n3,4\n', /at line 2, column 2 \("b"\): Quote Not Closed/],
    ['a,b\n1,"2"3\n', /at line 2, column 2 \("b"\): Invalid Closing Quote: got "3" after the closing quote/],
    ['a,b\r\n1,"2"\n', /at line 2, column 2 \("b"\): Invalid Closing Quote: got "\\n"/],
    [
      'a,b\n1,x"y\n',
      /at line 2, column 2 \("b"\): Invalid Opening Quote: a quote inside an unquoted field, after "x"/,
    ],
    ['a,"b\nc\n', /at line 1, column 2: Quote Not Closed/],
    ['\n\na,a\n', /d\.csv at line 3: column "a" appears twice in the header/],
  ])('reports %j with its line', (text, message) => {
    const err = (() => {
      try {
        read(Buffer.from(text));
      } catch (e) {
        return e as ChartpressError;
      }
      throw new Error('expected an error');
    })();
    expect(err.code).toBe('CP_ERR_CSV_PARSE');
    expect(err.problems[0]?.message).toMatch(message);
    expect(err.problems[0]).toMatchObject({ file: '/reports/r.yaml', path: 'datasets.d.path' });
  });

  it('refuses a delimiter that is a quote or a line break', () => {
    for (const delimiter of ['"', '\n', '']) {
      expect(() => new CsvReader({ path: 'd.csv', where, delimiter })).toThrow(/cannot be used/);
    }
  });
});
