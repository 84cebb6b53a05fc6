import type { ColumnBatch } from '../batch.js';
import { InvalidCells } from '../invalid.js';
import { CsvReader } from './csv-read.js';

/**
 * A reader thread's first work: a small CSV made up here, read as a file is, in chunks that cut
 * records anywhere, from its start and as a part after a cut. V8 compiles the reader's loops
 * for the paths their first rows took; a path first taken after that (the end of a chunk, the
 * first cell of a column that is no number, a quoted field) made it throw the compiled code
 * away and compile it again, on each thread. Read here while the thread waits for its first
 * segment, each such path has been taken once, with too few rows for V8 to compile anything.
 */

/** Rows of the made-up file. */
export const ROWS = 48;

/** Bytes of its chunks: a prime, so that the cuts fall at every place of a record. */
const CHUNK = 37;

function madeUp(): Buffer {
  const names = ['north', 'south', '"east, upper"', 'west'];
  const lines = ['at,name,n,x,flag,note'];
  for (let i = 0; i < ROWS; i++) {
    const at = `2024-0${1 + (i % 3)}-${10 + (i % 19)}T0${i % 10}:15:30Z`;
    const x = i % 5 === 0 ? `-${i}.5` : (i * 1.25).toFixed(2);
    const note = i % 6 === 0 ? '"say ""hi"""' : 'plain text';
    lines.push([at, names[i % 4], i * 7, x, i % 4 === 0 ? '' : 'yes', note].join(','));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The rows of the batches the reader gives for the bytes, pushed a chunk at a time. */
function readAll(reader: CsvReader, bytes: Buffer, eof: () => ColumnBatch | undefined): number {
  let rows = 0;
  for (let at = 0; at < bytes.length; at += CHUNK) {
    reader.push(bytes.subarray(at, at + CHUNK));
    for (let b = reader.next(false); b !== undefined; b = reader.next(false)) rows += b.length;
  }
  for (let b = eof(); b !== undefined; b = eof()) rows += b.length;
  return rows;
}

/**
 * Reads the made-up file once from its start and once as a part after its header; the rows
 * each read gave (`ROWS` when all is well).
 */
export function primeReader(): [number, number] {
  const bytes = madeUp();
  const opts = { path: 'primer.csv', where: { path: 'primer' }, invalid: new InvalidCells() };
  const whole = new CsvReader(opts);
  const fromStart = readAll(whole, bytes, () => {
    whole.close();
    return whole.next(true);
  });
  const part = whole.part;
  if (part === undefined) return [fromStart, 0];
  const rest = CsvReader.part(opts, part);
  let flushed = false;
  const afterHeader = readAll(rest, bytes.subarray(bytes.indexOf(10) + 1), () => {
    if (flushed) return undefined;
    flushed = true;
    return rest.flush();
  });
  return [fromStart, afterHeader];
}
