import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
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

/**
 * Checks that the file exists, is a file and is within the size limit:
 * `CP_ERR_FILE_NOT_FOUND`, `CP_ERR_DATA_READ` or `CP_ERR_FILE_TOO_LARGE` otherwise.
 */
export async function checkFile(opts: FileSourceOptions): Promise<void> {
  const { path } = opts;
  let size: number;
  try {
    const s = await stat(path);
    // A FIFO would block the read forever and a device never ends: regular files only.
    if (!s.isFile()) throw notRegular(opts, s);
    size = s.size;
  } catch (e) {
    throw statError(opts, e);
  }
  const max = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (size > max) throw tooLarge(opts, `${path} is ${size} bytes, over the limit of ${max} bytes`);
}

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
 * Opens a data file as a byte stream after `checkFile()`. The open file is checked again (a
 * path swapped for a pipe or a device after the check is refused), and the stream fails with
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
  await checkFile(opts);
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
  const input = handle.createReadStream({ highWaterMark });
  let total = 0;
  // What was read is what a document made from it shows: its digest, for reruns (see rerun.ts).
  const hash = opts.onRead && createHash('sha256');
  const bounded = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.byteLength;
      if (total > max)
        return done(tooLarge(opts, `${opts.path} grew past the limit of ${max} bytes while read`));
      hash?.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (hash) opts.onRead?.(hash.digest('hex'));
      done();
    },
  });
  input.on('error', (e) => bounded.destroy(e));
  bounded.on('close', () => input.destroy());
  return input.pipe(bounded);
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
