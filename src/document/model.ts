import type { Problem } from '../errors.js';
import type { Frame } from '../frame.js';
import type { PlanBlock } from '../pipeline/plan.js';
import type { ChartType, TableBlock, ThemeName } from '../spec/schema.js';

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
  /** The SVG as UTF-8 bytes, when at hand without encoding `svg` (Typst takes them as they are). */
  readonly utf8?: Uint8Array | undefined;
  /** Size of the SVG in bytes, when known without reading `svg`. */
  readonly bytes?: number | undefined;
  readonly width: number;
  readonly height: number;
  readonly ms: number;
  readonly error?: Problem | undefined;
  /**
   * For a live HTML chart: its ECharts option as JSON (see `liveOption`), the one the SVG was
   * drawn from. Absent for static output, failed charts and charts a custom renderer draws.
   */
  readonly option?: string | undefined;
}

/** A table ready to typeset: its frame, or the problem that kept it from being computed. */
export interface TableData {
  readonly table: TableBlock;
  readonly frame: Frame;
  readonly error?: Problem | undefined;
  /** For each rule of the table's `style`, in order: whether each row of the frame meets it. */
  readonly matches?: readonly (readonly boolean[])[] | undefined;
  /** The theme whose colours the table's styles and bars name. Defaults to `default`. */
  readonly theme?: ThemeName | undefined;
  /**
   * The drawn sparklines of `sparkline:` columns, by index in `columns`: one per shown row of
   * the frame, undefined for a row without series rows.
   */
  readonly sparklines?: ReadonlyMap<number, readonly (RenderedChart | undefined)[]> | undefined;
}

/**
 * A report's charts by id, each behind a memoized async getter: the first call draws the chart
 * (or takes it from the cache), later calls share that. What nobody asks for is never drawn.
 */
export type LazyCharts = ReadonlyMap<string, () => Promise<RenderedChart>>;

/** Tables by id, each computed once its dataset is read. */
export type LazyTables = ReadonlyMap<string, () => Promise<TableData>>;

/** Everything a document writer needs: the planned body and its charts and tables by id. */
export interface DocumentModel {
  readonly title: string;
  readonly subtitle?: string | undefined;
  readonly author?: string | undefined;
  readonly date?: string | undefined;
  readonly page: { readonly size: 'a4' | 'us-letter'; readonly orientation: 'portrait' | 'landscape' };
  readonly blocks: readonly PlanBlock[];
  /** HTML: live charts, the ECharts runtime embedded once. Defaults to false. */
  readonly interactive?: boolean | undefined;
  readonly charts: ReadonlyMap<string, RenderedChart>;
  readonly tables: ReadonlyMap<string, TableData>;
}

/** A document whose charts and tables are pulled when a writer embeds them. */
export interface DocumentSource extends Omit<DocumentModel, 'charts' | 'tables'> {
  readonly charts: LazyCharts;
  readonly tables: LazyTables;
}

/**
 * Pulls the charts and tables the body embeds, all at once (so they render in parallel, each as
 * soon as its dataset is read), and returns the model a writer sets. A chart placed twice is
 * pulled once; charts the body does not embed are not pulled, so never drawn.
 */
export async function pullDocument(source: DocumentSource): Promise<DocumentModel> {
  const chartIds = new Set<string>();
  const tableIds = new Set<string>();
  const walk = (blocks: readonly PlanBlock[]) => {
    for (const b of blocks) {
      if (b.kind === 'chart') chartIds.add(b.use.id);
      else if (b.kind === 'table') tableIds.add(b.use.id);
      else if (b.kind === 'row') walk(b.items);
    }
  };
  walk(source.blocks);
  const pull = <T>(ids: Set<string>, getters: ReadonlyMap<string, () => Promise<T>>) =>
    Promise.all(
      [...ids].flatMap((id) => {
        const get = getters.get(id);
        return get ? [get().then((v) => [id, v] as const)] : [];
      }),
    ).then((entries) => new Map(entries));
  const [charts, tables] = await Promise.all([pull(chartIds, source.charts), pull(tableIds, source.tables)]);
  return { ...source, charts, tables };
}
