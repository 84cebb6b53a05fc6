import type { Problem } from '../../errors.js';
import type { Value } from '../../frame.js';
import { type BatchColumn, type ColumnBatch, type TextCells, textColumn } from '../batch.js';
import type { DeclaredColumns } from './cells.js';
import type { CsvPart } from './csv-read.js';
import type { FileWhere } from './file.js';

/** What a CSV reader thread is started with: the options of `CsvOptions` that are data. */
export interface ThreadOptions {
  readonly path: string;
  readonly delimiter?: string | undefined;
  readonly columns?: DeclaredColumns | undefined;
  readonly maxBytes?: number | undefined;
  readonly where: FileWhere;
  /** Bytes read at a time. */
  readonly readSize: number;
  /** The header's names and the file's line ends, as read before the threads start. */
  readonly part: CsvPart;
}

/**
 * A part of the file to read: bytes `[start, end)`, or to the end of the file when `end` is
 * null. The first part (`start` 0) holds the header. The bytes of a part with an end are meant
 * to end at the end of a record; when they do not, the thread reads on to the end of the file.
 */
export interface Segment {
  readonly segment: number;
  readonly start: number;
  readonly end: number | null;
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

/** A batch column as a thread posts it: text cells as their bytes, not yet decoded. */
export type WireColumn =
  | Exclude<BatchColumn, { kind: 'values' }>
  | { readonly kind: 'values'; readonly values: readonly Value[] }
  | { readonly kind: 'text'; readonly text: TextCells };

/** A batch as a thread posts it (see `toWire`). */
export interface WireBatch {
  readonly length: number;
  readonly names: readonly string[];
  readonly columns: readonly WireColumn[];
}

/** A batch to post, and the buffers that move with it rather than being copied. */
export function toWire(batch: ColumnBatch): { batch: WireBatch; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  // Empty arrays may be shared constants of the reader: they are copied, not moved.
  const move = (a: ArrayBufferView) => {
    if (a.byteLength > 0) transfer.add(a.buffer as ArrayBuffer);
  };
  const columns = batch.columns.map((c): WireColumn => {
    if (c.kind === 'number') move(c.values);
    else if (c.kind === 'dict') move(c.codes);
    else if (c.text !== undefined) {
      move(c.text.bytes);
      move(c.text.ends);
      return { kind: 'text', text: c.text };
    } else return { kind: 'values', values: c.values };
    return c;
  });
  return { batch: { length: batch.length, names: batch.names, columns }, transfer: [...transfer] };
}

/** The batch a thread posted. */
export function fromWire(batch: WireBatch): ColumnBatch {
  const columns = batch.columns.map((c): BatchColumn => (c.kind === 'text' ? textColumn(c.text) : c));
  return { length: batch.length, names: batch.names, columns };
}

/** What a thread posts, for the segment it names. */
export type ThreadMessage =
  | { readonly type: 'batch'; readonly segment: number; readonly batch: WireBatch }
  | {
      readonly type: 'end';
      readonly segment: number;
      readonly misses: readonly ThreadMisses[];
      /** The segment's bytes did not end at a record's end: the thread read on to the end of the file. */
      readonly rest: boolean;
    }
  | { readonly type: 'error'; readonly segment: number; readonly problems: readonly Problem[] };
