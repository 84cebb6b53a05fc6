import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChartpressError, problem } from '../errors.js';

/**
 * Refuses to write any of `targets` when it is one of `inputs`: the same file after symlinks,
 * or the same device and inode (a hard link). `CP_ERR_OUTPUT_CLOBBER`, before anything is written.
 * A target or input that does not exist cannot be overwritten by the other. Targets are
 * resolved as `writeOutput()` resolves them (`..` taken lexically).
 */
export async function refuseClobber(targets: readonly string[], inputs: readonly string[]): Promise<void> {
  const ids = new Map<string, string>();
  for (const input of inputs) {
    const id = await fileId(input);
    if (id) ids.set(id, input);
  }
  for (const target of targets) {
    // `x/../report.yaml` is the report even while `x` does not exist: the write creates `x`.
    const id = await fileId(resolve(target));
    const input = id && ids.get(id);
    if (input) {
      throw new ChartpressError(
        problem('CP_ERR_OUTPUT_CLOBBER', `the output ${target} would overwrite the input ${resolve(input)}`),
      );
    }
  }
}

/** `device:inode` of the file a path leads to (symlinks followed), or undefined when there is none. */
async function fileId(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}
