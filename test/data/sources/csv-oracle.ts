import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { InvalidCells } from '../../../src/data/invalid.js';
import { type DeclaredColumns, declaredReader, inferCell } from '../../../src/data/sources/cells.js';
import type { Row } from '../../../src/frame.js';

/**
 * The reference for the CSV parser: csv-parse with the options the CSV source used, cells
 * through `inferCell` or the declared readers; and random CSV files to compare them on.
 */

/** What reading a CSV file gives: its rows and the count of declared dates that were not, or an error code. */
export type Outcome = { rows: Row[]; misses: number } | { error: string };

/** The outcome of reading `bytes` as the CSV source read them with csv-parse. */
export function oracle(bytes: Buffer, delimiter: string, columns?: DeclaredColumns): Outcome {
  const options = { bom: true, delimiter, skip_empty_lines: true };
  let records: string[][];
  try {
    // The header is checked before the records after it are parsed.
    const head = parse(bytes, { ...options, to: 1 }) as string[][];
    if (head.length === 0) return { rows: [], misses: 0 };
    const names = head[0]!.map((n) => n.trim());
    if (names.some((n) => n === '' || n === '__proto__') || new Set(names).size !== names.length) {
      return { error: 'CP_ERR_CSV_PARSE' };
    }
    if (Object.keys(columns ?? {}).some((n) => !names.includes(n))) return { error: 'CP_ERR_UNKNOWN_COLUMN' };
    records = parse(bytes, options) as string[][];
  } catch (e) {
    if (e instanceof CsvError) return { error: 'CP_ERR_CSV_PARSE' };
    throw e;
  }
  const names = records[0]!.map((n) => n.trim());
  const invalid = new InvalidCells();
  const readers = names.map((n) =>
    columns !== undefined && Object.hasOwn(columns, n) ? declaredReader(n, columns[n]!, invalid) : inferCell,
  );
  const rows = records.slice(1).map((rec) => {
    const row: Row = {};
    names.forEach((n, i) => {
      row[n] = readers[i]!(rec[i] ?? '');
    });
    return row;
  });
  return { rows, misses: misses(invalid) };
}

/** Declared dates that were not dates, in every column. */
export function misses(invalid: InvalidCells): number {
  return invalid.missed.reduce((sum, c) => sum + c.misses.count, 0);
}

/** A CSV file made at random, and how to read it. */
export interface CsvCase {
  readonly bytes: Buffer;
  readonly delimiter: string;
  readonly columns: DeclaredColumns | undefined;
}

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Numbers in all forms. */
const numberText = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', '', '-', '+'),
      digits(0, 20),
      fc.option(digits(0, 6)),
      fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), digits(1, 3))),
    )
    .map(([s, i, f, e]) => `${s}${i}${f === null ? '' : `.${f}`}${e === null ? '' : e.join('')}`),
  fc.double({ noNaN: true }).map(String),
  fc.integer({ min: -5000, max: 5000 }).map(String),
  fc.constantFrom(
    '007',
    '-01',
    '0',
    '-0',
    '0.0',
    '1e400',
    ' 12',
    '12 ',
    '12\u00a0',
    '\u300012',
    '1,5',
    '0x1f',
  ),
);

/** Texts that look like ISO timestamps the reader holds as numbers, and are not. */
export const notTimestamps: readonly string[] = [
  '2023-02-29T10:00:00Z',
  '1900-02-29T00:00:00Z',
  '2024-04-31T00:00:00Z',
  '2024-03-05T24:00:00Z',
  '2024-03-05T14:60:00Z',
  '2024-03-05T14:00:60Z',
  '2024-00-05T14:00:00Z',
  '2024-13-05T14:00:00Z',
  '2024-03-00T14:00:00Z',
  '2024-03-05t14:00:00Z',
  '2024-03-05T14:00:00z',
  '2024-03-05T14:00:00+01:00',
  '2024-03-05T14:00:00.1Z',
  '2024-03-05T14:00:00.1234Z',
  '2024-03-05T14:00',
  '2024-03-05',
  '+02024-03-05T14:00:00Z',
  '2024-03-05T14:00:0xZ',
  '2024-03-05T14:00:00.12xZ',
  '2024-03-05T14-00:00Z',
  '2024-3-05T14:00:00Z ',
];

