import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { collectYoung } from '../../collect.js';
import { ChartpressError } from '../../errors.js';
import type { ColumnBatch } from '../batch.js';
import { reviveBatch } from '../batch-time.js';
import type { CsvOptions } from './csv.js';
import { type Cut, STOP, type ThreadMessage, type ThreadOptions } from './csv-messages.js';
import { type CsvPart, CsvReader } from './csv-read.js';
import { EOL_CRLF, EOL_LF } from './csv-scan.js';
import { takeReaders } from './csv-spare.js';
import { DEFAULT_MAX_FILE_BYTES, readError } from './file.js';

/**
 * A large CSV file is read by two threads: the file is cut into segments at line ends, each
 * thread splits a segment into records and cells and builds its typed columns, and this thread
 * runs the queries over the batches in file order while the next segments are read. A cut is
 * only a guess at a record's end (a line break may sit inside a quoted field): the thread that
 * reads the segment before a cut knows, and when its bytes do not end at a record's end it
 * reads on to the end of the file, and what was read after the cut is dropped. The batches,
 * warnings and errors are those of reading the file on one thread: an error found by a thread
 * is found again by reading the file here, so that its message and line are the same.
 */

/**
 * Bytes of a segment: 2 MiB. Each segment costs a thread a new reader and a wait for the next:
 * on 1M rows (`bench/peers/data-chartpress.mjs`, interleaved runs) segments of 1 MiB took
 * about 1.08x the time of 2 MiB ones. Segments of 3 and 4 MiB were 2% faster still, but raised
 * the peak RSS of reading 10M rows from about 125 MB to 140–147 MB.
 */
export const SEGMENT_BYTES = 2 * 1024 * 1024;

/** Segments read ahead of the one the queries are taking, at most (so memory stays bounded). */
const AHEAD = 2;

/**
 * Bytes of typed arrays received from the threads between two collections of this thread's
 * young generation: 2 MiB (see `collectYoung`). Without them, the scan allocates so little
 * that V8 let some 40 MB of received batches wait for a collection; with one every 2 MiB the
 * peak RSS of reading 1M rows stayed where it was when the batches held strings.
 */
const COLLECT_RECEIVED_BYTES = 2 * 1024 * 1024;

/** Time a reader thread has to end when asked to before it is terminated: 5 s. */
const STOP_MS = 5000;

/** Bytes read at a time for the header: 2 KiB, more than most headers. */
const HEAD_BYTES = 2 * 1024;

/** Bytes looked through after a cut for a line end. */
const CUT_WINDOW = 64 * 1024;

/** Windows read at once while the file is cut. */
const CUT_READS = 16;

/**
 * Reads the file on threads; `here` reads it on this thread, used for what threads cannot read
 * (UTF-16, line ends other than LF and CR LF, a header alone) and to find an error again.
 * `readSize`: bytes read at a time; `segmentBytes`: the length of a segment.
 */
export async function* readCsvOnThreads(
  opts: CsvOptions,
  readSize: number,
  here: () => AsyncIterable<ColumnBatch>,
  segmentBytes = SEGMENT_BYTES,
): AsyncGenerator<ColumnBatch> {
  const options: ThreadOptions = {
    path: opts.path,
    delimiter: opts.delimiter,
    columns: opts.columns,
    maxBytes: opts.maxBytes,
    where: opts.where,
    readSize,
  };
  // The threads start (unless they were started with the report, see `spareReaders`) while the
  // header is read and the file cut: a thread takes about as long to start as both.
  const workers = takeReaders();
  const gone = workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
  const idle = [...workers];
  let segments: Cut[] = [];
  let inbox: ThreadMessage[][] = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  const woken = () => {
    wake?.();
    wake = undefined;
  };
  let next = 0;
  let current = 0;
  // Threads told to end: their exit is no failure.
  const done = new Set<Worker>();
  const assign = () => {
    while (idle.length > 0 && next < segments.length && next <= current + AHEAD) {
      idle.pop()!.postMessage({ ...segments[next++]!, options });
    }
    // A thread with nothing left to read ends now, while the last batches are taken, not after.
    if (segments.length > 0 && next >= segments.length) {
      for (const w of idle.splice(0)) {
        done.add(w);
        w.postMessage(STOP);
      }
    }
  };
  for (const worker of workers) {
    worker.on('message', (m: ThreadMessage) => {
      inbox[m.segment]?.push(m);
      if (m.type !== 'batch') {
        idle.push(worker);
        assign();
      }
      woken();
    });
    worker.on('error', (e) => {
      failure ??= e;
      woken();
    });
    worker.on('exit', () => {
      if (!done.has(worker)) failure ??= new Error('a reading thread stopped');
      woken();
    });
  }
  const stopAll = () => Promise.all(workers.map((w, i) => stop(w, gone[i]!)));
  let head: Awaited<ReturnType<typeof readHead>>;
  try {
    head = await readHead(opts, readSize);
    if (head !== undefined) segments = await cutFile(opts.path, head.size, head.part, segmentBytes);
  } catch (e) {
    await stopAll();
    throw e;
  }
  if (head === undefined || segments.length === 0) {
    await stopAll();
    yield* here();
    return;
  }
  inbox = segments.map((): ThreadMessage[] => []);
  const hashed = opts.onRead === undefined ? undefined : hashFile(opts.path);
  hashed?.catch(() => undefined);
  // Bytes of batches received since the last collection.
  let received = 0;
  try {
    for (; current < segments.length; current++) {
      assign();
      const box = inbox[current]!;
      let end: ThreadMessage | undefined;
      while (end === undefined) {
        const m = box.shift();
        if (m === undefined) {
          if (failure !== undefined) throw await errorAgain(opts, here, failure);
          await new Promise<void>((r) => (wake = r));
        } else if (m.type === 'batch') {
          received += batchBytes(m.batch);
          if (received >= COLLECT_RECEIVED_BYTES) {
            received = 0;
            collectYoung();
          }
          yield reviveBatch(m.batch);
        } else {
          end = m;
        }
      }
      if (end.type === 'error') throw await errorAgain(opts, here, new ChartpressError(end.problems));
      if (end.type !== 'end') continue;
      for (const c of end.misses) {
        const misses = opts.invalid?.column(c.column, c.format);
        if (misses === undefined) continue;
        if (misses.count === 0) misses.first = c.first;
        misses.count += c.count;
      }
      if (end.rest) break;
    }
  } finally {
    await stopAll();
  }
  if (hashed !== undefined) opts.onRead?.(await hashed);
}

