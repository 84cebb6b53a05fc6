import { existsSync, type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { compileGlob, type Glob, isGlob } from '../data/sources/glob.js';

/** Milliseconds files must be quiet before a change is told, by default. */
export const DEFAULT_DEBOUNCE_MS = 20;

/** A change is told at the latest this many debounce periods after the first event of a burst. */
const MAX_WAIT_PERIODS = 10;

/** Milliseconds between looks for a watched folder that went away. */
const REARM_MS = 250;

export interface WatchOptions {
  /** Milliseconds files must be quiet before `onChange`. Defaults to 20. */
  readonly debounceMs?: number;
  /** Told the watched files that changed (absolute paths), once per burst of events. */
  readonly onChange: (paths: ReadonlySet<string>) => void;
}

/**
 * Watches files through their folders (`fs.watch` on each folder, events filtered by name), so
 * that a file an editor saves by writing a new file and renaming it over the old one, a file
 * deleted and made again, or one replaced by a rename, is still watched: a watch on the file
 * itself would follow the old inode. A burst of events (an editor's truncate, write and rename,
 * or many quick saves) is told once, after `debounceMs` of quiet. A folder that goes away is
 * looked for again every 250 ms; when it is back its files are told as changed.
 */
export class FileWatcher {
  readonly #debounceMs: number;
  readonly #onChange: (paths: ReadonlySet<string>) => void;
  /** Folder -> the names watched in it, and its watcher (none while the folder is missing). */
  readonly #folders = new Map<string, { names: Set<string>; watcher?: FSWatcher; rearm?: NodeJS.Timeout }>();
  /** Glob patterns: a name in any watched folder that one of them matches is watched too. */
  #globs: readonly Glob[] = [];
  #changed = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #firstAt = 0;
  #closed = false;

  constructor(options: WatchOptions) {
    const ms = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    if (!(Number.isFinite(ms) && ms >= 0))
      throw new RangeError(`debounceMs: expected a number of at least 0, got ${ms}`);
    this.#debounceMs = ms;
    this.#onChange = options.onChange;
  }

  /** The files watched now, absolute. */
  get files(): string[] {
    return [...this.#folders].flatMap(([dir, f]) => [...f.names].map((n) => resolve(dir, n)));
  }

  /**
   * Watches exactly these files from now on (absolute or relative to the current folder). A
   * glob pattern among them (`/data/sales/*.csv`) watches its fixed folder and tells a change
   * for any name that matches it in a watched folder, so a new matching file is seen in that
   * folder and in the folders of the files given with it; a new folder below is not watched.
   */
  set(paths: Iterable<string>): void {
    if (this.#closed) return;
    const wanted = new Map<string, Set<string>>();
    const globs: Glob[] = [];
    for (const p of paths) {
      if (isGlob(p)) {
        try {
          const glob = compileGlob(p, process.cwd());
          globs.push(glob);
          if (!wanted.has(glob.base)) wanted.set(glob.base, new Set());
        } catch {
          // A pattern that cannot be read matches nothing: the render says why.
        }
        continue;
      }
      const full = resolve(p);
      const dir = dirname(full);
      const names = wanted.get(dir) ?? new Set<string>();
      names.add(basename(full));
      wanted.set(dir, names);
    }
    this.#globs = globs;
    for (const [dir, folder] of this.#folders) {
      if (wanted.has(dir)) continue;
      this.#stop(folder);
      this.#folders.delete(dir);
    }
    for (const [dir, names] of wanted) {
      const folder = this.#folders.get(dir);
      if (folder) folder.names = names;
      else {
        this.#folders.set(dir, { names });
        this.#arm(dir);
      }
    }
  }

  /** Stops every watch and the pending change; nothing is told afterwards. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const folder of this.#folders.values()) this.#stop(folder);
    this.#folders.clear();
  }

  #stop(folder: { watcher?: FSWatcher; rearm?: NodeJS.Timeout }): void {
    folder.watcher?.close();
    folder.watcher = undefined;
    if (folder.rearm) clearTimeout(folder.rearm);
    folder.rearm = undefined;
  }

  /** Watches the folder; when it cannot (it is gone), looks again a little later. */
  #arm(dir: string, back = false): void {
    const folder = this.#folders.get(dir);
    if (!folder || this.#closed) return;
    try {
      const watcher = watch(dir, { persistent: true }, (event, name) => {
        // No name (some platforms, overflowing queues): any watched file may have changed.
        const names = this.#folders.get(dir)?.names;
        if (!names) return;
        if (name === null) for (const n of names) this.#touch(resolve(dir, n));
        else {
          const path = resolve(dir, name.toString());
          if (names.has(name.toString()) || this.#globs.some((g) => g.test(path))) this.#touch(path);
        }
        // A folder removed or renamed says so with a rename and nothing after: look for it.
        if (event === 'rename' && !existsSync(dir)) this.#lost(dir);
      });
      watcher.on('error', () => this.#lost(dir));
      folder.watcher = watcher;
      if (back) for (const n of folder.names) this.#touch(resolve(dir, n));
    } catch {
      this.#lost(dir);
    }
  }

  /** The folder's watch failed or the folder went away: its files are gone until it is back. */
  #lost(dir: string): void {
    const folder = this.#folders.get(dir);
    if (!folder || this.#closed) return;
    if (folder.rearm) return; // already looking for it
    folder.watcher?.close();
    folder.watcher = undefined;
    for (const n of folder.names) this.#touch(resolve(dir, n));
    folder.rearm = setTimeout(() => {
      folder.rearm = undefined;
      this.#arm(dir, true);
    }, REARM_MS);
    folder.rearm.unref();
  }

  #touch(path: string): void {
    if (this.#closed) return;
    const now = performance.now();
    if (this.#changed.size === 0) this.#firstAt = now;
    this.#changed.add(path);
    if (this.#timer) clearTimeout(this.#timer);
    // Quiet for debounceMs, but never later than MAX_WAIT_PERIODS of it after the first event:
    // a file written without pause still shows.
    const wait = Math.min(this.#debounceMs, this.#firstAt + this.#debounceMs * MAX_WAIT_PERIODS - now);
    this.#timer = setTimeout(() => this.#flush(), Math.max(0, wait));
  }

  #flush(): void {
    this.#timer = undefined;
    const changed = this.#changed;
    this.#changed = new Set();
    if (changed.size > 0 && !this.#closed) this.#onChange(changed);
  }
}
