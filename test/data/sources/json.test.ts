import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonOptions, jsonSource } from '../../../src/data/sources/json.js';
import { JsonArrayScanner } from '../../../src/data/sources/json-scan.js';
import type { Row } from '../../../src/frame.js';
import { failure, rng } from '../helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartpress-json-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const where = { file: '/reports/report.yaml', path: 'datasets.events' };

async function readAll(text: string | Buffer, opts: Partial<JsonOptions> = {}): Promise<Row[]> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, text);
  const rows: Row[] = [];
  for await (const row of jsonSource({ path, where, ...opts })) rows.push(row);
  return rows;
}

/** What a row should be: the parsed object, nested values as JSON text. */
const expectedRows = (text: string): Row[] =>
  (JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>[]).map((o) =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [
        k,
        v !== null && typeof v === 'object' ? JSON.stringify(v) : (v as Row[string]),
      ]),
    ),
  );

describe('jsonSource', () => {
  const messy = [
    '\uFEFF[\r\n',
    '  {"id": 1, "Cost Total $": 12.5, "note": "said \\"hi\\" [not] {an} array", "tags": ["a", "b"]},\r\n',
    '  {"id": 2, "Cost Total $": null, "note": "back\\\\slash\\\\", "nested": {"x": [1, {"y": "}"}]}},\r\n',
    '\r\n',
    '  {"id": 3, "only here": true, "note": "é — 日本 😀 \\u00e9"}\r\n',
    ']\r\n',
  ].join('');

  it('streams a messy array in tiny reads: strings with quotes and brackets, nesting, BOM, CRLF', async () => {
    for (const highWaterMark of [1, 2, 3, 7, 64 * 1024]) {
      const rows = await readAll(messy, { highWaterMark });
      expect(rows, `highWaterMark ${highWaterMark}`).toEqual(expectedRows(messy));
    }
    const rows = await readAll(messy, { highWaterMark: 7 });
    expect(rows[1]?.nested).toBe('{"x":[1,{"y":"}"}]}');
    expect(rows[2]?.note).toBe('é — 日本 😀 é');
  });

  it('matches JSON.parse on random documents read in random-sized pieces', async () => {
    const rand = rng(77);
    const pieces = ['"', '\\"', '\\\\', '[', ']', '{', '}', ',', ':', ' ', '\n', 'é', '😀', 'a', '\\n'];
    const text = (n: number) =>
      Array.from({ length: n }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
    for (let doc = 0; doc < 20; doc++) {
      const objects = Array.from({ length: 1 + Math.floor(rand() * 30) }, (_, i) => ({
        i,
        s: JSON.parse(JSON.stringify(text(Math.floor(rand() * 12)))),
        n: rand() < 0.2 ? null : rand() * 1000,
        deep: rand() < 0.5 ? { list: [text(3), { k: text(2) }] } : [],
      }));
      const json = JSON.stringify(objects, null, rand() < 0.5 ? 2 : undefined);
      const scanner = new JsonArrayScanner();
      const found: unknown[] = [];
      for (let at = 0; at < json.length; ) {
        const size = 1 + Math.floor(rand() * 9);
        for (const e of scanner.push(json.slice(at, at + size))) found.push(JSON.parse(e.text));
        at += size;
      }
      scanner.end();
      expect(found).toEqual(objects);
    }
  });

  it('applies declared column types and gives no rows for an empty array', async () => {
    const rows = await readAll('[{"d": "2024/03/05 14:00:00", "n": "12"}, {"n": 3}]', {
      columns: { d: 'date', n: 'number' },
    });
    expect(rows).toEqual([{ d: '2024-03-05T14:00:00Z', n: 12 }, { n: 3 }]);
    expect(await readAll(' [ ] ')).toEqual([]);
  });

  it('reports what is not an array of objects, with the file and the line', async () => {
    const cases: [string, RegExp][] = [
      ['{"a": 1}', /at line 1: expected a JSON array/],
      ['[\n{"a": 1},\n2]', /at line 3: element 2 of the array is not an object/],
      ['[{"a": 1},\n]', /at line 2: element 2 of the array is not an object/],
      ['[{"a": 1}] x', /at line 1: unexpected text after the array/],
      ['[{"a": 1}\n{"b": 2}]', /at line 2: expected "," or "]" after element 1/],
      ['[{"a": 1},\n{"b": "unclosed}]', /at line 2: unexpected end of the file: the array is not closed/],
      ['', /at line 1: unexpected end of the file: no JSON array/],
      ['[{"a": 1},\n\n{"b": tru}]', /at line 3: .*JSON/],
    ];
    for (const [text, message] of cases) {
      const err = await failure(readAll(text, { highWaterMark: 4 }));
      expect(err.code, text).toBe('CP_ERR_DATA_READ');
      expect(err.problems[0]?.message, text).toMatch(message);
      expect(err.problems[0]?.message, text).toMatch(/^cannot read .*\.json at line/);
      expect(err.problems[0]).toMatchObject({ path: 'datasets.events.path', file: '/reports/report.yaml' });
    }
  });

  it('gives the rows read before an error', async () => {
    const path = join(dir, 'partial.json');
    await writeFile(path, '[{"a": 1}, {"a": 2}, 3]');
    await writeFile(join(dir, 'partial2.json'), '[{"a": 1}, {"a": 2}, {"a": x}]');
    for (const highWaterMark of [8, 1024]) {
      const seen: Row[] = [];
      const err = await failure(
        (async () => {
          for await (const row of jsonSource({ path: join(dir, 'partial2.json'), where, highWaterMark }))
            seen.push(row);
        })(),
      );
      expect(err.problems[0]?.message).toMatch(/at line 1: /);
      expect(seen).toEqual([{ a: 1 }, { a: 2 }]);
    }
    const seen: Row[] = [];
    const err = await failure(
      (async () => {
        for await (const row of jsonSource({ path, where, highWaterMark: 8 })) seen.push(row);
      })(),
    );
    expect(err.code).toBe('CP_ERR_DATA_READ');
    expect(seen).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('checks the size limit and a missing file', async () => {
    expect((await failure(readAll('[{"a": 1}]', { maxBytes: 5 }))).code).toBe('CP_ERR_FILE_TOO_LARGE');
    const missing = jsonSource({ path: join(dir, 'nope.json'), where });
    expect((await failure(missing[Symbol.asyncIterator]().next())).code).toBe('CP_ERR_FILE_NOT_FOUND');
  });
});
