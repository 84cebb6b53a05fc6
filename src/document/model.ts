import type { Frame } from '../data/frame.js';
import type { Problem } from '../errors.js';
import type { PlanBlock } from '../pipeline/plan.js';
import type { ChartType, TableBlock } from '../spec/schema.js';

/** What became of a chart: drawn now, taken from the cache, failed (placeholder) or not needed. */
export const ChartStatus = {
  rendered: 'rendered',
  cached: 'cached',
  failed: 'failed',
  skipped: 'skipped',
} as const;
export type ChartStatus = keyof typeof ChartStatus;

/** A chart ready to embed. */
export interface RenderedChart {
  readonly id: string;
  readonly type: ChartType;
  /** Content key (SHA-256 hex); equal keys are the same picture. */
  readonly key: string;
  readonly status: Exclude<ChartStatus, 'skipped'>;
  /** The SVG: the chart, or an error placeholder of the same size. */
  readonly svg: string;
  /** The SVG gzip-compressed, when the cache holds it so: Typst reads it without inflating. */
  readonly svgz?: Uint8Array | undefined;
  /** Size of the SVG in bytes, when known without reading `svg`. */
  readonly bytes?: number | undefined;
  readonly width: number;
  readonly height: number;
  readonly ms: number;
  readonly error?: Problem | undefined;
}

/** A table ready to typeset: its frame, or the problem that kept it from being computed. */
export interface TableData {
  readonly table: TableBlock;
  readonly frame: Frame;
  readonly error?: Problem | undefined;
}

/** Everything a document writer needs: the planned body and its charts and tables by id. */
export interface DocumentModel {
  readonly title: string;
  readonly subtitle?: string | undefined;
  readonly author?: string | undefined;
  readonly date?: string | undefined;
  readonly page: { readonly size: 'a4' | 'us-letter'; readonly orientation: 'portrait' | 'landscape' };
  readonly blocks: readonly PlanBlock[];
  readonly charts: ReadonlyMap<string, RenderedChart>;
  readonly tables: ReadonlyMap<string, TableData>;
}
