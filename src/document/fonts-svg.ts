import { fontFaceCss } from './fonts.js';
import { drawnText, tagEnd } from './fonts-text.js';

/**
 * A chart's SVG made to stand alone: the bundled font, cut down to the characters the chart
 * draws in each weight, embedded as `@font-face` rules with WOFF2 data URLs in a `<style>` just
 * inside the root, so that a browser draws Inter (the font the chart was measured with) and not
 * a fallback. Charts inside documents never carry it: the page or the PDF provides the font.
 *
 * It runs after the sanitiser, which admits only image data URLs: the embedded font is the
 * bundled one, never input, and the SVG is a file written for people, not read back.
 */
export async function svgWithFont(svg: string): Promise<string> {
  const css = await fontFaceCss(drawnText(svg));
  const start = svg.indexOf('<svg');
  if (css === '' || start < 0) return svg;
  const end = tagEnd(svg, start);
  if (end >= svg.length || svg[end - 1] === '/') return svg;
  return `${svg.slice(0, end + 1)}<defs><style>${css}</style></defs>${svg.slice(end + 1)}`;
}
