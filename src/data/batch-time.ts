import { TimeColumn } from '../frame.js';
import type { BatchColumn, ColumnBatch, ValuesColumn } from './batch.js';

/**
 * A batch's column of ISO timestamp texts of one shape, held as numbers: a `TimeColumn` that
 * is a column of values whose texts are made when first asked for. The scan's time buckets
 * read the numbers and make no text; a query's rows pass on as a `TimeColumn` (see
 * `PassColumns`).
 */
export class IsoTimeColumn extends TimeColumn implements ValuesColumn {
  readonly kind = 'values';
}

/** What a reader thread posts for an `IsoTimeColumn`: its fields, without its class. */
interface PostedTimes {
  readonly kind: 'values';
  readonly ms: Float64Array;
  readonly shape: number;
}

/** The column posted by a thread, an `IsoTimeColumn` again when it was one. */
function revive(col: BatchColumn | PostedTimes): BatchColumn {
  return 'ms' in col && col.ms instanceof Float64Array && !('values' in col)
    ? new IsoTimeColumn(col.ms, col.shape)
    : (col as BatchColumn);
}

/** A batch posted by a reader thread, with its time columns made `IsoTimeColumn`s again. */
export function reviveBatch(batch: ColumnBatch): ColumnBatch {
  const columns = batch.columns as readonly (BatchColumn | PostedTimes)[];
  if (!columns.some((c) => 'ms' in c)) return batch;
  const revived = { length: batch.length, names: batch.names, columns: columns.map(revive) };
  return batch.checked === undefined ? revived : { ...revived, checked: batch.checked };
}
