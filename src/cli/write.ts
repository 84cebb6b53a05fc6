import { close, closeSync, constants, fsync, fsyncSync, openSync, unlinkSync, write } from 'node:fs';
import { chmod, mkdir, readdir, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ChartpressError, problem } from '../errors.js';

/**
 * Atomic output files: each is written to a temporary file in the target's folder
 * (`.<name>.<pid>.<random>.tmp`), flushed to disk, then renamed over the target. A failure or a
 * signal leaves the target as it was (or complete and new) and no temporary file behind.
 */

/**
 * Removes the temporary files that writers of `targets` left when they were killed (`kill -9`
 * leaves no chance to clean up): `.<name>.<pid>.<random>.tmp` beside each target. Only for targets
 * nobody writes any more (a finished batch); returns how many were removed.
 */
export async function removeOrphanTemps(targets: readonly string[]): Promise<number> {
  const byDir = new Map<string, Set<string>>();
  for (const t of targets) {
    const dir = dirname(resolve(t));
    const names = byDir.get(dir) ?? new Set<string>();
    byDir.set(dir, names);
    names.add(basename(t));
  }
  let removed = 0;
  for (const [dir, names] of byDir) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const entry of entries) {
      const m = /^\.(.+)\.\d+\.[a-z0-9]+\.tmp$/.exec(entry);
      if (!m?.[1] || !names.has(m[1])) continue;
      await unlink(join(dir, entry)).then(
        () => removed++,
        () => {},
      );
    }
  }
  return removed;
}

/** Temporary files being written now, removed by `removeTempFiles()` when the process is stopped. */
const inFlight = new Set<string>();

const writeAsync = promisify(
  (fd: number, bytes: Uint8Array, offset: number, length: number, cb: (e: Error | null, n: number) => void) =>
    write(fd, bytes, offset, length, null, cb),
);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

/** Bytes per write call: the event loop turns between chunks, so a signal is handled mid-write. */
const CHUNK = 1 << 20;

/**
 * Writes `data` to `target` atomically, creating its folder. A failure (full disk, no permission,
 * a folder in the way) is `CP_ERR_OUTPUT_WRITE`; the temporary file is removed first.
 */
export async function writeOutput(target: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeAtomic(target, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENXIO' ? 'ENXIO (no process reads the pipe)' : (code ?? (e as Error).message);
    throw new ChartpressError(problem('CP_ERR_OUTPUT_WRITE', `cannot write ${target}: ${reason}`), {
      cause: e,
    });
  }
}

async function writeAtomic(target: string, bytes: Uint8Array): Promise<void> {
  // `..` is taken lexically, as `refuseClobber()` takes it: `x/../out.pdf` is `out.pdf` whether
  // or not `x` exists (it is not created).
  const path = await throughSymlink(resolve(target));
  const old = await stat(path).catch(() => undefined);
  if (old && !old.isFile() && !old.isDirectory()) {
    // A device or a pipe (`-o /dev/stdout`) is a stream, not a file to replace. A pipe that
    // nobody reads would block the open for ever: refused (ENXIO) instead.
    if (old.isFIFO()) closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    await writeFile(path, bytes);
    return;
  }
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  // Registered before it exists, so a signal from now on removes it. Opened synchronously (a
  // signal handler cannot run while the file is being created) and exclusively (never someone
  // else's file).
  inFlight.add(temp);
  let created = false;
  try {
    const fd = openSync(temp, 'wx');
    created = true;
    try {
      for (let at = 0; at < bytes.byteLength; ) {
        at += await writeAsync(fd, bytes, at, Math.min(CHUNK, bytes.byteLength - at));
      }
      await fsyncAsync(fd);
    } finally {
      await closeAsync(fd);
    }
    // The new file keeps the permissions of the one it replaces.
    if (old?.isFile()) await chmod(temp, old.mode & 0o7777);
    await rename(temp, path);
    created = false;
  } finally {
    if (created) await unlink(temp).catch(() => {});
    inFlight.delete(temp);
  }
  syncDir(dir);
}

/** An existing symlink is written through, as a plain write would: its target is replaced. */
async function throughSymlink(target: string): Promise<string> {
  try {
    return await realpath(target);
  } catch {
    return target; // not there yet (or a dangling link): written where it is named
  }
}

/** Makes the rename durable; some systems cannot open or sync a folder, which costs nothing here. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/** Removes every temporary output file being written. Synchronous: called from signal handlers. */
export function removeTempFiles(): void {
  for (const temp of inFlight) {
    try {
      unlinkSync(temp);
    } catch {
      // not created yet, or already renamed
    }
  }
  inFlight.clear();
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * For the command-line process only: on SIGINT or SIGTERM remove the temporary output files and
 * exit with 130 or 143. (Node ignores SIGXFSZ, so a file-size limit fails a write with EFBIG.)
 */
export function installSignalCleanup(): void {
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal, () => {
      removeTempFiles();
      process.exit(code);
    });
  }
}
