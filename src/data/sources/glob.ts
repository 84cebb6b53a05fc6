import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ChartpressError, problem } from '../../errors.js';
import { GlobSyntaxError, segmentTest } from './glob-name.js';
import type { FileRoots, PathWhere } from './roots.js';

export { GlobSyntaxError } from './glob-name.js';

/**
 * Glob paths: `logs/*.ndjson`, `sales/2025-*.csv`, `data/**\/part-?.csv`. A pattern is split at
 * `/` into a fixed folder (the segments before the first one with a wildcard, where `..` is
 * allowed) and segments matched against names:
 *
 * - `*` any run of characters within a name, `?` one character, `[abc]`, `[a-z]` and `[!abc]`
 *   (or `[^abc]`) one character of (or not of) the set, `{a,b}` either alternative (nested
 *   braces allowed, no `/` inside), `\` makes the next character literal;
 * - `**` as a whole segment: any number of folders, none included;
 * - a wildcard never matches a leading `.` (dotfiles and dot folders are matched only by a
 *   segment that starts with `.`); `**` does not enter dot folders nor follow links to folders
 *   (a link cycle could not end); links to files are matched like files;
 * - `.` and `..` cannot follow a wildcard segment (`**\/../x` is refused).
 *
 * Only regular files match (a folder, a pipe or a device that matches is skipped). Matches come
 * in one stable order: sorted by their path below the fixed folder, folder by folder, each name
 * compared by its UTF-16 code units (`2025-02.csv` before `2025-10.csv`, `a.csv` before `a/b.csv`).
 */

/** Files a glob path may match, at most: 10,000 (`CP_ERR_GLOB_TOO_MANY` past it). */
export const MAX_GLOB_FILES = 10_000;

/** Folders a glob path may read while it looks for matches, at most: 100,000. */
export const MAX_GLOB_FOLDERS = 100_000;

