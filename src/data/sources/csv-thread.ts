import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ChartpressError } from '../../errors.js';
import type { ColumnBatch } from '../batch.js';
import { IsoTimeColumn } from '../batch-time.js';
import { InvalidCells } from '../invalid.js';
import type { CsvOptions } from './csv.js';
import { type Segment, STOP, type ThreadMessage } from './csv-messages.js';
import { primeReader } from './csv-prime.js';
import { CsvReader } from './csv-read.js';
import { DEFAULT_MAX_FILE_BYTES, readError } from './file.js';

/**
 * A CSV reader thread: reads the segments of the file it is sent (`Segment`), one after the
 * other, into column batches, and posts them with their typed arrays transferred; then the
 * misses of the declared date columns and `end`, or the error. See `readCsvOnThreads`.
 */

// Posting a batch detaches the buffers it transfers, and the first buffer a thread detaches
// throws away every optimized function that reads a typed array (V8 assumes, until then, that
// none is ever detached): the reader's hot loops were compiled twice. One detached here, before
// any is compiled, makes them compile once.
const detached = new ArrayBuffer(8);
structuredClone(detached, { transfer: [detached] });

/** Reads between two turns of the event loop: 16 (4 MiB at 256 KiB a read). */
const TURN_READS = 16;

primeReader();

const port = parentPort;
if (port === null) throw new Error('csv-thread runs as a worker thread');

const post = (m: ThreadMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

function send(segment: number, batch: ColumnBatch | undefined): void {
  if (batch === undefined) return;
  const transfer = new Set<ArrayBuffer>();
  for (const c of batch.columns) {
    const array =
      c.kind === 'number'
        ? c.values
        : c.kind === 'dict'
          ? c.codes
          : c instanceof IsoTimeColumn
            ? c.ms
            : undefined;
    // Empty arrays may be shared constants of the reader: they are copied, not moved.
    if (array !== undefined && array.byteLength > 0) transfer.add(array.buffer as ArrayBuffer);
  }
  post({ type: 'batch', segment, batch }, [...transfer]);
}

async function read({ segment, start, end, part, options }: Segment): Promise<void> {
  const invalid = new InvalidCells();
  const opts: CsvOptions = { ...options, invalid };
  const limit = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const reader = start === 0 ? new CsvReader(opts) : CsvReader.part(opts, part);
  const file = openSync(opts.path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(options.readSize);
    let at = start;
    let rest = false;
    // Reads block this thread, which has nothing else to do: no trip through libuv's threads
    // (which the whole process shares) per read. A turn of the event loop now and then lets a
    // STOP in while the rest of a file is read.
    const take = async (until: number | null): Promise<void> => {
      for (let reads = 1; ; reads++) {
        const want = until === null ? chunk.length : Math.min(chunk.length, until - at);
        if (want <= 0) return;
        if (reads % TURN_READS === 0) await new Promise(setImmediate);
        if (stopping) throw new Stopped();
        const bytesRead = readSync(file, chunk, 0, want, at);
        if (bytesRead === 0) return;
        at += bytesRead;
        if (at > limit) throw new Error(`the file grew past the limit of ${limit} bytes`);
        reader.push(chunk.subarray(0, bytesRead));
        for (let b = reader.next(false); b !== undefined; b = reader.next(false)) send(segment, b);
      }
    };
    await take(end);
    if (end !== null && reader.unread === 0) {
      send(segment, reader.flush());
    } else {
      // The last segment, or one that ends inside a record: this reader alone knows where the
      // records are from here, and reads on to the end of the file.
      rest = end !== null;
      await take(null);
      reader.close();
      for (let b = reader.next(true); b !== undefined; b = reader.next(true)) send(segment, b);
    }
    const misses = invalid.missed.map((c) => ({
      column: c.column,
      format: c.format,
      count: c.misses.count,
      first: c.misses.first,
    }));
    post({ type: 'end', segment, misses, rest });
  } finally {
    closeSync(file);
  }
}

/** The reader that started this thread no longer wants what it reads (see `STOP`). */
class Stopped extends Error {}
let stopping = false;
let busy = false;

port.on('message', (task: Segment | typeof STOP) => {
  if (task === STOP) {
    // Ends the thread once the segment being read has closed its file: a thread terminated
    // while it reads would leave the file open in the process.
    stopping = true;
    if (!busy) port.close();
    return;
  }
  busy = true;
  read(task)
    .catch((e: unknown) => {
      if (stopping) return;
      const error = readError(task.options, e);
      const problems = error instanceof ChartpressError ? [...error.problems] : [];
      post({ type: 'error', segment: task.segment, problems });
    })
    .finally(() => {
      busy = false;
      if (stopping) port.close();
    });
});
