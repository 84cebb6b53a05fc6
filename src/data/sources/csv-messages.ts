import type { Problem } from '../../errors.js';
import type { Value } from '../../frame.js';
import type { ColumnBatch } from '../batch.js';
import type { DeclaredColumns } from './cells.js';
import type { CsvPart } from './csv-read.js';
import type { FileWhere } from './file.js';

/** What a CSV reader thread reads with: the options of `CsvOptions` that are data. */
export interface ThreadOptions {
  readonly path: string;
  readonly delimiter?: string | undefined;
  readonly columns?: DeclaredColumns | undefined;
  readonly maxBytes?: number | undefined;
  readonly where: FileWhere;
  /** Bytes read at a time. */
  readonly readSize: number;
}

/**
 * A part of the file to read: bytes `[start, end)`, or to the end of the file when `end` is
 * null. The first part (`start` 0) holds the header. The bytes of a part with an end are meant
 * to end at the end of a record; when they do not, the thread reads on to the end of the file.
 */
export interface Cut {
  readonly segment: number;
  readonly start: number;
  readonly end: number | null;
  /** The header's names and the file's line ends, as read before the file was cut. */
  readonly part: CsvPart;
}

/** A part of the file as a thread is sent it: with the options to read it with. */
export interface Segment extends Cut {
  readonly options: ThreadOptions;
}

/** What a reader thread is sent to end once it has closed its file. */
export const STOP = 'stop';

/** The misses of one declared date column, as `InvalidCells` counts them. */
export interface ThreadMisses {
  readonly column: string;
  readonly format: string | undefined;
  readonly count: number;
  readonly first: Value;
}

/** What a thread posts, for the segment it names. */
export type ThreadMessage =
  | { readonly type: 'batch'; readonly segment: number; readonly batch: ColumnBatch }
  | {
      readonly type: 'end';
      readonly segment: number;
      readonly misses: readonly ThreadMisses[];
      /** The segment's bytes did not end at a record's end: the thread read on to the end of the file. */
      readonly rest: boolean;
    }
  | { readonly type: 'error'; readonly segment: number; readonly problems: readonly Problem[] };
