import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChartpressError, problem } from '../errors.js';

/** Bytes read at a time. */
const CHUNK = 64 * 1024;

/** Not on every platform; where it is, opening a FIFO does not wait for a writer. */
export const NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Files up to this size (256 KiB) are read whole with blocking calls (see `readSmallFile`).
 * Those take microseconds on a local disk, where reading a file with the promise API costs a
 * round trip to libuv's threads for each of its six or seven steps: most of the time spent on
 * the chart file and the data file of a small chart.
 */
export const SMALL_FILE_BYTES = 256 * 1024;

/** How a caller of `readSmallFile` words what is wrong with the file. */
export interface SmallFileErrors {
  /** The path names something other than a regular file. */
  notRegular(s: Stats): Error;
  /** The file is over the limit: its size as `stat` tells, or undefined when it grew past while read. */
  tooLarge(size: number | undefined): Error;
  /** A system call failed (`ENOENT`, `EACCES`, ...). */
  failed(e: unknown): Error;
}

/**
 * The whole of a regular file of at most `SMALL_FILE_BYTES`, read with blocking calls, or
 * undefined when it is larger (or grew while read, or says it is empty as files under /proc
 * do): the caller then reads it as a stream, from the start. The file is checked as the
 * streaming readers check it: a regular file at the path and once open (opened with
 * O_NONBLOCK, so a path swapped for a FIFO never blocks), within `maxBytes` by its size and by
 * the bytes read.
 */
export function readSmallFile(path: string, maxBytes: number, errors: SmallFileErrors): Buffer | undefined {
  // Throws for a file refused; whether it is one to read here.
  const check = (s: Stats): boolean => {
    if (!s.isFile()) throw errors.notRegular(s);
    if (s.size > maxBytes) throw errors.tooLarge(s.size);
    return s.size > 0 && s.size <= SMALL_FILE_BYTES;
  };
  let s: Stats;
  try {
    s = statSync(path);
  } catch (e) {
    throw errors.failed(e);
  }
  if (!check(s)) return undefined;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NONBLOCK);
  } catch (e) {
    throw errors.failed(e);
  }
  // One byte more than the size: a file that fills it has grown since.
  let bytes = Buffer.alloc(0);
  let total = 0;
  try {
    s = fstatSync(fd);
    if (s.isFile() && s.size > 0 && s.size <= Math.min(maxBytes, SMALL_FILE_BYTES)) {
      bytes = Buffer.allocUnsafe(s.size + 1);
      while (total < bytes.length) {
        const n = readSync(fd, bytes, total, bytes.length - total, null);
        if (n === 0) break;
        total += n;
      }
    }
  } catch (e) {
    throw errors.failed(e);
  } finally {
    closeSync(fd);
  }
  // The open file, checked as the path was; the refusals are thrown here, past the system calls.
  if (!check(s)) return undefined;
  if (total > maxBytes) throw errors.tooLarge(undefined);
  return total > 0 && total < bytes.length ? bytes.subarray(0, total) : undefined;
}

/** What a path that is not a regular file names, for messages. */
export function fileKind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a regular file named by the user (a report or chart file), at most `maxBytes` of it:
 * `CP_ERR_FILE_NOT_FOUND` when it is missing, `CP_ERR_FILE_READ` for a directory, a device, a
 * pipe or a file that cannot be read, `CP_ERR_FILE_TOO_LARGE` past the limit. The size from
 * `stat` is only a hint (files under /proc say 0, a file may grow while read): reading stops one
 * byte past the limit whatever it says.
 */
export async function readRegularFile(path: string, maxBytes: number, label: string): Promise<Buffer> {
  const full = resolve(path);
  const at = { file: path };
  const small = readSmallFile(full, maxBytes, {
    notRegular: (s) => notRegular(s, full, label, at),
    tooLarge: (size) =>
      tooLarge(
        size === undefined
          ? `${label} is over the limit of ${maxBytes} bytes`
          : `${label} is ${size} bytes; the limit is ${maxBytes}`,
        at,
      ),
    failed: (e) => openError(e, full, label, at),
  });
  if (small) return small;
  let handle: FileHandle;
  try {
    // The path was checked by `readSmallFile`. O_NONBLOCK: should it have become a FIFO since,
    // the open still returns at once, and the open file is checked again.
    handle = await open(full, constants.O_RDONLY | NONBLOCK);
  } catch (e) {
    throw openError(e, full, label, at);
  }
  try {
    const s = await handle.stat();
    checkRegular(s, full, label, at);
    if (s.size > maxBytes) throw tooLarge(`${label} is ${s.size} bytes; the limit is ${maxBytes}`, at);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const want = Math.min(CHUNK, maxBytes + 1 - total);
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(want), 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > maxBytes) throw tooLarge(`${label} is over the limit of ${maxBytes} bytes`, at);
    return Buffer.concat(chunks, total);
  } catch (e) {
    throw openError(e, full, label, at);
  } finally {
    await handle.close();
  }
}

function checkRegular(s: Stats, full: string, label: string, at: { file: string }): void {
  if (!s.isFile()) throw notRegular(s, full, label, at);
}

function notRegular(s: Stats, full: string, label: string, at: { file: string }): ChartpressError {
  return new ChartpressError(
    problem('CP_ERR_FILE_READ', `${label} ${full} is ${fileKind(s)}, not a regular file`, {
      ...at,
      hint: 'name a regular file',
    }),
  );
}

function tooLarge(message: string, at: { file: string }): ChartpressError {
  return new ChartpressError(problem('CP_ERR_FILE_TOO_LARGE', message, at));
}

function openError(e: unknown, full: string, label: string, at: { file: string }): ChartpressError {
  if (e instanceof ChartpressError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ChartpressError(problem('CP_ERR_FILE_NOT_FOUND', `${label} not found: ${full}`, at), {
      cause: e,
    });
  }
  const reason = code ?? (e instanceof Error ? e.message : String(e));
  return new ChartpressError(problem('CP_ERR_FILE_READ', `cannot read ${label} ${full}: ${reason}`, at), {
    cause: e,
  });
}
