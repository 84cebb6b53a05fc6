import { dropForbiddenXmlChars } from './xml-chars.js';

const FONT =
  /^(?:(normal|italic|oblique)\s+)?(?:(normal|small-caps)\s+)?(?:(normal|bold|bolder|lighter|[1-9]00)\s+)?(\d+(?:\.\d+)?)px\s+(.+)$/;

/** `font: italic bold 12px Inter` as `font-size:12px;font-family:Inter;font-weight:bold;...`. */
function expandFont(font: string): string | undefined {
  const m = FONT.exec(font.trim());
  if (!m) return undefined;
  const [, style, , weight, size, family] = m;
  let out = `font-size:${size}px;font-family:${family};`;
  if (weight !== undefined && weight !== 'normal') out += `font-weight:${weight};`;
  if (style !== undefined && style !== 'normal') out += `font-style:${style};`;
  return out;
}

/**
 * Makes ECharts' SVG output stable and static:
 * - ids (`zr12-c0`, gradients, clip paths) are numbered per chart instance by a process-wide
 *   counter; they are renumbered `cp-0`, `cp-1`... in order of appearance, so the same chart
 *   gives the same bytes in any process and after any number of renders;
 * - hover CSS, `class` hooks and `ecmeta_*` attributes only serve interactive use and are
 *   dropped (the hover CSS even holds `fill:[object Object]` for gradients);
 * - the CSS `font:` shorthand (rich text, graphic text) is spelled out as `font-size`,
 *   `font-family`... which resvg and Typst read (they ignore the shorthand);
 * - characters XML forbids (a control character in a category label, a lone surrogate) are
 *   dropped: ECharts writes text as it is, and one such character makes the whole SVG unreadable.
 */
export function stabilizeSvg(rendered: string): string {
  const svg = dropForbiddenXmlChars(rendered);
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1]!;
    if (!ids.has(id)) ids.set(id, `cp-${ids.size}`);
  }
  return svg
    .replace(/<style\s*>[\s\S]*?<\/style>\n?/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/style="font:\s*([^";]+);?"/g, (all, font: string) => {
      const longhand = expandFont(font);
      return longhand === undefined ? all : `style="${longhand}"`;
    })
    .replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, lead: string, id: string) => {
      const to = ids.get(id);
      return to === undefined ? all : lead + to;
    });
}
