import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ChartpressError, problem } from '../../errors.js';

/** Which files an engine may read. */
export interface FileAccessOptions {
  /**
   * Folders that every file a report reads must lie under: the report file when given by path,
   * and the files of `csv`, `json`, `ndjson` and `sqlite` datasets. Paths are compared after
   * resolving `..` and symlinks (of the roots too), so a link that points outside is refused. An
   * empty list allows no file. Defaults to no restriction.
   */
  readonly roots?: readonly string[];
  /**
   * Show a path under a root relative to it in every problem and warning of the data phase (a
   * failed chart's placeholder, a table's error): a server shows no client the folders it serves
   * from. Defaults to false (absolute paths).
   */
  readonly relativePaths?: boolean;
}

/** Where a checked path is named in the report, for the error. */
export interface PathWhere {
  readonly file?: string | undefined;
  /** Field path, e.g. `datasets.sales.path`. */
  readonly path?: string | undefined;
}

/** The allowed folders of an engine, resolved once. */
export class FileRoots {
  readonly #roots: readonly string[];
  /** The folders to cut from paths in problems, with their separator; none unless asked. */
  readonly hidden: readonly string[];

  constructor(roots: readonly string[], relativePaths = false) {
    this.#roots = roots.map((r) => {
      const full = resolve(r);
      try {
        return realpathSync(full);
      } catch {
        return full; // a folder that does not exist yet holds nothing to read
      }
    });
    const withSep = (p: string) => (p.endsWith(sep) ? p : p + sep);
    this.hidden = relativePaths
      ? [...new Set([...roots.map((r) => resolve(r)), ...this.#roots].map(withSep))]
      : [];
  }

  /** The allowed folders, symlinks resolved. */
  get folders(): readonly string[] {
    return this.#roots;
  }

  /**
   * The real path (symlinks resolved) of `path` when it lies under a root; otherwise
   * `CP_ERR_PATH_DENIED` at `where`, naming the path as given. A path that does not exist is
   * judged by its nearest existing folder, so a missing file inside the roots still reads as
   * "not found" where the source opens it.
   */
  async check(path: string, where: PathWhere): Promise<string> {
    const full = resolve(path);
    let real: string;
    try {
      real = await realOrNearest(full);
    } catch (e) {
      throw denied(full, where, `cannot be resolved (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (this.#roots.some((root) => isUnder(real, root))) return real;
    throw denied(full, where, 'is outside the folders this engine may read (files.roots)');
  }
}

/** The engine's roots, or undefined when files are not restricted. */
export function fileRoots(options: FileAccessOptions | undefined): FileRoots | undefined {
  return options?.roots === undefined ? undefined : new FileRoots(options.roots, options.relativePaths);
}

function isUnder(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** `realpath` of the path, or of its nearest existing folder joined with the missing rest. */
async function realOrNearest(path: string): Promise<string> {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      return join(await realpath(at), ...missing.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw e;
      missing.push(basename(at));
      at = parent;
    }
  }
}

function denied(path: string, where: PathWhere, why: string): ChartpressError {
  return new ChartpressError(problem('CP_ERR_PATH_DENIED', `${path} ${why}`, where));
}
