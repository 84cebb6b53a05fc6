import { FONT_STACK } from '../font.js';
import type { PlanBlock } from '../pipeline/plan.js';
import { escapeHtml as e } from './escape.js';
import { fontFaceCss } from './fonts.js';
import { drawnText, type HtmlWeights } from './fonts-text.js';
import { LIVE_STYLE, liveCharts } from './live.js';
import { parseMarkdown } from './markdown.js';
import { markdownHtml } from './markdown-html.js';
import { type DocumentModel, type DocumentSource, pullDocument, type RenderedChart } from './model.js';
import { chartPxFor, PX_TO_PT, ROW_GUTTER_PT, rowCellPt, textWidthPt } from './page.js';
import { NO_ROWS, type TableText, tableText } from './table.js';
import { BAR_GAP_PT, BAR_PT, SUBTOTAL_FILL } from './table-style.js';

/** The page's style sheet (the font faces come before it). */
export const HTML_STYLE = `
body { font-family: ${FONT_STACK}; color: #1f2933; background: #fff; font-size: 14px; line-height: 1.55;
  max-width: 880px; margin: 40px auto; padding: 0 24px; }
header { border-bottom: 1px solid #d9dee5; margin-bottom: 28px; padding-bottom: 14px; }
header h1 { font-size: 30px; font-weight: 700; margin: 0; }
header .subtitle { font-size: 17px; color: #5f6b7a; margin-top: 2px; }
header .meta { font-size: 12px; color: #5f6b7a; margin-top: 8px; }
h2, h3, h4, h5 { font-weight: 600; margin: 1.6em 0 0.6em; }
h2 { font-size: 21px; } h3 { font-size: 17px; } h4, h5 { font-size: 15px; }
figure { margin: 18px 0; text-align: center; break-inside: avoid; }
a { color: #1d5fa8; }
code { font-family: inherit; font-variant-numeric: tabular-nums; background: #f3f5f8; border-radius: 3px; padding: 0 3px; font-size: 0.95em; }
pre { background: #f3f5f8; border-radius: 4px; padding: 8px 10px; overflow-x: auto; }
pre code { padding: 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #5f6b7a; }
.row { display: grid; column-gap: ${(ROW_GUTTER_PT / PX_TO_PT).toFixed(2)}px; row-gap: 18px; align-items: center; justify-content: center; }
.table { margin: 18px 0; break-inside: auto; }
.table .scroll { overflow-x: auto; }
.table .title { font-weight: 600; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th { background: #f3f5f8; font-weight: 600; border-bottom: 1px solid #9aa5b1; }
th, td { padding: 5px 8px; text-align: left; }
td { border-bottom: 1px solid #d9dee5; }
tr:nth-child(even) td { background: #fafbfc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.subtotal td { font-weight: 600; background: ${SUBTOTAL_FILL}; }
tfoot td { font-weight: 600; border-top: 1px solid #9aa5b1; border-bottom: 1px solid #9aa5b1; }
.barcell { display: flex; align-items: center; gap: ${BAR_GAP_PT}pt; }
.barcell .bar { position: relative; flex: none; width: ${BAR_PT}pt; height: 0.85em; }
.barcell .fill { position: absolute; top: 0; bottom: 0; }
.barcell .zero { position: absolute; top: -0.15em; bottom: -0.15em; border-left: 0.5pt solid #5f6b7a; }
.barcell .value { flex: 1; }
.barcell .fill, td[style*="background"] { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
td:first-child { white-space: nowrap; }
td.spark { padding-top: 2px; padding-bottom: 2px; line-height: 0; }
td.spark svg { display: block; }
.more { font-size: 11px; color: #5f6b7a; }
.pagebreak { break-after: page; }
@media print {
  @page { size: A4; margin: 2cm; }
  body { margin: 0; padding: 0; max-width: none; font-size: 10pt; }
  .table .scroll { overflow-x: visible; }
  h2, h3, h4, h5, .table .title { break-after: avoid; }
}`;

/** The font weights STYLE (and the browser's own style sheet) give elements: keep them in step. */
const PAGE_WEIGHTS: HtmlWeights = {
  tags: {
    h1: 700,
    h2: 600,
    h3: 600,
    h4: 600,
    h5: 600,
    h6: 700,
    th: 600,
    tfoot: 600,
    b: 'bolder',
    strong: 'bolder',
  },
  classes: { title: 600, subtotal: 600 },
};

