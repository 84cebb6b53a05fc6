import type { Readable } from 'node:stream';
import type { Row } from '../../frame.js';
import type { ColumnBatch } from '../batch.js';
import type { InvalidCells } from '../invalid.js';

/**
 * The rows of a dataset, read anew on each iteration. Each row is a fresh object (a query may
 * keep it). Sources that read in batches also offer them, which saves one `await` per row.
 */
export interface RowSource extends AsyncIterable<Row> {
  /**
   * Rows may lack columns that other rows have (JSON, NDJSON): the dataset's columns are all
   * those seen. Otherwise every row has every column, so the first row names them. Defaults
   * to false.
   */
  readonly sparse?: boolean | undefined;
  /** The same rows in arrays, in order. */
  batches?(): AsyncIterable<readonly Row[]>;
  /**
   * The same rows column by column (see `ColumnBatch`), for sources that read that way: a
   * scan prefers these to rows. Every batch has the same names, in the same order.
   */
  columnBatches?(): AsyncIterable<ColumnBatch>;
  /**
   * Cells of declared date columns that did not read as dates in the last read (they became
   * null), for a warning. Undefined for sources that do not count them.
   */
  readonly invalid?: InvalidCells | undefined;
}

/** A row source over a function reading the rows in batches. */
export function fromBatches(read: () => AsyncIterable<readonly Row[]>, sparse = false): RowSource {
  return {
    sparse,
    batches: read,
    async *[Symbol.asyncIterator]() {
      for await (const batch of read()) yield* batch;
    },
  };
}

/** The batches of a source: its own when it has them, otherwise one row at a time. */
export async function* batchesOf(source: RowSource): AsyncGenerator<readonly Row[]> {
  if (source.batches) {
    yield* source.batches();
    return;
  }
  for await (const row of source) yield [row];
}

/** Most items taken from a stream in one go. Defaults to 1024. */
export const BATCH_SIZE = 1024;

/**
 * The items of an object-mode stream in arrays of what it has buffered (at most `max`), read
 * synchronously between waits: many fewer promises than one `await` per item.
 */
export async function* readBatches<T>(stream: Readable, max = BATCH_SIZE): AsyncGenerator<T[]> {
  let wake: (() => void) | undefined;
  let error: unknown;
  let failed = false;
  let ended = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onError = (e: unknown) => {
    failed = true;
    error = e;
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  stream.on('readable', notify);
  stream.on('error', onError);
  stream.on('end', onEnd);
  stream.on('close', onEnd);
  try {
    for (;;) {
      // Items parsed before an error come first, so the error follows what precedes it.
      const batch: T[] = [];
      while (batch.length < max) {
        const item = stream.read() as T | null;
        if (item === null) break;
        batch.push(item);
      }
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failed) throw error;
      if (ended || stream.readableEnded) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.off('readable', notify);
    stream.off('error', onError);
    stream.off('end', onEnd);
    stream.off('close', onEnd);
  }
}
