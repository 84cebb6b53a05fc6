import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ChartpressError } from '../../errors.js';
import type { ColumnBatch } from '../batch.js';
import type { CsvOptions } from './csv.js';
import type { ThreadMessage, ThreadOptions } from './csv-messages.js';
import { readError } from './file.js';

/**
 * A large CSV file is read on a thread of its own: the thread splits the bytes into records and
 * cells and builds the typed columns, while this thread runs the queries over the batches it has
 * already posted. The two halves of a scan then take about as long as the longer one instead of
 * their sum. The batches, the errors and the warnings are those of reading on this thread.
 */

/** Files from this size (16 MiB) are read on a thread; smaller ones read faster here. */
export const THREAD_MIN_BYTES = 16 * 1024 * 1024;

/** Batches the thread may read ahead of the queries: 8 (about 64k rows). */
const AHEAD = 8;

/** The thread's module: beside the bundle's entry or one folder up, or the TypeScript source. */
function threadEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./csv-thread-source.mjs', here);
  const beside = new URL('./data/csv-thread.js', here);
  return existsSync(beside) ? beside : new URL('../data/csv-thread.js', here);
}

/** Reads the file on a thread; `readSize`: bytes read at a time. */
export async function* readCsvOnThread(opts: CsvOptions, readSize: number): AsyncGenerator<ColumnBatch> {
  const workerData: ThreadOptions = {
    path: opts.path,
    delimiter: opts.delimiter,
    columns: opts.columns,
    maxBytes: opts.maxBytes,
    where: opts.where,
    readSize,
    wantsSha256: opts.onRead !== undefined,
  };
  const worker = new Worker(threadEntry(), { workerData, stdout: false, stderr: false });
  const inbox: ThreadMessage[] = [];
  let failure: unknown;
  let exited = false;
  let wake: (() => void) | undefined;
  const woken = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (m: ThreadMessage) => {
    inbox.push(m);
    woken();
  });
  worker.on('error', (e) => {
    failure ??= e;
    woken();
  });
  worker.on('exit', () => {
    exited = true;
    woken();
  });
  worker.postMessage({ credit: AHEAD });
  try {
    for (;;) {
      const m = inbox.shift();
      if (m === undefined) {
        if (failure !== undefined) throw readError(opts, failure);
        if (exited) throw readError(opts, new Error('the reading thread stopped'));
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      switch (m.type) {
        case 'batch':
          worker.postMessage({ credit: 1 });
          yield m.batch;
          break;
        case 'sha256':
          opts.onRead?.(m.sha256);
          break;
        case 'done':
          for (const c of m.misses) {
            const misses = opts.invalid?.column(c.column, c.format);
            if (misses === undefined) continue;
            if (misses.count === 0) misses.first = c.first;
            misses.count += c.count;
          }
          return;
        case 'error':
          throw m.problems.length > 0
            ? new ChartpressError(m.problems)
            : readError(opts, new Error('the reading thread failed'));
      }
    }
  } finally {
    await worker.terminate();
  }
}
