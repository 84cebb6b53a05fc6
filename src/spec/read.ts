import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChartpressError, problem } from '../errors.js';

/** Bytes read at a time. */
const CHUNK = 64 * 1024;

/** Not on every platform; where it is, opening a FIFO does not wait for a writer. */
export const NONBLOCK = constants.O_NONBLOCK ?? 0;

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
  let handle: FileHandle;
  try {
    checkRegular(await stat(full), full, label, at);
    // O_NONBLOCK: should the path become a FIFO after the stat, the open still returns at once.
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
  if (s.isFile()) return;
  throw new ChartpressError(
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
