/*
 * The page a document is set on, in points: its text width, and the cells of a `row`. The
 * planner sizes charts with it (a chart in a row is drawn at its cell's width), the writers
 * place them with it, so a chart's pixels and its place on the page agree.
 */

/** Paper sizes in points (width, height), portrait. */
export const PAPER_PT = { a4: [595.28, 841.89], 'us-letter': [612, 792] } as const;

/** Left and right page margins, in points (2 cm). */
export const MARGIN_X_PT = 56.69;

/** Space between the cells of a `row`, in points. */
export const ROW_GUTTER_PT = 14;

/** CSS pixels to points: chart sizes are in px at 96 dpi. */
export const PX_TO_PT = 0.75;

/** The page a report is set on. */
export interface PageSpec {
  readonly size: keyof typeof PAPER_PT;
  readonly orientation: 'portrait' | 'landscape';
}

/** The width between the page margins, in points (A4 portrait: 481.9). */
export function textWidthPt(page: PageSpec): number {
  const [w, h] = PAPER_PT[page.size];
  return (page.orientation === 'landscape' ? h : w) - 2 * MARGIN_X_PT;
}

/** The width of each of `n` cells of a row set in `widthPt`, gutters taken out, in points. */
export function rowCellPt(widthPt: number, n: number): number {
  return Math.max(0, (widthPt - ROW_GUTTER_PT * (n - 1)) / Math.max(1, n));
}

/**
 * The width in whole pixels a chart is drawn at to fill a cell of `cellPt` points: rounded down,
 * so that it never overflows its cell, and at least 10 (the smallest chart).
 */
export function chartPxFor(cellPt: number): number {
  return Math.max(10, Math.floor(cellPt / PX_TO_PT + 1e-6));
}