/** ISO timestamps of every shape the reader holds as numbers, and near misses of them. */
const timestampText = fc.oneof(
  fc
    .tuple(
      fc.date({
        min: new Date('0000-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      fc.constantFrom('T', ' '),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([d, sep, millis, zone]) => {
      const iso = d.toISOString().replace('T', sep);
      return `${millis ? iso.slice(0, 23) : iso.slice(0, 19)}${zone ? 'Z' : ''}`;
    }),
  fc.constantFrom(
    '2024-02-29T23:59:59Z',
    '1900-02-28 00:00:00',
    '2000-02-29T00:00:00.000Z',
    ...notTimestamps,
  ),
);

/** Dates, some of them slash dates that inference turns into ISO dates. */
const dateText = fc.constantFrom(
  '2024/03/05',
  '2024/3/5',
  '2024/03/05 14:00:00',
  '2024/03/05T14:00',
  '2024/02/30',
  '2024/13/01',
  '2024-03-05',
  '2024-03-05 14:00',
  '2024-03-05T14:00:00Z',
  ' 2024-01-01 ',
  'tomorrow',
);

/** Text: categories that repeat, and any Unicode with quotes, delimiters and line breaks. */
const text = fc.oneof(
  fc.constantFrom('EU', 'US', 'APAC', 'é', '日本', '😀', 'a b', 'yes', 'n', 'TRUE', '', '', ''),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({
    unit: fc.constantFrom('"', ',', ';', '\t', '\r', '\n', 'x', ' ', '\0', '|', '§'),
    maxLength: 6,
  }),
);

const cellText = fc.oneof(numberText, dateText, timestampText, text);

/** A cell as written: quoted when it must be, or at random; in a dirty file, now and then not CSV. */
const cell = (delimiter: string, dirty: boolean) =>
  fc.tuple(cellText, fc.boolean(), fc.integer({ min: dirty ? 0 : 5, max: 60 })).map(([t, quote, odd]) => {
    const must = t.includes(delimiter) || /["\r\n]/.test(t);
    // Now and then something that is not CSV, or bytes that are not UTF-8.
    if (odd === 0) return Buffer.from(`${t}"x`);
    if (odd === 1) return Buffer.from(`"${t}"x`);
    if (odd === 2) return Buffer.from(`"${t}`);
    if (odd === 3) return Buffer.concat([Buffer.from(t.replace(/["\r\n]/g, '')), Buffer.from([0xff, 0xc3])]);
    if (odd === 4) return Buffer.from(`"${t.replaceAll('"', '""')}"\0z`);
    return Buffer.from(must || quote ? `"${t.replaceAll('"', '""')}"` : t);
  });

const NAMES = ['a', 'b', 'Cost Total $', ' x ', 'é', 'n', 'when'];

/** Random CSV files: header, records (now and then of the wrong length), line ends of every kind, empty lines, BOM. */
export const csvCase: fc.Arbitrary<CsvCase> = fc
  .record({
    delimiter: fc.constantFrom(',', ',', ',', ';', '\t', '|', '§', ' '),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    names: fc.oneof(
      { arbitrary: fc.shuffledSubarray(NAMES, { minLength: 1, maxLength: 4 }), weight: 9 },
      {
        arbitrary: fc.array(fc.constantFrom('a', 'b', '', '__proto__', ' a'), { minLength: 1, maxLength: 3 }),
        weight: 1,
      },
    ),
    dirty: fc.boolean(),
    bom: fc.boolean(),
    end: fc.boolean(),
    declare: fc.integer({ min: 0, max: 12 }),
    seed: fc.integer(),
  })
  .chain(({ delimiter, eol, names, dirty, bom, end, declare, seed }) =>
    fc
      .array(
        fc.tuple(
          fc.array(cell(delimiter, dirty), { minLength: names.length, maxLength: names.length }),
          fc.integer({ min: dirty ? 0 : 5, max: 40 }),
        ),
        { maxLength: 14 },
      )
      .map((records) => {
        const d = Buffer.from(delimiter);
        const parts: Buffer[] = bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
        const header: readonly string[] = names;
        parts.push(Buffer.from(header.map((n) => (n.includes(delimiter) ? `"${n}"` : n)).join(delimiter)));
        for (const [cells, shape] of records) {
          let fields = cells;
          if (shape === 0) fields = cells.slice(1);
          if (shape === 1) fields = [...cells, Buffer.from('extra')];
          const line = shape === 2 ? '\n' : shape === 3 ? '\r\n' : shape === 4 ? '\r' : eol;
          parts.push(Buffer.from(shape === 5 ? `${line}${line}` : line));
          fields.forEach((f, i) => {
            if (i > 0) parts.push(d);
            parts.push(f);
          });
        }
        if (end) parts.push(Buffer.from(eol));
        const kinds = ['number', 'date', 'string', 'boolean', { type: 'date', format: '%Y/%m/%d' }] as const;
        const columns: Record<string, (typeof kinds)[number]> = {};
        if (declare > 0 && declare <= 5) {
          const name = declare === 5 ? 'missing' : names[Math.abs(seed) % names.length]!.trim();
          columns[name] = kinds[Math.abs(seed >> 4) % kinds.length]!;
        }
        return { bytes: Buffer.concat(parts), delimiter, columns: declare <= 5 ? columns : undefined };
      }),
  );
