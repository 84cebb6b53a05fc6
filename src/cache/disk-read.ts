import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { CorruptEntryError } from './codec.js';

// No following links, and no waiting on a FIFO whose writer never comes.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Throws `CorruptEntryError` unless `st` is a regular file of at most `largest` bytes. */
export function refuseFile(st: Stats, largest: number): void {
  if (!st.isFile()) throw new CorruptEntryError(`not a regular file but ${kindOf(st)}`);
  if (st.size > largest)
    throw new CorruptEntryError(`${st.size} bytes, above the largest entry (${largest} bytes)`);
}

/**
 * The bytes of a cache file: opened without following links or blocking, checked again on the
 * open handle (the path may have changed since it was looked at), and read up to its size,
 * never past `largest`. Throws `CorruptEntryError` for anything but a regular file within bound.
 */
export async function readEntryFile(path: string, largest: number): Promise<Buffer> {
  const fh = await openEntryFile(path);
  try {
    const st = await fh.stat();
    refuseFile(st, largest);
    const data = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < st.size) {
      const { bytesRead } = await fh.read(data, read, st.size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return data.subarray(0, read);
  } finally {
    await fh.close();
  }
}

/** Reads the first `length` bytes of a cache file (its header), with the same checks. */
export async function readEntryHeader(
  path: string,
  length: number,
  largest: number,
): Promise<{ header: Buffer; st: Stats }> {
  const fh = await openEntryFile(path);
  try {
    const st = await fh.stat();
    refuseFile(st, largest);
    const header = Buffer.alloc(length);
    await fh.read(header, 0, Math.min(length, st.size), 0);
    return { header, st };
  } finally {
    await fh.close();
  }
}

async function openEntryFile(path: string) {
  try {
    return await open(path, READ_FLAGS);
  } catch (e) {
    // ELOOP: the path became a link after it was looked at.
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new CorruptEntryError('a symbolic link');
    throw e;
  }
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}
