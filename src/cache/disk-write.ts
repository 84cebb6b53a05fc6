import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** How temporary files begin: the folder scan removes old ones that a dead process left. */
export const TEMP_PREFIX = '.tmp-';

/** Temporary file names, unique in this process (several stores may share a folder). */
let writes = 0;

/**
 * Writes `data` to `path` whole or not at all: into a temporary file beside it (in the same
 * shard folder, so the rename stays on one file system), stamped with `mtime` (clock
 * milliseconds), then renamed into place. The temporary file is removed when anything fails.
 * A missing shard folder is created, so a folder removed while the process runs comes back.
 */
export async function atomicWrite(path: string, data: Uint8Array, mtime: number): Promise<void> {
  const shard = dirname(path);
  const temp = join(shard, `${TEMP_PREFIX}${process.pid}-${writes++}`);
  try {
    const fh = await open(temp, 'wx').catch(async (e: unknown) => {
      if (!isMissing(e)) throw e;
      await mkdir(shard, { recursive: true });
      return open(temp, 'wx');
    });
    try {
      await fh.writeFile(data);
      await fh.utimes(mtime / 1000, mtime / 1000);
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
}

/** Whether `e` says a file or folder is not there. */
export function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
