import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY, FontWeight, fontPath } from '../font.js';

let fontFiles: string[] | undefined;

/** Paths of the bundled Inter weights, resolved once. */
function bundledFonts(): string[] {
  fontFiles ??= (Object.keys(FontWeight) as FontWeight[]).map((w) => fontPath(w));
  return fontFiles;
}

/** True when the SVG paints its own background (a full-size opaque first rect). */
function hasBackground(svg: string): boolean {
  const rect = /<rect\b[^>]*>/.exec(svg.slice(0, 2000))?.[0];
  if (!rect) return false;
  const fill = /\sfill="([^"]*)"/.exec(rect)?.[1];
  return fill !== undefined && fill !== 'none' && fill !== 'transparent' && !/fill-opacity="0"/.test(rect);
}

/**
 * Rasterises an SVG to PNG with resvg, drawing text with the bundled Inter only (no system
 * fonts, so the output is the same on every machine). `scale` multiplies the pixel size
 * (default 1; use 2 for sharp print). The background is white unless the SVG paints one.
 */
export function svgToPng(svg: string, opts: { scale?: number } = {}): Uint8Array {
  const scale = opts.scale ?? 1;
  const resvg = new Resvg(svg, {
    font: { fontFiles: bundledFonts(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    ...(hasBackground(svg) ? {} : { background: '#ffffff' }),
  });
  return new Uint8Array(resvg.render().asPng());
}
