import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NdjsonOptions, ndjsonSource } from '../../../src/data/sources/ndjson.js';
import type { Row } from '../../../src/frame.js';
import { failure } from '../helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartpress-ndjson-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const where = { file: '/reports/report.yaml', path: 'datasets.logs' };

async function readAll(text: string, opts: Partial<NdjsonOptions> = {}): Promise<Row[]> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.ndjson`);
  await writeFile(path, text);
  const rows: Row[] = [];
  for await (const row of ndjsonSource({ path, where, ...opts })) rows.push(row);
  return rows;
}

describe('ndjsonSource', () => {
  const messy = [
    '\uFEFF{"id": 1, "Cost Total $": 12.5, "msg": "a \\"quoted\\" line\\nwith an escape"}',
    '',
    '   ',
    '{"id": 2, "Cost Total $": null, "meta": {"ip": "::1", "tags": [1, 2]}}',
    '{"id": 3, "extra": "é 😀"}',
    '',
  ].join('\r\n');

  it('reads objects line by line: BOM, CRLF, blank lines, nested values as JSON text', async () => {
    for (const highWaterMark of [1, 5, 64 * 1024]) {
      expect(await readAll(messy, { highWaterMark }), `highWaterMark ${highWaterMark}`).toEqual([
        { id: 1, 'Cost Total $': 12.5, msg: 'a "quoted" line\nwith an escape' },
        { id: 2, 'Cost Total $': null, meta: '{"ip":"::1","tags":[1,2]}' },
        { id: 3, extra: 'é 😀' },
      ]);
    }
  });

  it('reads a last line without a line end, and declared types', async () => {
    const rows = await readAll('{"n": "1"}\n{"n": 2, "d": "2024/01/02"}', {
      columns: { n: 'number', d: 'date' },
    });
    expect(rows).toEqual([{ n: 1 }, { n: 2, d: '2024-01-02' }]);
    expect(await readAll('')).toEqual([]);
  });

  it('names the file and the line of a bad line', async () => {
    const bad = await failure(readAll('{"a": 1}\r\n\r\n{"a": 2,}\r\n', { highWaterMark: 3 }));
    expect(bad.code).toBe('CP_ERR_DATA_READ');
    expect(bad.problems[0]?.message).toMatch(/^cannot read .*\.ndjson at line 3: /);
    expect(bad.problems[0]).toMatchObject({ path: 'datasets.logs.path', file: '/reports/report.yaml' });
    const notObject = await failure(readAll('{"a": 1}\n[1, 2]\n'));
    expect(notObject.problems[0]?.message).toMatch(/at line 2: expected a JSON object$/);
    const scalar = await failure(readAll('"text"\n'));
    expect(scalar.problems[0]?.message).toMatch(/at line 1: expected a JSON object$/);
  });

  it('gives the rows before a bad line, then fails', async () => {
    const path = join(dir, 'partial.ndjson');
    await writeFile(path, '{"a": 1}\n{"a": 2}\n{oops}\n{"a": 4}\n');
    const seen: Row[] = [];
    const err = await failure(
      (async () => {
        for await (const row of ndjsonSource({ path, where })) seen.push(row);
      })(),
    );
    expect(err.problems[0]?.message).toMatch(/at line 3: /);
    expect(seen).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('checks the size limit', async () => {
    expect((await failure(readAll('{"a": 1}\n', { maxBytes: 3 }))).code).toBe('CP_ERR_FILE_TOO_LARGE');
  });
});