/** Pulls the charts and tables the body embeds, then writes the page. */
export async function htmlOf(source: DocumentSource): Promise<string> {
  return writeHtml(await pullDocument(source));
}

/**
 * One self-contained HTML page: inline SVG charts, the embedded font, print CSS. The font is cut
 * down to the characters the page draws, per weight. A chart key is inlined once; later
 * placements of the same picture refer to it with `<use>`. An interactive page (`doc.interactive`)
 * also draws its charts live (see `liveCharts`), the SVG kept as the fallback.
 */
export async function writeHtml(doc: DocumentModel): Promise<string> {
  const live = doc.interactive ? liveCharts(inlineCharts()) : undefined;
  const { head, body } = writePage(doc, live?.chart);
  // The body's own text decides the subsets: what is drawn, in the weight it is drawn with. The
  // base set guards text whose weight the CSS sets otherwise than PAGE_WEIGHTS says.
  const fonts = await fontFaceCss(drawnText(body, PAGE_WEIGHTS), {
    always: ['regular'],
    base: true,
    features: true,
  });
  if (!live) return `${head}<style>${fonts}${HTML_STYLE}</style>\n</head>\n${body}`;
  // The scripts come after the fonts are cut: their text is not drawn.
  const end = body.lastIndexOf('</body>');
  const scripts = live.scripts();
  const style = scripts ? `${HTML_STYLE}${LIVE_STYLE}` : HTML_STYLE;
  return `${head}<style>${fonts}${style}</style>\n</head>\n${body.slice(0, end)}${scripts}${body.slice(end)}`;
}

/** The page without its style: the head's first lines, and the body. */
function writePage(doc: DocumentModel, chart?: (c: RenderedChart) => string): { head: string; body: string } {
  const { header, blocks } = htmlBlocks(doc, chart);
  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(doc.title)}</title>
`;
  const body = `<body>