/** Bytes of the typed arrays of a batch. */
function batchBytes(batch: ColumnBatch): number {
  let bytes = 0;
  for (const c of batch.columns) {
    if (c.kind === 'number') bytes += c.values.byteLength;
    else if (c.kind === 'dict') bytes += c.codes.byteLength;
    else if ('ms' in c && c.ms instanceof Float64Array) bytes += c.ms.byteLength;
  }
  return bytes;
}

/**
 * Ends a reader thread: asked to, it stops reading and closes its file; one that has not ended
 * within `STOP_MS` is terminated.
 */
async function stop(worker: Worker, gone: Promise<void>): Promise<void> {
  worker.postMessage(STOP);
  const late = setTimeout(() => void worker.terminate(), STOP_MS);
  await gone;
  clearTimeout(late);
}

/**
 * The header's names and the file's line ends, read here, with the file's size; undefined when
 * threads cannot read the file (UTF-16, a header alone, line ends other than LF or CR LF, not a
 * regular file) or it has an error (in the header, too large), which reading it here reports.
 */
async function readHead(
  opts: CsvOptions,
  readSize: number,
): Promise<{ part: CsvPart; size: number } | undefined> {
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    file = await open(opts.path, 'r');
    const stats = await file.stat();
    if (!stats.isFile() || stats.size > (opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES)) return undefined;
    const reader = new CsvReader({ ...opts, invalid: undefined, onRead: undefined });
    // Only the header is wanted: the records after it in a chunk are parsed too, by code not
    // yet compiled, and a whole chunk took this thread 60 ms while the reader threads waited.
    const chunk = Buffer.allocUnsafe(Math.min(readSize, HEAD_BYTES));
    let at = 0;
    for (;;) {
      const { bytesRead } = await file.read(chunk, 0, chunk.length, at);
      if (at === 0 && chunk[0] === 0xff && chunk[1] === 0xfe) return undefined;
      if (bytesRead === 0) return undefined;
      at += bytesRead;
      reader.push(chunk.subarray(0, bytesRead));
      reader.next(false);
      const part = reader.part;
      if (part !== undefined) {
        return part.lineEnd === EOL_LF || part.lineEnd === EOL_CRLF ? { part, size: stats.size } : undefined;
      }
      if (at > 16 * readSize) return undefined;
    }
  } catch {
    return undefined;
  } finally {
    await file?.close();
  }
}

/**
 * The file's segments: cuts every `bytes` or so, each just after the first line end (LF, or
 * CR LF) after its place. No segment when the file is too short for two.
 */
async function cutFile(path: string, size: number, part: CsvPart, bytes: number): Promise<Cut[]> {
  const places: number[] = [];
  for (let place = bytes; place < size - bytes / 4; place += bytes) places.push(place);
  const found: number[] = [];
  const file = await open(path, 'r');
  try {
    const crlf = part.lineEnd === EOL_CRLF;
    const windows = Array.from({ length: Math.min(CUT_READS, places.length) }, () =>
      Buffer.allocUnsafe(CUT_WINDOW),
    );
    // The line end after each place; read one after the other, they took as long as a thread's start.
    const lineEnd = async (place: number, window: Buffer): Promise<number> => {
      const { bytesRead } = await file.read(window, 0, window.length, place);
      const seen = window.subarray(0, bytesRead);
      const at = crlf ? seen.indexOf('\r\n') : seen.indexOf(10);
      return at < 0 ? -1 : place + at + (crlf ? 2 : 1);
    };
    for (let i = 0; i < places.length; i += windows.length) {
      const some = places.slice(i, i + windows.length);
      found.push(...(await Promise.all(some.map((place, k) => lineEnd(place, windows[k]!)))));
    }
  } finally {
    await file.close();
  }
  // A place that a cut before it has passed (a window longer than a segment) makes none.
  const cuts = [0];
  places.forEach((place, i) => {
    if (place > cuts.at(-1)! && found[i]! >= 0) cuts.push(found[i]!);
  });
  if (cuts.length < 2) return [];
  return cuts.map((start, segment) => ({ segment, start, end: cuts[segment + 1] ?? null, part }));
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => hash.update(b))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * The error of reading the file here, which a thread met (or a thread's failure): the same
 * error with the line it has in the whole file.
 */
async function errorAgain(
  opts: CsvOptions,
  here: () => AsyncIterable<ColumnBatch>,
  met: unknown,
): Promise<unknown> {
  try {
    for await (const _ of here()) {
      // Only the error is wanted.
    }
  } catch (e) {
    return e;
  }
  return met instanceof ChartpressError ? met : readError(opts, met);
}
