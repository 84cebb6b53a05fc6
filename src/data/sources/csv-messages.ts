import type { Problem } from '../../errors.js';
import type { Value } from '../../frame.js';
import type { ColumnBatch } from '../batch.js';
import type { DeclaredColumns } from './cells.js';
import type { FileWhere } from './file.js';

/** What the CSV reader's thread is started with: the options of `CsvOptions` that are data. */
export interface ThreadOptions {
  readonly path: string;
  readonly delimiter?: string | undefined;
  readonly columns?: DeclaredColumns | undefined;
  readonly maxBytes?: number | undefined;
  readonly where: FileWhere;
  readonly readSize: number;
  /** Whether to post the file's SHA-256 once it has been read whole. */
  readonly wantsSha256: boolean;
}

/** The misses of one declared date column, as `InvalidCells` counts them. */
export interface ThreadMisses {
  readonly column: string;
  readonly format: string | undefined;
  readonly count: number;
  readonly first: Value;
}

/** What the thread posts. */
export type ThreadMessage =
  | { readonly type: 'batch'; readonly batch: ColumnBatch }
  | { readonly type: 'sha256'; readonly sha256: string }
  | { readonly type: 'done'; readonly misses: readonly ThreadMisses[] }
  | { readonly type: 'error'; readonly problems: readonly Problem[] };
