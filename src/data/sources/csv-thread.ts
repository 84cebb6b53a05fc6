import { parentPort, workerData } from 'node:worker_threads';
import { ChartpressError } from '../../errors.js';
import type { ColumnBatch } from '../batch.js';
import { InvalidCells } from '../invalid.js';
import type { CsvOptions } from './csv.js';
import type { ThreadMessage, ThreadOptions } from './csv-messages.js';
import { CsvReader } from './csv-read.js';
import { openFile, readError } from './file.js';

/**
 * The CSV reader's thread: reads the file of `workerData` (a `ThreadOptions`) into column
 * batches and posts them to the thread that started it, their typed arrays transferred, at
 * most as many ahead as it has been granted (`{ credit }` messages). Then the misses of the
 * declared date columns, the file's SHA-256 when asked for, and `done`; or the error.
 */

const port = parentPort;
if (port === null) throw new Error('csv-thread runs as a worker thread');
const options = workerData as ThreadOptions;

let credit = 0;
let granted: (() => void) | undefined;
port.on('message', (m: { credit: number }) => {
  credit += m.credit;
  granted?.();
  granted = undefined;
});

const post = (m: ThreadMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

async function send(batch: ColumnBatch): Promise<void> {
  while (credit === 0) await new Promise<void>((r) => (granted = r));
  credit--;
  const transfer = new Set<ArrayBuffer>();
  for (const c of batch.columns) {
    const array = c.kind === 'number' ? c.values : c.kind === 'dict' ? c.codes : undefined;
    // Empty arrays may be shared constants of the reader: they are copied, not moved.
    if (array !== undefined && array.byteLength > 0) transfer.add(array.buffer as ArrayBuffer);
  }
  post({ type: 'batch', batch }, [...transfer]);
}

async function read(): Promise<void> {
  const invalid = new InvalidCells();
  const opts: CsvOptions = {
    ...options,
    invalid,
    onRead: options.wantsSha256 ? (sha256) => post({ type: 'sha256', sha256 }) : undefined,
  };
  try {
    const reader = new CsvReader(opts);
    const input = await openFile(opts, options.readSize);
    try {
      for await (const chunk of input) {
        reader.push(chunk as Buffer);
        for (let b = reader.next(false); b !== undefined; b = reader.next(false)) await send(b);
      }
      reader.close();
      for (let b = reader.next(true); b !== undefined; b = reader.next(true)) await send(b);
    } finally {
      input.destroy();
    }
    const misses = invalid.missed.map((c) => ({
      column: c.column,
      format: c.format,
      count: c.misses.count,
      first: c.misses.first,
    }));
    post({ type: 'done', misses });
  } catch (e) {
    const error = readError(opts, e);
    post({ type: 'error', problems: error instanceof ChartpressError ? [...error.problems] : [] });
  }
}

void read();
