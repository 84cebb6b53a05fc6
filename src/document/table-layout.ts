import { measureText } from '../chart/metrics.js';
import type { TableText } from './table.js';
import { BAR_GAP_PT, BAR_PT } from './table-style.js';

/*
 * How a table fits the width it is given (the page, or a row's cell), in four steps, each taken
 * only when the one before is not enough:
 *
 *   1. columns as wide as their widest cell and header, at TABLE_FONT_PT (a column with a
 *      `width` as wide as that, a column with bars that much wider: BAR_PT and a gap);
 *   2. the font shrinks, by half points, down to MIN_TABLE_FONT_PT;
 *   3. headers wrap (a column need only be as wide as its longest header word);
 *   4. the columns are split into stacked tables, each repeating the first (key) column.
 *
 * Numbers never wrap, so they never run into the next column. Text cells wrap only past
 * TEXT_COLUMN_SHARE of the width.
 */

/** Font size of a table's cells, in points. */
export const TABLE_FONT_PT = 8.5;

/** The smallest font a table shrinks to before its headers wrap, in points. */
export const MIN_TABLE_FONT_PT = 7;

/** Space left and right of a cell's text, in points. */
export const CELL_INSET_X_PT = 6;

/** The largest share of the width a text column takes before its cells wrap. */
export const TEXT_COLUMN_SHARE = 0.4;

/** Rounding and kerning room per column, in points. */
const SLACK_PT = 1;

/** One of the stacked tables a table is set as. */
export interface TablePart {
  /** Indexes of the columns it shows, the key column first. */
  readonly columns: readonly number[];
  /** Their widths, in points. */
  readonly widths: readonly number[];
}

/** How a table is set: its font, whether its headers wrap, and its parts (one when it fits). */
export interface TableLayout {
  readonly fontPt: number;
  readonly wrapHeaders: boolean;
  readonly parts: readonly TablePart[];
}

/** Widths of one column's text at a 1 pt font, in points. */
interface ColumnEms {
  readonly cells: number;
  readonly header: number;
  /** The longest word of the header. */
  readonly headerWord: number;
  readonly wraps: boolean;
  /** Room beside the text, in points (a bar), whatever the font. */
  readonly extraPt: number;
  /** The width the column asks for, in points. */
  readonly fixedPt: number | undefined;
}

const em = (text: string, weight: 400 | 600) => measureText(text, `${weight} 1px Inter`).width;

function columnEms(t: TableText): ColumnEms[] {
  return t.headers.map((header, i) => {
    let cells = 0;
    t.rows.forEach((row, r) => {
      cells = Math.max(cells, em(row[i] ?? '', t.subtotal?.[r] ? 600 : 400));
    });
    if (t.totals) cells = Math.max(cells, em(t.totals[i] ?? '', 600));
    const words = header.split(/\s+/);
    return {
      cells,
      header: em(header, 600),
      headerWord: Math.max(0, ...words.map((w) => em(w, 600))),
      wraps: !t.numeric[i],
      extraPt: t.bars[i] ? BAR_PT + BAR_GAP_PT : 0,
      fixedPt: t.widths[i],
    };
  });
}

/** Column widths at `fontPt`: text columns capped at their share of `widthPt`. */
function widthsAt(
  ems: readonly ColumnEms[],
  fontPt: number,
  wrapHeaders: boolean,
  widthPt: number,
): number[] {
  const pad = 2 * CELL_INSET_X_PT + SLACK_PT;
  return ems.map((c) => {
    if (c.fixedPt !== undefined) return c.fixedPt;
    const head = (wrapHeaders ? c.headerWord : c.header) * fontPt;
    const content = Math.max(c.cells * fontPt + c.extraPt, head) + pad;
    return c.wraps ? Math.min(content, Math.max(head + pad, widthPt * TEXT_COLUMN_SHARE)) : content;
  });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Lays out a table in `widthPt` points (see the steps above). */
export function layoutTable(t: TableText, widthPt: number): TableLayout {
  const ems = columnEms(t);
  const all = ems.map((_, i) => i);
  for (let fontPt = TABLE_FONT_PT; fontPt >= MIN_TABLE_FONT_PT; fontPt -= 0.5) {
    const widths = widthsAt(ems, fontPt, false, widthPt);
    if (sum(widths) <= widthPt) return { fontPt, wrapHeaders: false, parts: [{ columns: all, widths }] };
  }
  const fontPt = MIN_TABLE_FONT_PT;
  const widths = widthsAt(ems, fontPt, true, widthPt);
  if (sum(widths) <= widthPt || widths.length < 2) {
    return { fontPt, wrapHeaders: true, parts: [{ columns: all, widths }] };
  }
  return { fontPt, wrapHeaders: true, parts: splitColumns(widths, widthPt) };
}

/**
 * The columns after the first, in order, in as few parts as fit `widthPt` beside the first
 * column, then evened out so the parts have about the same number of columns.
 */
function splitColumns(widths: readonly number[], widthPt: number): TablePart[] {
  const key = widths[0] ?? 0;
  const room = widthPt - key;
  const rest = widths.slice(1);
  // Greedy: how many parts are needed.
  let parts = 1;
  let used = 0;
  for (const w of rest) {
    if (used > 0 && used + w > room) {
      parts++;
      used = 0;
    }
    used += w;
  }
  // Even: counts that differ by one at most, as long as each part fits; else the greedy cut.
  const even: number[][] = [];
  for (let p = 0, next = 1; p < parts; p++) {
    const count = Math.floor(rest.length / parts) + (p < rest.length % parts ? 1 : 0);
    even.push(Array.from({ length: count }, (_, j) => next + j));
    next += count;
  }
  const fits = even.every((cols) => sum(cols.map((c) => widths[c] ?? 0)) <= room);
  const groups = fits ? even : greedyGroups(rest, room);
  return groups.map((cols) => ({
    columns: [0, ...cols],
    widths: [key, ...cols.map((c) => widths[c] ?? 0)],
  }));
}

function greedyGroups(rest: readonly number[], room: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let used = 0;
  rest.forEach((w, i) => {
    if (current.length > 0 && used + w > room) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(i + 1);
    used += w;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}
