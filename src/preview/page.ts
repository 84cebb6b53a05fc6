import { escapeHtml } from '../document/escape.js';
import { HTML_STYLE } from '../document/html.js';
import { FontWeight } from '../font.js';
import { CLIENT } from './page-client.js';
import { PREVIEW_STYLE } from './page-style.js';

/*
 * The preview page: a shell (bar, pages, overlay, timings strip) whose content comes over
 * Server-Sent Events. The first message on a connection holds every block; later ones hold the
 * HTML of new blocks only, and the order of all. The page keeps the element of every block whose
 * hash it already has, makes the new ones, and lays the blocks out on sheets of the PDF's paper
 * size and margins. No bundler and nothing from the network: the script is inline (allowed by
 * its nonce), the fonts come from this server.
 */

/** The font faces of the bundled Inter, from the preview server's `/fonts/inter-<weight>.ttf`. */
const FONT_FACES = Object.values(FontWeight)
  .map(
    (w) =>
      `@font-face { font-family: "Inter"; font-weight: ${w}; font-display: block; src: url("/fonts/inter-${w}.ttf") format("truetype"); }`,
  )
  .join('\n');

/** The page's icon, inline: the mark of the bar. */
const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><defs><linearGradient id="g" x2="1" y2="1"><stop stop-color="#1d5fa8"/><stop offset="1" stop-color="#3fa7a0"/></linearGradient></defs><rect width="16" height="16" rx="3.5" fill="url(#g)"/></svg>',
)}`;

/** The weights `/fonts/inter-<weight>.ttf` serves. */
export const FONT_ROUTES: ReadonlyMap<string, FontWeight> = new Map(
  (Object.entries(FontWeight) as [FontWeight, number][]).map(([name, w]) => [`/fonts/inter-${w}.ttf`, name]),
);

/** The page's HTML: the shell, its style and its script (which carries `nonce`). */
export function previewPage(nonce: string, file: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(file)} · chartpress preview</title>
<link rel="icon" href="${ICON}">
<style>${FONT_FACES}${HTML_STYLE}${PREVIEW_STYLE}</style>
</head>
<body class="cp">
<div id="cp-bar">
  <div class="cp-brand"><span class="cp-mark"></span><span class="cp-name">chartpress</span><span id="cp-title">${escapeHtml(file)}</span></div>
  <form id="cp-params" autocomplete="off"></form>
  <span id="cp-state" class="cp-pill" data-state="connecting">connecting…</span>
  <a id="cp-pdf" class="cp-btn" href="/pdf" download>Download PDF</a>
</div>
<main id="cp-pages"><div id="cp-empty">Rendering ${escapeHtml(file)}…</div></main>
<div id="cp-overlay" hidden><div id="cp-card" class="cp-card"></div></div>
<div id="cp-strip">waiting for the first render…</div>
<script nonce="${nonce}">${CLIENT}</script>
</body>
</html>
`;
}
