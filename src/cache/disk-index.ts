import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { declaredLength } from './codec.js';
import { readEntryHeader, refuseFile } from './disk-read.js';
import { TEMP_PREFIX } from './disk-write.js';

/** What the disk tier knows of one file. */
export interface FileInfo {
  /** Stored size in bytes. */
  readonly size: number;
  readonly original: number;
  /** When it was written (its mtime), in clock milliseconds. */
  readonly written: number;
}

/** Temporary files older than this were left by a process that died mid-write. */
const STALE_TEMP_MS = 10 * 60_000;
/** Files inspected at once while scanning. */
const SCAN_CONCURRENCY = 16;

/**
 * Lists the entries of a cache folder once, at open: size, declared original length and write
 * time of each, oldest first. Reads only each file's header. Stops early when `stop()` is true.
 * What is not a regular file of at most `largest` bytes is left out, unopened: a read of its key
 * refuses and deletes it.
 */
export async function scanFolder(
  dir: string,
  now: number,
  largest: number,
  stop: () => boolean,
): Promise<Map<string, FileInfo>> {
  const found: [string, FileInfo][] = [];
  const shards = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const shard of shards) {
    if (stop()) break;
    if (!shard.isDirectory() || shard.name.length !== 2) continue;
    const folder = join(dir, shard.name);
    const names = await readdir(folder).catch(() => [] as string[]);
    for (let i = 0; i < names.length && !stop(); i += SCAN_CONCURRENCY) {
      await Promise.all(
        names.slice(i, i + SCAN_CONCURRENCY).map(async (name) => {
          const info = await inspect(join(folder, name), largest).catch(() => undefined);
          if (!info) return;
          if (name.startsWith(TEMP_PREFIX)) {
            if (now - info.written > STALE_TEMP_MS) await unlink(join(folder, name)).catch(() => {});
          } else found.push([name, info]);
        }),
      );
    }
  }
  found.sort((a, b) => a[1].written - b[1].written);
  return new Map(found);
}

async function inspect(path: string, largest: number): Promise<FileInfo> {
  // Looked at before it is opened: opening a FIFO or a device may block or have effects.
  refuseFile(await lstat(path), largest);
  const { header, st } = await readEntryHeader(path, 8, largest);
  return { size: st.size, original: declaredLength(header), written: st.mtimeMs };
}
