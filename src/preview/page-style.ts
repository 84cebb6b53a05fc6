/*
 * The preview page's own style, after the HTML writer's (`HTML_STYLE`): the bar, the sheets set
 * in the PDF's paper size and type sizes, the overlay of problems and the timings strip. Ids and
 * classes start with `cp-` so that nothing a report's HTML holds is styled by them.
 */

export const PREVIEW_STYLE = `
body.cp { max-width: none; margin: 0; padding: 52px 0 44px; background: #e6e9ee; font-size: 14px; }
#cp-bar { position: fixed; inset: 0 0 auto 0; z-index: 20; height: 52px; box-sizing: border-box; display: flex;
  align-items: center; gap: 18px; padding: 0 18px; background: #fff; border-bottom: 1px solid #d9dee5;
  box-shadow: 0 1px 3px rgba(31, 41, 51, 0.06); font-size: 13px; }
#cp-bar .cp-brand { display: flex; align-items: center; gap: 8px; font-weight: 600; white-space: nowrap; min-width: 0; }
#cp-bar .cp-mark { width: 18px; height: 18px; border-radius: 4px; background: linear-gradient(135deg, #1d5fa8, #3fa7a0); flex: none; }
#cp-bar .cp-name { color: #5f6b7a; font-weight: 500; }
#cp-title { overflow: hidden; text-overflow: ellipsis; max-width: 28vw; }
#cp-params { display: flex; align-items: center; gap: 14px; flex: 1; min-width: 0; overflow-x: auto; margin: 0; }
.cp-field { display: flex; align-items: center; gap: 6px; white-space: nowrap; color: #5f6b7a; }
.cp-field input, .cp-field select { font: inherit; color: #1f2933; border: 1px solid #c5cdd6; border-radius: 5px;
  padding: 4px 7px; background: #fff; }
.cp-field input[type=number] { width: 7em; }
.cp-field input[type=checkbox] { width: 15px; height: 15px; margin: 0; accent-color: #1d5fa8; }
.cp-pill { display: inline-flex; align-items: center; gap: 6px; padding: 3px 10px; border-radius: 999px;
  background: #eef1f4; color: #5f6b7a; font-size: 12px; white-space: nowrap; }
.cp-pill::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: #9aa5b1; }
.cp-pill[data-state=live]::before { background: #2f9e6b; }
.cp-pill[data-state=rendering]::before { background: #d99a1e; }
.cp-pill[data-state=error]::before { background: #c8334a; }
.cp-pill[data-state=error] { background: #fbeaec; color: #a3283b; }
.cp-btn { display: inline-flex; align-items: center; gap: 6px; padding: 6px 12px; border-radius: 6px; background: #1d5fa8;
  color: #fff; text-decoration: none; font-weight: 500; white-space: nowrap; }
.cp-btn:hover { background: #184f8c; }
#cp-pages { display: flex; flex-direction: column; align-items: center; gap: 22px; padding: 26px 0 30px; transform-origin: top center; }
.cp-sheet { position: relative; box-sizing: border-box; background: #fff; box-shadow: 0 1px 3px rgba(31, 41, 51, 0.12),
  0 8px 24px rgba(31, 41, 51, 0.08); font-size: 10pt; line-height: 1.43; }
/* The PDF's type sizes and spacing (Typst's, in points), so that pages break about where the PDF's do. */
.cp-sheet p { margin: 0 0 11pt; }
.cp-sheet header { margin: 0 0 14pt; padding-bottom: 8pt; border-bottom-width: 0.6pt; }
.cp-sheet header h1 { font-size: 22pt; line-height: 1.2; }
.cp-sheet header .subtitle { font-size: 12pt; margin-top: 0; }
.cp-sheet header .meta { font-size: 9pt; margin-top: 3pt; }
.cp-sheet h2 { font-size: 15pt; margin: 16pt 0 9pt; line-height: 1.25; }
.cp-sheet h3 { font-size: 12.5pt; margin: 13pt 0 7pt; line-height: 1.25; }
.cp-sheet h4, .cp-sheet h5, .cp-sheet h6 { font-size: 11pt; margin: 11pt 0 6pt; line-height: 1.25; }
.cp-sheet figure { margin: 12pt 0; line-height: 1; }
.cp-sheet figcaption { font-size: 8.5pt; line-height: 1.4; margin-top: 2pt; }
.cp-sheet .row { row-gap: 12pt; }
.cp-sheet .row figure { margin: 0; }
.cp-sheet .table { margin: 12pt 0; }
.cp-sheet .table .title { margin-bottom: 5pt; }
.cp-sheet table { font-size: 8.5pt; line-height: 1.3; }
.cp-sheet th, .cp-sheet td { padding: 3.5pt 5pt; }
.cp-sheet ul, .cp-sheet ol { margin: 0 0 11pt; padding-left: 1.6em; }
.cp-content { display: flow-root; }
.cp-content > .cp-block:first-child > :first-child, .cp-content > .cp-block:first-child > header h1 { margin-top: 0; }
.cp-foot { position: absolute; display: flex; justify-content: space-between; font-size: 8pt; color: #5f6b7a; }
.cp-block[data-kind=pagebreak] { display: none; }
#cp-overlay { position: fixed; inset: 52px 0 44px 0; z-index: 30; background: rgba(230, 233, 238, 0.55);
  display: flex; justify-content: center; align-items: flex-start; padding-top: 28px; overflow-y: auto; }
#cp-overlay[hidden] { display: none; }
.cp-card { width: min(760px, calc(100vw - 48px)); background: #fff; border-radius: 10px; border-top: 4px solid #c8334a;
  box-shadow: 0 12px 40px rgba(31, 41, 51, 0.22); padding: 18px 22px 8px; }
.cp-card[data-tone=warn] { border-top-color: #d99a1e; }
.cp-card h2 { font-size: 16px; margin: 0 0 2px; }
.cp-card .cp-sub { color: #5f6b7a; font-size: 12.5px; margin: 0 0 12px; }
.cp-close { float: right; border: 0; background: none; font-size: 20px; line-height: 1; color: #9aa5b1; cursor: pointer; }
.cp-problem { border-top: 1px solid #e4e8ec; padding: 11px 0; font-size: 13px; }
.cp-problem .cp-where { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.cp-code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11.5px; background: #fbeaec; color: #a3283b;
  border-radius: 4px; padding: 1px 6px; }
.cp-card[data-tone=warn] .cp-code { background: #fdf3e1; color: #8a5d0b; }
.cp-path { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; color: #1f2933; font-weight: 600; }
.cp-file { color: #9aa5b1; font-size: 12px; }
.cp-msg { margin: 4px 0 2px; color: #1f2933; }
.cp-hint { color: #5f6b7a; font-size: 12.5px; }
#cp-strip { position: fixed; inset: auto 0 0 0; z-index: 20; height: 44px; box-sizing: border-box; display: flex;
  align-items: center; gap: 14px; padding: 0 18px; background: #1f2933; color: #d9dee5; font-size: 12px;
  font-variant-numeric: tabular-nums; white-space: nowrap; overflow-x: auto; }
#cp-strip > * { flex: none; }
#cp-strip .cp-side { margin-left: auto; color: #9aa5b1; }
#cp-strip b { color: #fff; font-weight: 600; }
#cp-strip .cp-sep { color: #5f6b7a; }
#cp-strip .cp-phase { display: inline-flex; align-items: center; gap: 5px; }
#cp-strip .cp-bar-graph { display: inline-flex; width: 120px; height: 6px; border-radius: 3px; overflow: hidden; background: #3e4c59; }
#cp-strip .cp-bar-graph i { display: block; height: 100%; }
#cp-strip .cp-dot { width: 8px; height: 8px; border-radius: 2px; display: inline-block; }
#cp-strip button { font: inherit; color: #f5c26b; background: none; border: 0; cursor: pointer; padding: 0; }
#cp-empty { color: #5f6b7a; margin-top: 120px; font-size: 15px; }
`;
