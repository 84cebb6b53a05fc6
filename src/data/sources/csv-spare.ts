import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileRoots } from './roots.js';

/**
 * The CSV reader threads of `readCsvOnThreads`, and threads started before they are asked for.
 * Two threads take some 25–40 ms to start, about as long as a report takes to be validated and
 * planned: a report whose CSV file will be read on threads has them start before, from its
 * datasets as written (`spareReaders`). A thread not taken within `SPARE_MS` ends. This module
 * loads nothing else, so that the engine may call it before the data phase is loaded.
 */

/** Files from this size (16 MiB) are read on threads. */
export const THREAD_MIN_BYTES = 16 * 1024 * 1024;

/** Reader threads. */
export const THREADS = 2;

/**
 * A reader thread's young generation: 4 MiB. Its batches leave it as soon as they are made;
 * V8's default (16 MiB and more) only adds to the peak RSS, by about 30 MB for two threads.
 */
const YOUNG_MB = 4;

/** Time a started thread waits to be taken before it ends: 10 s. */
export const SPARE_MS = 10_000;

/** The reader threads' script: beside the bundle's entry or one folder up, or the TypeScript source. */
function threadEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./csv-thread-source.mjs', here);
  const beside = new URL('./data/csv-thread.cjs', here);
  return existsSync(beside) ? beside : new URL('../data/csv-thread.cjs', here);
}

function startReader(): Worker {
  return new Worker(threadEntry(), {
    stdout: false,
    stderr: false,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB },
  });
}

interface Spare {
  readonly worker: Worker;
  gone: boolean;
}

let spares: Spare[] = [];
let expiry: NodeJS.Timeout | undefined;
// The starts under way (`spareReaders`).
let starting: Promise<void> = Promise.resolve();

/** `THREADS` reader threads: the spare ones that still run, and new ones for the rest. */
export function takeReaders(): Worker[] {
  clearTimeout(expiry);
  const taken = [...spareThreads()];
  spares = [];
  for (const w of taken) {
    w.removeAllListeners();
    w.ref();
  }
  while (taken.length < THREADS) taken.push(startReader());
  return taken;
}

/** The threads started and not taken yet that still run. */
export function spareThreads(): readonly Worker[] {
  return spares.filter((s) => !s.gone).map((s) => s.worker);
}

/** Ends the spare threads, if any, once those being started have started. */
export async function dropSpareReaders(): Promise<void> {
  await starting;
  clearTimeout(expiry);
  const dropped = spares;
  spares = [];
  await Promise.all(dropped.map((s) => s.worker.terminate()));
}

/**
 * Starts the reader threads when a dataset of the report (as written, not yet validated) is a
 * CSV file of `THREAD_MIN_BYTES` or more under `roots`. Never fails: a dataset it cannot judge
 * starts nothing, and its reading reports any problem.
 */
export function spareReaders(report: unknown, baseDir: string, roots?: FileRoots): Promise<void> {
  const started = spare(report, baseDir, roots);
  starting = Promise.all([starting, started]).then(() => undefined);
  return started;
}

async function spare(report: unknown, baseDir: string, roots: FileRoots | undefined): Promise<void> {
  try {
    if (spares.length > 0 || typeof report !== 'object' || report === null) return;
    const datasets = (report as { datasets?: unknown }).datasets;
    if (typeof datasets !== 'object' || datasets === null) return;
    for (const d of Object.values(datasets)) {
      const { source, path } = (d ?? {}) as { source?: unknown; path?: unknown };
      if (source !== 'csv' || typeof path !== 'string' || /[*?[{]/.test(path)) continue;
      let full = resolve(baseDir, path);
      if (roots !== undefined) full = await roots.check(full, {});
      // Blocking: microseconds, where the promise API costs a round trip to libuv's threads.
      const stats = statSync(full);
      if (!stats.isFile() || stats.size < THREAD_MIN_BYTES || spares.length > 0) continue;
      spares = Array.from({ length: THREADS }, () => {
        const spare: Spare = { worker: startReader(), gone: false };
        spare.worker.unref();
        spare.worker.on('error', () => {});
        spare.worker.once('exit', () => (spare.gone = true));
        return spare;
      });
      expiry = setTimeout(() => void dropSpareReaders(), SPARE_MS).unref();
      return;
    }
  } catch {
    // Reading the dataset says what is wrong with it.
  }
}
