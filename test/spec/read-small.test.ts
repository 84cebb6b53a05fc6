import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openFile } from '../../src/data/sources/file.js';
import {
  readRegularFile,
  readSmallFile,
  SMALL_FILE_BYTES,
  type SmallFileErrors,
} from '../../src/spec/read.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

/** Errors that say which of the three they are. */
const errors: SmallFileErrors = {
  notRegular: (s) => new Error(`not regular: ${s.isDirectory() ? 'dir' : s.isFIFO() ? 'fifo' : 'other'}`),
  tooLarge: (size) => new Error(`too large: ${size}`),
  failed: (e) => new Error(`failed: ${(e as NodeJS.ErrnoException).code}`),
};

const where = { file: 'r.yaml', path: 'datasets.d' };

/** Every chunk of a data file as `openFile` gives it, and the digest it tells. */
async function chunksOf(path: string, maxBytes?: number) {
  let digest: string | undefined;
  const input = await openFile({ path, maxBytes, where, onRead: (h) => (digest = h) }, 64 * 1024);
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk);
  input.destroy();
  return { chunks, digest };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('readSmallFile', () => {
  it('reads a small file whole, and leaves larger ones to the stream', () => {
    const small = tmp.write('small.txt', 'héllo\n'.repeat(100));
    expect(readSmallFile(small, 1e9, errors)?.toString()).toBe('héllo\n'.repeat(100));
    const edge = tmp.write('edge.txt', 'x'.repeat(SMALL_FILE_BYTES));
    expect(readSmallFile(edge, 1e9, errors)?.length).toBe(SMALL_FILE_BYTES);
    const large = tmp.write('large.txt', 'x'.repeat(SMALL_FILE_BYTES + 1));
    expect(readSmallFile(large, 1e9, errors)).toBeUndefined();
  });

  it('leaves to the stream a file that says it is empty: empty files and those under /proc', () => {
    expect(readSmallFile(tmp.write('empty.txt', ''), 1e9, errors)).toBeUndefined();
    expect(readSmallFile('/proc/self/status', 1e9, errors)).toBeUndefined();
  });

  it('refuses a file over the limit, a directory, a FIFO (at once) and a missing path', () => {
    const file = tmp.write('ten.txt', '0123456789');
    expect(() => readSmallFile(file, 9, errors)).toThrow('too large: 10');
    expect(readSmallFile(file, 10, errors)?.toString()).toBe('0123456789');
    expect(() => readSmallFile(tmp.dir, 1e9, errors)).toThrow('not regular: dir');
    const fifo = `${tmp.dir}/fifo`;
    execFileSync('mkfifo', [fifo]);
    expect(() => readSmallFile(fifo, 1e9, errors)).toThrow('not regular: fifo');
    expect(() => readSmallFile(`${tmp.dir}/missing`, 1e9, errors)).toThrow('failed: ENOENT');
    expect(() => readSmallFile(`${file}/below`, 1e9, errors)).toThrow('failed: ENOTDIR');
  });
});

describe('files read whole or streamed give the same bytes', () => {
  it('readRegularFile: a small file, a large one, an empty one and a /proc file', async () => {
    for (const size of [0, 1, 1000, SMALL_FILE_BYTES, SMALL_FILE_BYTES + 1, 3 * SMALL_FILE_BYTES + 7]) {
      const text = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const file = tmp.write(`r-${size}.yaml`, text);
      expect((await readRegularFile(file, 5 * 1024 * 1024, 'report file')).toString()).toBe(text);
    }
    expect((await readRegularFile('/proc/self/status', 1e6, 'report file')).toString()).toContain('Name:');
  });

  it('readRegularFile: the errors of the streamed read, with the same codes', async () => {
    const file = tmp.write('big.yaml', 'x'.repeat(100));
    await expect(readRegularFile(file, 99, 'report file')).rejects.toMatchObject({
      problems: [expect.objectContaining({ code: 'CP_ERR_FILE_TOO_LARGE' })],
    });
    await expect(readRegularFile(tmp.dir, 99, 'report file')).rejects.toMatchObject({
      problems: [expect.objectContaining({ code: 'CP_ERR_FILE_READ' })],
    });
    await expect(readRegularFile(`${tmp.dir}/none.yaml`, 99, 'report file')).rejects.toMatchObject({
      problems: [expect.objectContaining({ code: 'CP_ERR_FILE_NOT_FOUND' })],
    });
  });

  it('openFile: one chunk for a small file, chunks for a large one, the digest of the bytes for both', async () => {
    for (const size of [1, 5000, SMALL_FILE_BYTES + 1]) {
      const file = tmp.write(`d-${size}.csv`, 'a,b\n'.repeat(size).slice(0, size));
      const bytes = readFileSync(file);
      const { chunks, digest } = await chunksOf(file);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      expect(chunks.length === 1).toBe(size <= SMALL_FILE_BYTES);
      expect(digest).toBe(sha256(bytes));
    }
  });

  it('openFile: CP_ERR_FILE_TOO_LARGE, CP_ERR_DATA_READ and CP_ERR_FILE_NOT_FOUND at the dataset path', async () => {
    const file = tmp.write('d.csv', 'a,b\n1,2\n');
    const refused = (path: string, maxBytes?: number) =>
      chunksOf(path, maxBytes).then(
        () => undefined,
        (e: { problems: { code: string; path: string }[] }) => e.problems.map((p) => [p.code, p.path]),
      );
    expect(await refused(file, 4)).toEqual([['CP_ERR_FILE_TOO_LARGE', 'datasets.d.path']]);
    expect(await refused(tmp.dir)).toEqual([['CP_ERR_DATA_READ', 'datasets.d.path']]);
    expect(await refused(`${tmp.dir}/none.csv`)).toEqual([['CP_ERR_FILE_NOT_FOUND', 'datasets.d.path']]);
  });
});

describe('openFile on a large file', () => {
  const openFds = () => readdirSync('/proc/self/fd').length;

  it('fails a file that grows past the limit while read, and lets go of it', async () => {
    const size = SMALL_FILE_BYTES + 10;
    const file = tmp.write('growing.csv', 'x'.repeat(size));
    const before = openFds();
    const input = await openFile({ path: file, maxBytes: size + 10, where }, 64 * 1024);
    let chunks = 0;
    const reading = (async () => {
      for await (const _ of input) if (chunks++ === 0) appendFileSync(file, 'y'.repeat(100));
    })();
    await expect(reading).rejects.toMatchObject({
      problems: [expect.objectContaining({ code: 'CP_ERR_FILE_TOO_LARGE', path: 'datasets.d.path' })],
    });
    expect(openFds()).toBe(before);
  });

  it('lets go of the file when the reader stops early, a read still under way', async () => {
    const file = tmp.write('long.csv', 'z'.repeat(4 * SMALL_FILE_BYTES));
    const before = openFds();
    for (const stop of ['break', 'destroy'] as const) {
      const input = await openFile({ path: file, where }, 64 * 1024);
      if (stop === 'break') for await (const _ of input) break;
      else {
        const it = input[Symbol.asyncIterator]();
        await it.next();
        input.destroy();
      }
      // Closing waits for the read under way.
      await new Promise((r) => setTimeout(r, 50));
      expect(openFds()).toBe(before);
    }
  });
});
