import { FONT_FAMILY } from '../font.js';
import type { PlanBlock } from '../pipeline/plan.js';
import { typstString as q } from './escape.js';
import { parseMarkdown } from './markdown.js';
import { markdownTypst } from './markdown-typst.js';
import { type DocumentModel, type DocumentSource, pullDocument, type RenderedChart } from './model.js';
import { NO_ROWS, tableText } from './table.js';

/** Typst source and the virtual files it reads (`/charts/<key>.svg`). */
export interface TypstDocument {
  readonly source: string;
  /** Path inside the Typst root -> bytes. A chart placed twice is one file. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const PAGE_WIDTH_PT = { a4: [595.28, 841.89], 'us-letter': [612, 792] } as const;
const MARGIN_PT = 56.69; // 2 cm
/** CSS pixels to points: ECharts sizes are in px at 96 dpi. */
const PX_TO_PT = 0.75;

const PREAMBLE = `#let muted = rgb("#5f6b7a")
#let rule = rgb("#d9dee5")
#set text(font: "${FONT_FAMILY}", size: 10pt, fill: rgb("#1f2933"), lang: "en")
#set par(leading: 0.7em, spacing: 1.1em)
#show heading: set text(weight: "semibold")
#show link: set text(fill: rgb("#1d5fa8"))
#show link: underline.with(offset: 1.5pt, stroke: 0.5pt)
#show raw: set text(size: 1.125em)
#show raw.where(block: false): box.with(fill: rgb("#f3f5f8"), inset: (x: 2pt), outset: (y: 2.5pt), radius: 2pt)
#show raw.where(block: true): block.with(fill: rgb("#f3f5f8"), inset: 8pt, radius: 3pt, width: 100%)
#show heading.where(level: 1): it => block(above: 1.6em, below: 0.9em, text(size: 15pt, it.body))
#show heading.where(level: 2): it => block(above: 1.3em, below: 0.7em, text(size: 12.5pt, it.body))
#show heading.where(level: 3): it => block(above: 1.1em, below: 0.6em, text(size: 11pt, it.body))
#let chart(path, width, caption: none) = block(breakable: false, width: 100%, above: 1.2em, below: 1.2em)[
  #align(center, image(path, width: width))
  #if caption != none { align(center, text(size: 8.5pt, fill: muted, caption)) }
]
#let datatable(title, aligns, header, ..cells) = block(above: 1.2em, below: 1.2em)[
  #if title != none { text(weight: "semibold", title); v(0.2em) }
  #set text(size: 8.5pt)
  #table(
    columns: aligns.len(),
    align: (x, y) => aligns.at(x),
    stroke: (x, y) => (bottom: if y == 0 { 0.8pt + rgb("#9aa5b1") } else { 0.4pt + rule }),
    fill: (x, y) => if y == 0 { rgb("#f3f5f8") } else if calc.even(y) { rgb("#fafbfc") },
    inset: (x: 6pt, y: 4.5pt),
    table.header(..header.map(h => text(weight: "semibold", h))),
    ..cells,
  )
]
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
  const [w, h] = PAGE_WIDTH_PT[doc.page.size];
  const landscape = doc.page.orientation === 'landscape';
  const textWidth = (landscape ? h : w) - 2 * MARGIN_PT;
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
  const block = (b: PlanBlock, inRow: boolean): string => {
    switch (b.kind) {
      case 'heading':
        return `#heading(level: ${b.level}, ${q(b.text)})`;
      case 'text':
        return markdownTypst(parseMarkdown(b.text));
      case 'chart': {
        const chart = doc.charts.get(b.use.id);
        if (!chart) return '';
        const natural = chart.width * PX_TO_PT;
        const width = inRow ? '100%' : `${Math.min(natural, textWidth).toFixed(1)}pt`;
        const caption = b.caption !== undefined ? `, caption: ${q(b.caption)}` : '';
        return `#chart(${embed(chart)}, ${width}${caption})`;
      }
      case 'row': {
        const cells = b.items.map((item) => `[${block(item, true)}]`);
        return `#grid(columns: (${b.items.map(() => '1fr').join(', ')}), column-gutter: 14pt, align: horizon, ${cells.join(', ')})`;
      }
      case 'table': {
        const data = doc.tables.get(b.use.id);
        if (!data) return '';
        const t = tableText(data);
        const title = data.table.title !== undefined ? q(data.table.title) : 'none';
        const aligns = `(${t.align.join(', ')},)`;
        const header = `(${t.headers.map(q).join(', ')},)`;
        const cells = t.rows.flatMap((r) => r.map(q));
        const more =
          t.omitted > 0 ? `\n#text(size: 8pt, fill: muted, ${q(`${t.omitted} more rows not shown`)})` : '';
        const none = t.empty ? `\n#text(size: 8pt, fill: muted, ${q(NO_ROWS)})` : '';
        // Typst has no table of zero columns: the title and the "no rows" line stand alone.
        if (t.headers.length === 0) {
          return `#block(above: 1.2em, below: 0.4em, ${title === 'none' ? '[]' : `text(weight: "semibold", ${title})`})${none}`;
        }
        return `#datatable(${title}, ${aligns}, ${header}${cells.length ? `, ${cells.join(', ')}` : ''})${more}${none}`;
      }
      case 'pagebreak':
        return '#pagebreak(weak: true)';
    }
  };
  for (const b of doc.blocks) lines.push(block(b, false), '');
  return { source: lines.join('\n'), files };
}

function titleBlock(doc: DocumentModel): string {
  const parts = [`#text(size: 22pt, weight: "bold", ${q(doc.title)})`];
  if (doc.subtitle) parts.push(`#v(-0.3em)\n#text(size: 12pt, fill: muted, ${q(doc.subtitle)})`);
  const meta = [doc.author, doc.date].filter((s): s is string => !!s);
  if (meta.length) parts.push(`#v(0.2em)\n#text(size: 9pt, fill: muted, ${q(meta.join('  ·  '))})`);
  parts.push('#v(0.4em)\n#line(length: 100%, stroke: 0.6pt + rule)');
  return `#block(below: 1.4em)[\n${parts.join('\n')}\n]`;
}