const WILD = /[*?[{]/;

/**
 * Whether the path is read as a glob: it holds `*`, `?`, `[` or `{`, escaped or not (a name that
 * holds them literally is written with `\` before each, and matches itself alone).
 */
export function isGlob(path: string): boolean {
  return WILD.test(path);
}

/** Whether a segment holds a wildcard: an unescaped `*`, `?`, `[` or `{`. */
function hasWildcard(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\') i++;
    else if (WILD.test(c)) return true;
  }
  return false;
}

/** A segment after the fixed folder: `**`, or a test of one name. */
type Segment =
  | { readonly any: true }
  | { readonly any: false; readonly name: (name: string) => boolean; readonly dot: boolean };

/** A glob path compiled: its fixed folder (absolute) and the segments below it. */
export interface Glob {
  /** The folder the pattern starts in, resolved against the base folder (no wildcard in it). */
  readonly base: string;
  readonly segments: readonly Segment[];
  /** Whether an absolute path lies below `base` and matches the segments. */
  test(path: string): boolean;
}

/**
 * Compiles a glob path (as written in a report) against the folder relative paths start from.
 * Throws `GlobSyntaxError` for an unclosed `[` or `{`, a `/` inside braces, a trailing `\`,
 * `.`/`..` after a wildcard, or a path that ends with `/` or `**`.
 */
export function compileGlob(pattern: string, baseDir: string): Glob {
  const parts = pattern.split('/');
  if (parts.at(-1) === '') throw new GlobSyntaxError('a glob path names files: it cannot end with "/"');
  // Without a wildcard (only escaped ones), the name is the one segment matched.
  const wild = parts.findIndex(hasWildcard);
  const first = wild < 0 ? parts.length - 1 : wild;
  const fixed = parts.slice(0, first).map(literalPart);
  const base = fixed.length === 0 ? resolve(baseDir) : resolve(baseDir, fixed.join('/') || '/');
  const segments: Segment[] = [];
  for (const part of parts.slice(first)) {
    if (part === '') continue; // `a//b` is `a/b`
    if (part === '.' || part === '..')
      throw new GlobSyntaxError(`"${part}" cannot follow a wildcard; put it before the first wildcard`);
    if (part === '**') {
      if (segments.at(-1)?.any !== true) segments.push({ any: true });
      continue;
    }
    segments.push({ any: false, name: segmentTest(part), dot: part.startsWith('.') });
  }
  if (segments.at(-1)?.any === true)
    throw new GlobSyntaxError('a glob path names files: it cannot end with "**"');
  return {
    base,
    segments,
    test: (path) => {
      const rel = relativeParts(base, path);
      return rel !== undefined && matchParts(segments, 0, rel, 0, new Set());
    },
  };
}

/** The names of `path` below `base`, or undefined when it is not below. */
function relativeParts(base: string, path: string): string[] | undefined {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (!path.startsWith(prefix)) return undefined;
  return path.slice(prefix.length).split('/');
}

/** Whether names[n..] match segments[s..]; `failed` remembers the pairs that did not (so many `**` cost little). */
function matchParts(
  segments: readonly Segment[],
  s: number,
  names: readonly string[],
  n: number,
  failed: Set<number>,
): boolean {
  if (s === segments.length) return n === names.length;
  const pair = s * (names.length + 1) + n;
  if (failed.has(pair)) return false;
  const seg = segments[s]!;
  let ok = false;
  if (seg.any) {
    for (let k = n; k < names.length && !ok; k++) {
      ok = matchParts(segments, s + 1, names, k, failed);
      if (names[k]!.startsWith('.')) break;
    }
  } else {
    const name = names[n];
    ok = name !== undefined && nameMatches(seg, name) && matchParts(segments, s + 1, names, n + 1, failed);
  }
  if (!ok) failed.add(pair);
  return ok;
}

function nameMatches(seg: Segment & { any: false }, name: string): boolean {
  if (name.startsWith('.') && !seg.dot) return false;
  return seg.name(name);
}

function literalPart(part: string): string {
  return part.replace(/\\(.)/gsu, '$1');
}

/** Where a glob path is read, and what bounds its matches. */
export interface MatchOptions {
  /** Folder relative patterns start from: the report's. */
  readonly baseDir: string;
  /** Folders every match must lie under (symlinks resolved); undefined for anywhere. */
  readonly roots?: FileRoots | undefined;
  /** Files matched at most. Defaults to `MAX_GLOB_FILES`. */
  readonly maxFiles?: number | undefined;
  /** Where the pattern is written, for errors: e.g. `datasets.logs.path`. */
  readonly where: PathWhere;
}

/**
 * The regular files a glob path matches, in the documented order. With roots, the fixed folder
 * and every match are checked (`CP_ERR_PATH_DENIED`, a link that points outside included) and
 * the real paths are given. Errors: `CP_ERR_INVALID_VALUE` (a pattern that cannot be read),
 * `CP_ERR_GLOB_NO_MATCH`, `CP_ERR_GLOB_TOO_MANY`, `CP_ERR_DATA_READ` (a folder that cannot be read).
 */
export async function matchFiles(pattern: string, opts: MatchOptions): Promise<string[]> {
  let glob: Glob;
  try {
    glob = compileGlob(pattern, opts.baseDir);
  } catch (e) {
    if (!(e instanceof GlobSyntaxError)) throw e;
    const message = `invalid glob path "${pattern}": ${e.message}`;
    throw new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', message, {
        ...opts.where,
        hint: 'use *, ?, [abc], {a,b} within a name and ** for any folders; \\ makes a character literal',
      }),
    );
  }
  // A folder outside the roots is not even listed: what it holds is none of the report's business.
  const base = opts.roots ? await opts.roots.check(glob.base, opts.where) : glob.base;
  const max = opts.maxFiles ?? MAX_GLOB_FILES;
  const found: string[][] = [];
  let folders = 0;
  const tooMany = (what: string) =>
    new ChartpressError(problem('CP_ERR_GLOB_TOO_MANY', `the glob path "${pattern}" ${what}`, opts.where));
  // A folder reached at the same segment along two routes (`**/a/**`) is looked through once.
  const seen = new Set<string>();
  const walk = async (dir: string, rel: string[], s: number): Promise<void> => {
    const seg = glob.segments[s]!;
    const state = `${s}\0${dir}`;
    if (seen.has(state)) return;
    seen.add(state);
    if (++folders > MAX_GLOB_FOLDERS) throw tooMany(`looks through more than ${MAX_GLOB_FOLDERS} folders`);
    const entries = await listFolder(dir, pattern, opts.where);
    if (seg.any) {
      await walk(dir, rel, s + 1);
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(dir, e.name), [...rel, e.name], s);
      }
      return;
    }
    const last = s === glob.segments.length - 1;
    for (const e of entries) {
      if (!nameMatches(seg, e.name)) continue;
      const path = join(dir, e.name);
      if (last) {
        if (!(await isRegularFile(e, path))) continue;
        found.push([...rel, e.name]);
        if (found.length > max) throw tooMany(`matches more than ${max} files`);
      } else if (e.isDirectory() || (e.isSymbolicLink() && (await isFolder(path)))) {
        await walk(path, [...rel, e.name], s + 1);
      }
    }
  };
  await walk(base, [], 0);
  if (found.length === 0) {
    throw new ChartpressError(
      problem(
        'CP_ERR_GLOB_NO_MATCH',
        `no file matches the glob path "${pattern}" (in ${glob.base})`,
        opts.where,
      ),
    );
  }
  // `**` can reach a file along two routes (`**/a/**/*.csv`): each file once.
  const unique = new Map(found.map((parts) => [parts.join('/'), parts]));
  const sorted = [...unique.values()].sort(compareParts).map((parts) => join(base, ...parts));
  if (!opts.roots) return sorted;
  const roots = opts.roots;
  const real: string[] = [];
  for (const path of sorted) real.push(await roots.check(path, opts.where));
  return real;
}

function compareParts(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

async function listFolder(dir: string, pattern: string, where: PathWhere): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    const message = `cannot read the folder ${dir} of the glob path "${pattern}": ${(e as Error).message}`;
    throw new ChartpressError(problem('CP_ERR_DATA_READ', message, where), { cause: e });
  }
}

async function isRegularFile(e: Dirent, path: string): Promise<boolean> {
  if (e.isFile()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return (await stat(path)).isFile();
  } catch {
    return false; // a dangling link names no file
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
