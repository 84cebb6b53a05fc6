import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRows } from '../../../src/data/batch.js';
import { IsoTimeColumn } from '../../../src/data/batch-time.js';
import { InvalidCells } from '../../../src/data/invalid.js';
import { type CsvOptions, csvSource } from '../../../src/data/sources/csv.js';
import { ChartpressError } from '../../../src/errors.js';
import type { Row } from '../../../src/frame.js';
import { csvCase, misses } from './csv-oracle.js';

/** The CSV source read on a thread of its own gives what it gives on this one. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartpress-csv-thread-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const where = { file: '/reports/report.yaml', path: 'datasets.sales' };

type Outcome = { rows: Row[]; misses: number; first: string; sha256: string | undefined } | { error: string };

async function read(path: string, thread: boolean, opts: Partial<CsvOptions> = {}): Promise<Outcome> {
  const invalid = new InvalidCells();
  let sha256: string | undefined;
  const source = csvSource({
    path,
    where,
    invalid,
    thread,
    onRead: (h) => (sha256 = h),
    segmentBytes: 64,
    ...opts,
  });
  try {
    const rows: Row[] = [];
    for await (const batch of source.columnBatches!()) rows.push(...batchRows(batch));
    const first = JSON.stringify(invalid.missed.map((c) => [c.column, c.format, c.misses.first]));
    return { rows, misses: misses(invalid), first, sha256 };
  } catch (e) {
    if (e instanceof ChartpressError) return { error: e.message };
    throw e;
  }
}

async function both(path: string, opts: Partial<CsvOptions> = {}): Promise<Outcome> {
  const here = await read(path, false, opts);
  expect(await read(path, true, opts)).toEqual(here);
  return here;
}

async function file(name: string, text: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('csvSource on a thread', () => {
  it('reads random files as this thread does: rows, errors, misses, digest', async () => {
    const path = join(dir, 'random.csv');
    await fc.assert(
      fc.asyncProperty(
        csvCase.chain((c) => fc.integer({ min: 2, max: 48 }).map((segmentBytes) => ({ ...c, segmentBytes }))),
        async (c) => {
          await writeFile(path, c.bytes);
          await both(path, { delimiter: c.delimiter, columns: c.columns, segmentBytes: c.segmentBytes });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reads many batches in order, and hands the digest of the whole file', async () => {
    const lines = ['t,region,n,when'];
    for (let i = 0; i < 60_000; i++)
      lines.push(`${i % 3 === 0 ? `"q,${i}"` : `t${i}`},r${i % 5},${i / 4},2024-01-0${1 + (i % 9)}`);
    const text = `${lines.join('\r\n')}\r\n`;
    const path = await file('long.csv', text);
    const got = await both(path, { columns: { when: 'date' }, segmentBytes: 100_000 });
    if ('error' in got) throw new Error(got.error);
    expect(got.rows).toHaveLength(60_000);
    expect(got.rows[3]).toEqual({ t: 'q,3', region: 'r3', n: 0.75, when: '2024-01-04' });
    expect(got.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('hands timestamp columns over as times, with the texts of the file', async () => {
    const lines = ['at,n'];
    const start = Date.parse('2024-02-28T22:00:00Z');
    for (let i = 0; i < 30_000; i++) {
      const at = new Date(start + i * 61_000).toISOString().slice(0, 19);
      lines.push(`${i === 25_000 ? '' : i === 27_000 ? 'soon' : `${at}Z`},${i}`);
    }
    const path = await file('times.csv', `${lines.join('\n')}\n`);
    const got = await both(path, { segmentBytes: 100_000 });
    if ('error' in got) throw new Error(got.error);
    expect(got.rows.map((r) => r.at)).toEqual(lines.slice(1).map((l) => l.split(',')[0] || null));
    // On the threads, the first batch's column crossed over as numbers and was made a time column again.
    const source = csvSource({ path, where, thread: true, segmentBytes: 100_000 });
    for await (const batch of source.columnBatches!()) {
      const col = batch.columns[0];
      expect(col).toBeInstanceOf(IsoTimeColumn);
      expect((col as IsoTimeColumn).made).toBe(false);
      break;
    }
  });

  it('counts declared dates that are not dates, with the first one', async () => {
    const path = await file('dates.csv', 'd,n\n2024-01-01,1\nsoon,2\nlater,3\n');
    const got = await both(path, { columns: { d: 'date' }, segmentBytes: 8 });
    expect(got).toMatchObject({ misses: 2, first: JSON.stringify([['d', undefined, 'soon']]) });
  });

  it('reads records whose quoted fields hold line breaks across the cuts', async () => {
    const lines = ['id,note,n'];
    for (let i = 0; i < 2000; i++)
      lines.push(i % 7 === 0 ? `${i},"line\none\r\nand ""two""\n",${i}` : `${i},plain ${i},${i}`);
    for (const [name, eol] of [
      ['lf.csv', '\n'],
      ['crlf.csv', '\r\n'],
    ] as const) {
      const path = await file(name, lines.join(eol));
      for (const segmentBytes of [7, 50, 333, 4096]) {
        const got = await both(path, { segmentBytes });
        if ('error' in got) throw new Error(got.error);
        expect(got.rows).toHaveLength(2000);
        expect(got.rows[14]).toEqual({ id: 14, note: 'line\none\r\nand "two"\n', n: 14 });
      }
    }
  });

  it('reports an error in a later segment at its line in the file', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},x`);
    lines.push('1,2,3');
    const path = await file('late.csv', `${lines.join('\n')}\n7,y\n`);
    expect(await both(path, { segmentBytes: 1000 })).toEqual({
      error: expect.stringMatching(/CP_ERR_CSV_PARSE.*at line 5002/),
    });
  });

  it('reports a ragged row with its line, an unknown column, a missing or too large file', async () => {
    const ragged = await file('ragged.csv', 'a,b\n1,2\n3\n');
    const r = await both(ragged);
    expect(r).toEqual({ error: expect.stringMatching(/CP_ERR_CSV_PARSE.*at line 3/) });
    const declared = await both(ragged, { columns: { c: 'number' } });
    expect(declared).toEqual({ error: expect.stringContaining('CP_ERR_UNKNOWN_COLUMN') });
    expect(await both(join(dir, 'absent.csv'))).toEqual({
      error: expect.stringContaining('CP_ERR_FILE_NOT_FOUND'),
    });
    expect(await both(ragged, { maxBytes: 4 })).toEqual({
      error: expect.stringContaining('CP_ERR_FILE_TOO_LARGE'),
    });
    expect(await both(dir)).toEqual({ error: expect.stringContaining('CP_ERR_DATA_READ') });
  });

  it('reads UTF-16 with a byte order mark', async () => {
    const text = 'name,n\nZoë,1\n日本,2\n';
    const path = await file(
      'utf16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect(await both(path)).toMatchObject({
      rows: [
        { name: 'Zoë', n: 1 },
        { name: '日本', n: 2 },
      ],
    });
  });

  it('stops its thread and closes the file when the reader stops early', async () => {
    const lines = ['n,t'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i},t${i % 9}`);
    const path = await file('early.csv', lines.join('\n'));
    // Descriptors of this process open on the file.
    const opened = async (name: string) => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((t) => t === name).length;
    };
    const source = csvSource({ path, where, thread: true });
    for await (const batch of source.columnBatches!()) {
      expect(batch.columns[0]).toMatchObject({ kind: 'number' });
      break;
    }
    for (let i = 0; i < 100 && (await opened(path)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await opened(path)).toBe(0);
    // A quoted line break across the first cut: the first thread reads on to the end of the file.
    const rest = await file('early-rest.csv', `n,t\n0,"a\n${'b'.repeat(100)}"\n${lines.slice(1).join('\n')}`);
    const across = csvSource({ path: rest, where, thread: true, segmentBytes: 64 });
    for await (const batch of across.columnBatches!()) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    for (let i = 0; i < 100 && (await opened(rest)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await opened(rest)).toBe(0);
  });
});