<header>${header}</header>
<main>
${blocks.join('\n')}
</main>
</body>
</html>
`;
  return { head, body };
}

/**
 * How a page inlines its charts: a chart key is inlined once, its ids prefixed by its place in
 * the page; later placements of the same picture refer to it with `<use>`.
 */
export function inlineCharts(): (c: RenderedChart) => string {
  let instance = 0;
  const inlined = new Map<string, string>();
  return (c) => {
    const ref = inlined.get(c.key);
    if (ref !== undefined) {
      const size = `width="${c.width}" height="${c.height}"`;
      return `<svg ${size} viewBox="0 0 ${c.width} ${c.height}" xmlns="http://www.w3.org/2000/svg"><use href="#${ref}" ${size}/></svg>`;
    }
    const prefix = `c${instance++}-`;
    inlined.set(c.key, `${prefix}chart`);
    return uniqueIds(c.svg, prefix).replace(/<svg\b/, `<svg id="${prefix}chart"`);
  };
}

/**
 * The page's content as HTML: what its `<header>` holds (title, subtitle, meta line) and each
 * top-level block of the body, in order. `chart` inlines a chart (by default, `inlineCharts()`).
 */
export function htmlBlocks(
  doc: DocumentModel,
  chart: (c: RenderedChart) => string = inlineCharts(),
): { header: string; blocks: string[] } {
  /** A block set in `widthPt` points (the page's text width, or a row's cell). */
  const block = (b: PlanBlock, widthPt: number): string => {
    switch (b.kind) {
      case 'heading': {
        const level = Math.min(b.level + 1, 6);
        return `<h${level}>${e(b.text)}</h${level}>`;
      }
      case 'text':
        return markdownHtml(parseMarkdown(b.text, b.values));
      case 'chart': {
        const c = doc.charts.get(b.use.id);
        if (!c) return '';
        const caption = b.caption !== undefined ? `<figcaption>${e(b.caption)}</figcaption>` : '';
        return `<figure data-chart="${e(c.id)}" data-status="${c.status}">${chart(c)}${caption}</figure>`;
      }
      case 'row': {
        // Cells as wide as the charts drawn for them (the page's), narrower on a narrow screen.
        const cellPt = rowCellPt(widthPt, b.items.length);
        const columns = `repeat(${b.items.length}, minmax(0, ${chartPxFor(cellPt)}px))`;
        const items = b.items.map((item) => block(item, cellPt)).join('');
        return `<div class="row" style="grid-template-columns: ${columns}">${items}</div>`;
      }
      case 'table': {
        const data = doc.tables.get(b.use.id);
        if (!data) return '';
        const t = tableText(data);
        const head = t.headers.map((h, i) => `<th${cellAttrs(t, i)}>${e(h)}</th>`).join('');
        const rows = t.rows
          .map(
            (r, y) =>
              `<tr${t.subtotal?.[y] ? ' class="subtotal"' : ''}>${r.map((_, x) => htmlCell(t, y, x, chart)).join('')}</tr>`,
          )
          .join('\n');
        const foot = t.totals
          ? `<tfoot><tr>${t.totals.map((v, x) => `<td${cellAttrs(t, x)}>${e(v)}</td>`).join('')}</tr></tfoot>`
          : '';
        const cols = t.widths.some((w) => w !== undefined)
          ? `<colgroup>${t.widths.map((w) => (w === undefined ? '<col>' : `<col style="width: ${w}pt">`)).join('')}</colgroup>`
          : '';
        const title = data.table.title !== undefined ? `<div class="title">${e(data.table.title)}</div>` : '';
        const more = t.omitted > 0 ? `<div class="more">${t.omitted} more rows not shown</div>` : '';
        const none = t.empty ? `<div class="more">${NO_ROWS}</div>` : '';
        // A table of no columns is nothing to show: the title and the "no rows" line stand alone.
        const table =
          t.headers.length === 0
            ? ''
            : `<div class="scroll"><table>${cols}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody>${foot}</table></div>`;
        return `<div class="table">${title}${table}${more}${none}</div>`;
      }
      case 'pagebreak':
        return '<div class="pagebreak"></div>';
    }
  };
  const meta = [doc.author, doc.date].filter((s): s is string => !!s);
  const header = [
    `<h1>${e(doc.title)}</h1>`,
    doc.subtitle ? `<div class="subtitle">${e(doc.subtitle)}</div>` : '',
    meta.length ? `<div class="meta">${e(meta.join('  ·  '))}</div>` : '',
  ].join('');
  return { header, blocks: doc.blocks.map((b) => block(b, textWidthPt(doc.page))) };
}

/** A header or cell's class and style: numbers, and an alignment other than its kind's. */
function cellAttrs(t: TableText, x: number, style = ''): string {
  const numeric = t.numeric[x] ?? false;
  const align = t.align[x] ?? 'left';
  const css = `${align !== (numeric ? 'right' : 'left') ? `text-align: ${align}; ` : ''}${style}`.trim();
  return `${numeric ? ' class="num"' : ''}${css ? ` style="${css}"` : ''}`;
}

/** One cell of a table's body: its text, with its style and bar (as the PDF draws them). */
function htmlCell(t: TableText, y: number, x: number, chart: (c: RenderedChart) => string): string {
  const charts = t.charts[x];
  if (charts) {
    // A sparkline, inline; an empty cell for a row without one.
    const c = charts[y];
    return `<td class="spark">${c ? chart(c) : ''}</td>`;
  }
  const s = t.styles?.[y]?.[x];
  const style = [
    s?.color !== undefined ? `color: ${s.color};` : '',
    s?.background !== undefined ? `background: ${s.background};` : '',
    s?.bold ? 'font-weight: 600;' : '',
  ]
    .filter((c) => c !== '')
    .join(' ');
  const text = e(t.rows[y]?.[x] ?? '');
  const bars = t.bars[x];
  if (!bars) return `<td${cellAttrs(t, x, style)}>${text}</td>`;
  const bar = bars.cells[y];
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const fill = bar
    ? `<span class="fill" style="left: ${pct(bar.x)}; width: ${pct(bar.w)}; background: ${bar.color}"></span>`
    : '';
  const zero = bars.signed ? `<span class="zero" style="left: ${pct(bars.zero)}"></span>` : '';
  return `<td${cellAttrs(t, x, style)}><div class="barcell"><span class="bar">${fill}${zero}</span><span class="value">${text}</span></div></td>`;
}

/**
 * Prefixes every id in an SVG (and the references to them) so that several charts inlined in
 * one page do not share clip paths or gradients.
 */
export function uniqueIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}${id}"`);
}
