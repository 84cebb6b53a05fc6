import { createHash } from 'node:crypto';
import { htmlBlocks, uniqueIds } from '../document/html.js';
import type { DocumentModel, RenderedChart } from '../document/model.js';
import { MARGIN_X_PT, PAPER_PT } from '../document/page.js';
import { STICKY_TEXT_CHARS } from '../document/typst.js';
import type { PlanBlock } from '../pipeline/plan.js';

/** The top and bottom page margins of the PDF, in points (2 cm and 2.2 cm, as Typst sets them). */
export const MARGIN_TOP_PT = 56.69;
export const MARGIN_BOTTOM_PT = 62.36;

/** One top-level block of the page, as the HTML writer draws it. */
export interface PageBlock {
  /** Its place in the body (`b0`, `b1`, ...); `header` for the title block. */
  readonly id: string;
  readonly kind: PlanBlock['kind'] | 'header';
  /** SHA-256 of its HTML (hex, 16 digits): the page replaces a block only when this changes. */
  readonly hash: string;
  readonly html: string;
  /**
   * Goes to the next page with the block after it, as in the PDF: a heading, and a short text
   * just before a chart, a row or a table.
   */
  readonly sticky: boolean;
}

/** The paper the PDF is set on, in points. */
export interface PageSize {
  readonly widthPt: number;
  readonly heightPt: number;
  readonly margin: {
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly left: number;
  };
}

/** Chart HTML kept by key and place, at most. */
const MAX_INLINED = 512;

/**
 * Writes a document model as the preview's blocks: the header and each top-level block with a
 * stable id and a content hash. Unlike a page written whole, every chart is inlined in full, its
 * ids prefixed by its content key (and its place among the same picture's placements), so that a
 * block's HTML depends on its own content only and another block's edit leaves it unchanged.
 */
export class BlockWriter {
  /** Id prefix (from the content key and place) -> inlined SVG, reused by later renders. */
  readonly #inlined = new Map<string, string>();

  write(model: DocumentModel): { header: PageBlock; blocks: PageBlock[]; page: PageSize } {
    const seen = new Map<string, number>();
    const chart = (c: RenderedChart): string => {
      const n = seen.get(c.key) ?? 0;
      seen.set(c.key, n + 1);
      // A content key names one picture; a failed chart's key names the chart, not its picture.
      const prefix = `k${digest(c.key).slice(0, 10)}${n > 0 ? `n${n}` : ''}-`;
      if (c.status === 'failed') return uniqueIds(c.svg, prefix);
      let html = this.#inlined.get(prefix);
      if (html === undefined) {
        html = uniqueIds(c.svg, prefix);
        this.#remember(prefix, html);
      }
      return html;
    };
    const { header, blocks } = htmlBlocks(model, chart);
    // Whether a chart was drawn now or taken from the cache does not change the block.
    const drawn = (html: string) =>
      html.replace(/(<figure data-chart="[^"]*") data-status="cached"/g, '$1 data-status="rendered"');
    const kinds = model.blocks;
    return {
      header: block('header', 'header', header, false),
      blocks: blocks.map((html, i) => {
        const b = kinds[i] as PlanBlock;
        return block(`b${i}`, b.kind, drawn(html), sticky(b, kinds[i + 1]));
      }),
      page: pageSize(model.page),
    };
  }

  #remember(key: string, html: string): void {
    if (this.#inlined.size >= MAX_INLINED) {
      const oldest = this.#inlined.keys().next().value;
      if (oldest !== undefined) this.#inlined.delete(oldest);
    }
    this.#inlined.set(key, html);
  }
}

function block(id: string, kind: PageBlock['kind'], html: string, isSticky: boolean): PageBlock {
  return { id, kind, hash: digest(`${kind}\0${html}`).slice(0, 16), html, sticky: isSticky };
}

/** The PDF's rule: a heading, and a short text introducing a chart, row or table, keep with what follows. */
function sticky(b: PlanBlock, next: PlanBlock | undefined): boolean {
  if (b.kind === 'heading') return true;
  const introduces = next?.kind === 'chart' || next?.kind === 'row' || next?.kind === 'table';
  return b.kind === 'text' && introduces && b.text.length <= STICKY_TEXT_CHARS;
}

function pageSize(page: DocumentModel['page']): PageSize {
  const [w, h] = PAPER_PT[page.size];
  const landscape = page.orientation === 'landscape';
  return {
    widthPt: landscape ? h : w,
    heightPt: landscape ? w : h,
    margin: { top: MARGIN_TOP_PT, right: MARGIN_X_PT, bottom: MARGIN_BOTTOM_PT, left: MARGIN_X_PT },
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
