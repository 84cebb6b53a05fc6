import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LRUCache } from 'lru-cache';
import { isGlob, matchFiles } from '../data/sources/glob.js';
import type { FileRoots } from '../data/sources/roots.js';
import type { Warning } from '../errors.js';
import { type Frame, TimeColumn } from '../frame.js';
import { isParamRef } from '../spec/normalize.js';
import type { Params } from '../spec/params.js';
import type { Dataset, Query } from '../spec/schema.js';

/** Bytes of frames a `KeptFrames` holds by default: 256 MiB. */
export const DEFAULT_KEPT_FRAME_BYTES = 256 * 1024 * 1024;

/** A frame kept from an earlier scan, and the warnings that scan raised. */
interface Kept {
  readonly frame: Frame;
  readonly warnings: readonly Warning[];
}

/**
 * The frames of earlier scans, kept between renders of a report that is edited and rendered
 * again (a preview): a query's frame is reused while its dataset's definition, its data (the
 * file's identity, size and times) and the query with the values of the params it reads are
 * the same, so an edit to the text or to one chart's options reads no data, and an edit to one
 * dataset's file rescans that dataset only. A glob path's data is every file it matches now: a
 * file added, removed or changed rescans it.
 *
 * Only data that a file or the report itself holds is kept: CSV, JSON, NDJSON and SQLite files
 * (the database and its `-wal` file) and inline rows. A PostgreSQL dataset is read every time:
 * nothing tells whether it changed. Bounded in bytes (least recently used first); kept frames
 * are shared between renders, so they are never handed over to a worker (copied instead).
 */
export class KeptFrames {
  readonly #frames: LRUCache<string, Kept>;

  constructor({ maxBytes = DEFAULT_KEPT_FRAME_BYTES }: { readonly maxBytes?: number } = {}) {
    this.#frames = new LRUCache<string, Kept>({
      maxSize: maxBytes,
      sizeCalculation: (kept) => Math.max(1, frameBytes(kept.frame)),
    });
  }

  /** Frames held now. */
  get size(): number {
    return this.#frames.size;
  }

  /** A view for one render, which tells what it scanned and what it reused (see `FrameRun`). */
  run(): FrameRun {
    return new FrameRun(this.#frames);
  }

  clear(): void {
    this.#frames.clear();
  }
}

/** Where a dataset's data stands now, for one render. */
export interface DatasetStamp {
  readonly name: string;
  /** Identifies the definition and the data; queries are kept under it. */
  readonly key: string;
}

/**
 * One render's use of the kept frames: the data phase asks for a dataset's stamp, takes the
 * frames kept under it, and keeps what it scans. `scanned` and `reused` name the datasets that
 * were read and those whose every query was answered from the kept frames.
 */
export class FrameRun {
  readonly #frames: LRUCache<string, Kept>;
  readonly scanned = new Set<string>();
  readonly reused = new Set<string>();

  constructor(frames: LRUCache<string, Kept>) {
    this.#frames = frames;
  }

  /**
   * The stamp of a dataset's data now; undefined when it cannot be kept (PostgreSQL, a file that
   * cannot be found or lies outside the roots: its scan then says why).
   */
  async stamp(
    name: string,
    dataset: Dataset,
    at: { readonly baseDir: string; readonly roots?: FileRoots | undefined },
  ): Promise<DatasetStamp | undefined> {
    // A server's tables, and the files of a DuckDB query or a glob, change without a stamp here.
    if (dataset.source === 'postgres' || dataset.source === 'duckdb' || dataset.source === 'parquet')
      return undefined;
    const definition = JSON.stringify(dataset);
    if (!('path' in dataset)) return { name, key: `${name}\0${definition}` };
    const path = resolve(at.baseDir, dataset.path);
    try {
      if ((dataset.source === 'csv' || dataset.source === 'ndjson') && isGlob(dataset.path)) {
        // Every file it matches now, each with its state: a file added, removed or changed rescans.
        const files = await matchFiles(dataset.path, { baseDir: at.baseDir, roots: at.roots, where: {} });
        const stamps = await Promise.all(files.map(fileStamp));
        if (stamps.includes(undefined)) return undefined;
        const each = files.map((f, i) => `${f}\0${stamps[i]}`);
        return { name, key: `${name}\0${definition}\0${each.join('\0')}` };
      }
      // The same check the source makes: a file swapped for a link outside is refused, not reused.
      await at.roots?.check(path, {});
      const files = dataset.source === 'sqlite' ? [path, `${path}-wal`] : [path];
      const stamps = await Promise.all(files.map(fileStamp));
      if (stamps[0] === undefined) return undefined;
      return { name, key: `${name}\0${definition}\0${path}\0${stamps.join('\0')}` };
    } catch {
      return undefined;
    }
  }

  /** The frame kept for this query under the stamp, with the warnings its scan raised. */
  get(stamp: DatasetStamp, query: Query, params: Params): Kept | undefined {
    return this.#frames.get(queryKey(stamp, query, params));
  }

  /** Keeps the frames of one scan under the stamp taken before it. */
  keep(
    stamp: DatasetStamp,
    frames: Iterable<readonly [Query, Frame]>,
    params: Params,
    warnings: readonly Warning[],
  ): void {
    for (const [query, frame] of frames)
      this.#frames.set(queryKey(stamp, query, params), { frame, warnings });
  }
}

/**
 * The file's identity and state: device, inode, size, modification and change times (in
 * nanoseconds). Saving, touching or replacing the file (by rename, too) changes it. Undefined
 * when there is no such file.
 */
async function fileStamp(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The query as a key, each param it reads written with its value. */
function queryKey(stamp: DatasetStamp, query: Query, params: Params): string {
  const text = JSON.stringify(query, (_, v: unknown) =>
    isParamRef(v) ? { param: v.param, value: Object.hasOwn(params, v.param) ? params[v.param] : null } : v,
  );
  return `${stamp.key}\0${text}`;
}

/** About what a frame holds in memory: 8 bytes a number, 2 a character, 8 any other cell. */
function frameBytes(frame: Frame): number {
  let bytes = 0;
  for (const name of frame.fields) {
    const col = frame.columns[name];
    if (!col) continue;
    if (col instanceof Float64Array) {
      bytes += col.byteLength;
      continue;
    }
    if (col instanceof TimeColumn) {
      bytes += col.ms.byteLength;
      if (!col.made) continue;
    }
    for (const v of col instanceof TimeColumn ? col.values : col)
      bytes += typeof v === 'string' ? 16 + 2 * v.length : 8;
  }
  return bytes;
}
