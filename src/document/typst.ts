import { FONT_FAMILY } from '../font.js';
import type { PlanBlock } from '../pipeline/plan.js';
import { typstString as q } from './escape.js';
import { parseMarkdown } from './markdown.js';
import { markdownTypst } from './markdown-typst.js';
import { type DocumentModel, type DocumentSource, pullDocument, type RenderedChart } from './model.js';
import { PX_TO_PT, ROW_GUTTER_PT, rowCellPt, textWidthPt } from './page.js';
import { NO_ROWS, type TableText, tableText } from './table.js';
import { CELL_INSET_X_PT, layoutTable } from './table-layout.js';
import { BAR_GAP_PT, BAR_PT, SUBTOTAL_FILL } from './table-style.js';

/** Typst source and the virtual files it reads (`/charts/<key>.svg`). */
export interface TypstDocument {
  readonly source: string;
  /** Path inside the Typst root -> bytes. A chart placed twice is one file. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** A table of at most this many rows never breaks across pages. */
export const SHORT_TABLE_ROWS = 10;

/** A text of at most this many characters just before a chart, row or table stays with it. */
export const STICKY_TEXT_CHARS = 600;

/*
 * Page breaks: headings, table titles and a short text just before a chart, row or table are
 * sticky (they go to the next page with what follows them); charts and short tables are
 * unbreakable; a long table repeats its header on every page and keeps its first two rows and
 * its last two together (a zero-width first column holds one unbreakable cell spanning each
 * pair), so no page has a lone row of it.
 */

const PREAMBLE = `#let muted = rgb("#5f6b7a")
#let rule = rgb("#d9dee5")
#set text(font: "${FONT_FAMILY}", size: 10pt, fill: rgb("#1f2933"), lang: "en")
#set par(leading: 0.7em, spacing: 1.1em)
#show heading: set text(weight: "semibold")
#show link: set text(fill: rgb("#1d5fa8"))
#show link: underline.with(offset: 1.5pt, stroke: 0.5pt)
#show raw: set text(font: "${FONT_FAMILY}", size: 1.18em, features: ("tnum",)) // raw text is set at 0.8em
#show raw.where(block: false): box.with(fill: rgb("#f3f5f8"), inset: (x: 2pt), outset: (y: 2.5pt), radius: 2pt)
#show raw.where(block: true): block.with(fill: rgb("#f3f5f8"), inset: 8pt, radius: 3pt, width: 100%)
#show heading.where(level: 1): it => block(sticky: true, above: 1.6em, below: 0.9em, text(size: 15pt, it.body))
#show heading.where(level: 2): it => block(sticky: true, above: 1.3em, below: 0.7em, text(size: 12.5pt, it.body))
#show heading.where(level: 3): it => block(sticky: true, above: 1.1em, below: 0.6em, text(size: 11pt, it.body))
#let chart(path, width, caption: none) = block(breakable: false, width: 100%, above: 1.2em, below: 1.2em)[
  #align(center, image(path, width: width))
  #if caption != none { align(center, text(size: 8.5pt, fill: muted, caption)) }
]
#let tabletitle(title) = block(sticky: true, above: 1.2em, below: 0.5em, text(weight: "semibold", title))
#let barcell(x, w, zero, signed, color, body) = grid(
  columns: (${BAR_PT}pt, 1fr), column-gutter: ${BAR_GAP_PT}pt, align: (left + horizon, right + horizon),
  box(width: ${BAR_PT}pt, height: 0.85em, {
    if w > 0 { place(dx: x * ${BAR_PT}pt, rect(width: w * ${BAR_PT}pt, height: 100%, fill: color)) }
    if signed { place(dx: zero * ${BAR_PT}pt, dy: -0.15em, line(angle: 90deg, length: 1.15em, stroke: 0.5pt + muted)) }
  }),
  body,
)
#let datatable(widths, aligns, size, header, rows, above: 1.2em, totals: false, middle: false) = {
  let n = rows.len()
  let heavy = 0.8pt + rgb("#9aa5b1")
  let short = n <= ${SHORT_TABLE_ROWS}
  // Long tables: a zero-width column binds rows 1-2 and the last two with unbreakable cells.
  let off = if short { 0 } else { 1 }
  let lead(i) = if short { () } else if i == 0 or i == n - 2 { (table.cell(rowspan: 2, breakable: false)[],) } else if i == 1 or i == n - 1 { () } else { ([],) }
  block(above: above, below: 1.2em, breakable: not short)[
    #set text(size: size)
    #table(
      columns: (0pt,) * off + widths,
      align: (x, y) => if x < off { left } else if y == 0 { aligns.at(x - off) + bottom } else if middle { aligns.at(x - off) + horizon } else { aligns.at(x - off) },
      stroke: (x, y) => if x < off { none } else { (bottom: if y == 0 or (totals and y >= n - 1) { heavy } else { 0.4pt + rule }) },
      fill: (x, y) => if x < off or (totals and y == n) { none } else if y == 0 { rgb("#f3f5f8") } else if calc.even(y) { rgb("#fafbfc") },
      inset: (x, y) => if x < off { 0pt } else { (x: ${CELL_INSET_X_PT}pt, y: 4.5pt) },
      table.header(repeat: true, ..([],) * off, ..header.map(h => text(weight: "semibold", h))),
      ..rows.enumerate().map(((i, r)) => lead(i) + r).flatten(),
    )
  ]
}
`;

/** Pulls the charts and tables the body embeds, then writes the Typst source. */
export async function typstOf(source: DocumentSource): Promise<TypstDocument> {
  return writeTypst(await pullDocument(source));
}

/**
 * Writes the Typst source of a document. Every user string reaches Typst as a string literal.
 * A chart key is one file however often it is placed.
 */
export function writeTypst(doc: DocumentModel): TypstDocument {
  const files = new Map<string, Uint8Array>();
  const landscape = doc.page.orientation === 'landscape';
  const lines: string[] = [];
  lines.push(`#set document(title: ${q(doc.title)}${doc.author ? `, author: ${q(doc.author)}` : ''})`);
  lines.push(
    `#set page(paper: "${doc.page.size}", flipped: ${landscape}, margin: (x: 2cm, top: 2cm, bottom: 2.2cm),`,
    `  footer: context { set text(size: 8pt, fill: rgb("#5f6b7a")); ${q(doc.title)}; h(1fr); counter(page).display("1 / 1", both: true) })`,
  );
  lines.push(PREAMBLE);
  lines.push(titleBlock(doc));

  const embed = (chart: RenderedChart): string => {
    const path = `/charts/${chart.key}.svg`;
    if (!files.has(path)) files.set(path, chart.utf8 ?? Buffer.from(chart.svg, 'utf8'));
    return q(path);
  };
  /** A block set in `widthPt` points: the page's text width, or a row's cell. */
  const block = (b: PlanBlock, widthPt: number, next?: PlanBlock): string => {
    switch (b.kind) {
      case 'heading':
        return `#heading(level: ${b.level}, ${q(b.text)})`;
      case 'text': {
        const markup = markdownTypst(parseMarkdown(b.text, b.values));
        // A line or two introducing a chart or a table goes to the next page with it.
        const introduces = next?.kind === 'chart' || next?.kind === 'row' || next?.kind === 'table';
        return introduces && b.text.length <= STICKY_TEXT_CHARS
          ? `#block(sticky: true, width: 100%, above: 1.1em, below: 1.1em)[\n${markup}\n]`
          : markup;
      }
      case 'chart': {
        const chart = doc.charts.get(b.use.id);
        if (!chart) return '';
        // A chart drawn for its cell fills it as drawn; a wider one is scaled down to fit.
        const width = `${Math.min(chart.width * PX_TO_PT, widthPt).toFixed(2)}pt`;
        const caption = b.caption !== undefined ? `, caption: ${q(b.caption)}` : '';
        return `#chart(${embed(chart)}, ${width}${caption})`;
      }
      case 'row': {
        const cellPt = rowCellPt(widthPt, b.items.length);
        const cells = b.items.map((item) => `[${block(item, cellPt)}]`);
        return `#grid(columns: (${b.items.map(() => '1fr').join(', ')}), column-gutter: ${ROW_GUTTER_PT}pt, align: horizon, ${cells.join(', ')})`;
      }
      case 'table': {
        const data = doc.tables.get(b.use.id);
        if (!data) return '';
        const t = tableText(data);
        const title = data.table.title !== undefined ? `#tabletitle(${q(data.table.title)})\n` : '';
        const more =
          t.omitted > 0 ? `\n#text(size: 8pt, fill: muted, ${q(`${t.omitted} more rows not shown`)})` : '';
        const none = t.empty ? `\n#text(size: 8pt, fill: muted, ${q(NO_ROWS)})` : '';
        // Typst has no table of zero columns: the title and the "no rows" line stand alone.
        if (t.headers.length === 0) return `${title || '#v(1.2em)\n'}${none.trimStart()}`;
        return `${title}${typstTable(t, widthPt, title !== '', embed)}${more}${none}`;
      }
      case 'pagebreak':
        return '#pagebreak(weak: true)';
    }
  };
  const textWidth = textWidthPt(doc.page);
  for (const [i, b] of doc.blocks.entries()) lines.push(block(b, textWidth, doc.blocks[i + 1]), '');
  return { source: lines.join('\n'), files };
}

/**
 * A table as one `datatable` per part (see `layoutTable`): columns as wide as their content,
 * numbers right-aligned, the font smaller when needed. Parts after the first follow closely.
 */
function typstTable(
  t: TableText,
  widthPt: number,
  titled: boolean,
  embed: (chart: RenderedChart) => string,
): string {
  const layout = layoutTable(t, widthPt);
  return layout.parts
    .map((part, i) => {
      const widths = `(${part.widths.map((w) => `${w.toFixed(2)}pt`).join(', ')},)`;
      const aligns = `(${part.columns.map((c) => t.align[c] ?? 'left').join(', ')},)`;
      const header = `(${part.columns.map((c) => q(t.headers[c] ?? '')).join(', ')},)`;
      const rows = t.rows.map(
        (_, y) => `(${part.columns.map((c) => typstCell(t, y, c, embed)).join(', ')},)`,
      );
      const totals = t.totals;
      if (totals)
        rows.push(
          `(${part.columns.map((c) => `text(weight: "semibold", ${q(totals[c] ?? '')})`).join(', ')},)`,
        );
      const above = i > 0 ? ', above: 0.9em' : titled ? ', above: 0pt' : '';
      const foot = `${totals ? ', totals: true' : ''}${t.charts.some((c) => c !== undefined) ? ', middle: true' : ''}`;
      return `#datatable(${widths}, ${aligns}, ${layout.fontPt}pt, ${header}, (${rows.join(', ')}${rows.length === 1 ? ',' : ''})${above}${foot})`;
    })
    .join('\n');
}

/** One cell of a table's body: its text, with its style and bar when it has them. */
function typstCell(t: TableText, y: number, x: number, embed: (chart: RenderedChart) => string): string {
  const charts = t.charts[x];
  if (charts) {
    // A sparkline: the chart's SVG as an image at its size, nothing for a row without one.
    const chart = charts[y];
    return chart ? `image(${embed(chart)}, width: ${(chart.width * PX_TO_PT).toFixed(2)}pt)` : '[]';
  }
  if (t.subtotal?.[y]) {
    return `table.cell(fill: rgb("${SUBTOTAL_FILL}"), text(weight: "semibold", ${q(t.rows[y]?.[x] ?? '')}))`;
  }
  const style = t.styles?.[y]?.[x];
  let body = q(t.rows[y]?.[x] ?? '');
  if (style?.color !== undefined || style?.bold) {
    const fill = style.color !== undefined ? `fill: rgb("${style.color}"), ` : '';
    const weight = style.bold ? 'weight: "semibold", ' : '';
    body = `text(${fill}${weight}${body})`;
  }
  const bars = t.bars[x];
  if (bars) {
    const bar = bars.cells[y];
    const [bx, bw, color] = bar ? [bar.x, bar.w, bar.color] : [0, 0, '#ffffff'];
    body = `barcell(${bx.toFixed(4)}, ${bw.toFixed(4)}, ${bars.zero.toFixed(4)}, ${bars.signed}, rgb("${color}"), ${body})`;
  }
  return style?.background !== undefined ? `table.cell(fill: rgb("${style.background}"), ${body})` : body;
}

function titleBlock(doc: DocumentModel): string {
  const parts = [`#text(size: 22pt, weight: "bold", ${q(doc.title)})`];
  if (doc.subtitle) parts.push(`#v(-0.3em)\n#text(size: 12pt, fill: muted, ${q(doc.subtitle)})`);
  const meta = [doc.author, doc.date].filter((s): s is string => !!s);
  if (meta.length) parts.push(`#v(0.2em)\n#text(size: 9pt, fill: muted, ${q(meta.join('  ·  '))})`);
  parts.push('#v(0.4em)\n#line(length: 100%, stroke: 0.6pt + rule)');
  return `#block(below: 1.4em)[\n${parts.join('\n')}\n]`;
}
