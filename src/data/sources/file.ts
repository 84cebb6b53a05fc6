import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { ChartpressError, problem } from '../../errors.js';
import { fileKind, NONBLOCK, readSmallFile } from '../../spec/read.js';

/** Where a file dataset sits in the report, for error messages. */
export interface FileWhere {
  /** The report file. */
  readonly file?: string | undefined;
  /** Field path of the dataset, e.g. `datasets.sales`. */
  readonly path: string;
}

/** What every file source takes. */
export interface FileSourceOptions {
  /** Absolute (or process-relative) path of the file. */
  readonly path: string;
  /** Largest file accepted, in bytes. Defaults to `DEFAULT_MAX_FILE_BYTES` (1 GiB). */
  readonly maxBytes?: number | undefined;
  readonly where: FileWhere;
  /** Told of the SHA-256 of the file's bytes once they have all been read. */
  readonly onRead?: ((sha256: string) => void) | undefined;
}

/** Default size limit of a data file: 1 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 1024 ** 3;

/** `{file, path}` of the dataset's `path` field, where problems with the file are reported. */
export const pathField = (where: FileWhere) => ({ file: where.file, path: `${where.path}.path` });

/** `CP_ERR_FILE_NOT_FOUND` for a path that names nothing, else `CP_ERR_DATA_READ`. */
function statError(opts: FileSourceOptions, e: unknown): ChartpressError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ChartpressError(
      problem('CP_ERR_FILE_NOT_FOUND', `file not found: ${opts.path}`, pathField(opts.where)),
      { cause: e },
    );
  }
  return readError(opts, e);
}

const notRegular = (opts: FileSourceOptions, s: Stats) =>
  readError(opts, new Error(`it is ${fileKind(s)}, not a regular file`));

/** The bytes of an open data file, chunk by chunk; `destroy()` lets go of the file early. */
export interface FileChunks extends AsyncIterable<Buffer> {
  destroy(): void;
}

/**
 * Opens a data file as chunks of bytes, once the path is found to name a regular file within
 * the size limit (`CP_ERR_FILE_NOT_FOUND`, `CP_ERR_DATA_READ`, `CP_ERR_FILE_TOO_LARGE`
 * otherwise). The open file is checked again (a path swapped for a pipe or a device after the
 * check is refused), and the chunks fail with
 * `CP_ERR_FILE_TOO_LARGE` once it passes the limit, whatever size the file claimed (files under
 * /proc claim 0; a file may grow while it is read). A file of at most `SMALL_FILE_BYTES` is
 * read whole at once, with the same checks, and comes as one chunk.
 */
export async function openFile(opts: FileSourceOptions, highWaterMark: number): Promise<FileChunks> {
  const max = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const whole = readSmallFile(opts.path, max, {
    notRegular: (s) => notRegular(opts, s),
    tooLarge: (size) =>
      tooLarge(
        opts,
        size === undefined
          ? `${opts.path} grew past the limit of ${max} bytes while read`
          : `${opts.path} is ${size} bytes, over the limit of ${max} bytes`,
      ),
    failed: (e) => statError(opts, e),
  });
  if (whole) return wholeFile(whole, opts.onRead);
  // The path was checked by `readSmallFile`; the file opened is checked again.
  const handle = await open(opts.path, constants.O_RDONLY | NONBLOCK).catch((e: unknown) => {
    throw readError(opts, e);
  });
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw notRegular(opts, s);
    if (s.size > max) throw tooLarge(opts, `${opts.path} is ${s.size} bytes, over the limit of ${max} bytes`);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return fileChunks(handle, opts, max, highWaterMark);
}

/**
 * The chunks of an open file of `highWaterMark` bytes (the last one shorter), each next one read
 * while the one before is taken, failing past `max` bytes; the handle closed at the end, on a
 * failure, or by `destroy()`. What was read is what a document made from it shows: its digest
 * is told at the end (see rerun.ts).
 */
function fileChunks(
  handle: FileHandle,
  opts: FileSourceOptions,
  max: number,
  highWaterMark: number,
): FileChunks {
  let closing: Promise<void> | undefined;
  // Close waits for a read under way.
  const close = () => (closing ??= handle.close().catch(() => {}));
  const read = () => {
    const reading = handle.read(Buffer.allocUnsafe(highWaterMark), 0, highWaterMark, null);
    // A read left under way when the reader stops fails unheard; one awaited fails the reader.
    reading.catch(() => {});
    return reading;
  };
  return {
    async *[Symbol.asyncIterator]() {
      const hash = opts.onRead && createHash('sha256');
      let total = 0;
      try {
        let next = read();
        for (;;) {
          const { bytesRead, buffer } = await next;
          if (bytesRead === 0) break;
          total += bytesRead;
          if (total > max)
            throw tooLarge(opts, `${opts.path} grew past the limit of ${max} bytes while read`);
          next = read();
          const chunk = bytesRead < buffer.length ? buffer.subarray(0, bytesRead) : buffer;
          hash?.update(chunk);
          yield chunk;
        }
        if (hash) opts.onRead?.(hash.digest('hex'));
      } finally {
        await close();
      }
    },
    destroy() {
      void close();
    },
  };
}

/** A small file read whole (see `readSmallFile`), as one chunk; its digest once it is taken. */
function wholeFile(bytes: Buffer, onRead: ((sha256: string) => void) | undefined): FileChunks {
  return {
    async *[Symbol.asyncIterator]() {
      yield bytes;
      onRead?.(createHash('sha256').update(bytes).digest('hex'));
    },
    destroy() {},
  };
}

function tooLarge(opts: FileSourceOptions, message: string): ChartpressError {
  return new ChartpressError(problem('CP_ERR_FILE_TOO_LARGE', message, pathField(opts.where)));
}

/** `CP_ERR_DATA_READ` for the file: `cannot read <path>[ at <where>]: <reason>`. */
export function readError(opts: FileSourceOptions, cause: unknown, where?: string): ChartpressError {
  if (cause instanceof ChartpressError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const message = `cannot read ${opts.path}${where ? ` at ${where}` : ''}: ${reason}`;
  return new ChartpressError(problem('CP_ERR_DATA_READ', message, pathField(opts.where)), { cause });
}
