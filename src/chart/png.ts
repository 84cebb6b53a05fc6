import { createRequire } from 'node:module';
import { ChartpressError, problem } from '../errors.js';
import { FONT_FAMILY, FontWeight, fontPath } from '../font.js';

// resvg (a native module) loads with the first PNG: SVG and PDF runs never pay for it.
const loadResvg = () =>
  (createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js')).Resvg;

/**
 * Most pixels a PNG may have: 40 megapixels (width × height × scale², e.g. 4000 × 2500 at scale
 * 2). Rasterising takes 4 bytes a pixel, and as much again to encode: 40 Mpx is some 320 MB.
 */
export const MAX_PNG_PIXELS = 40_000_000;

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
 * A PNG of more than `maxPixels` (default `MAX_PNG_PIXELS`, 40 megapixels) is refused with
 * `CP_ERR_INVALID_VALUE` before anything is drawn.
 */
export function svgToPng(svg: string, opts: { scale?: number; maxPixels?: number } = {}): Uint8Array {
  const scale = opts.scale ?? 1;
  const maxPixels = opts.maxPixels ?? MAX_PNG_PIXELS;
  const resvg = new (loadResvg())(svg, {
    font: { fontFiles: bundledFonts(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    ...(hasBackground(svg) ? {} : { background: '#ffffff' }),
  });
  // The SVG's own size is known once parsed; the pixels are allocated only by render().
  const width = Math.ceil(resvg.width * scale);
  const height = Math.ceil(resvg.height * scale);
  if (!(Math.floor(resvg.width * scale) >= 1 && Math.floor(resvg.height * scale) >= 1)) {
    throw new ChartpressError(
      problem(
        'CP_ERR_INVALID_VALUE',
        `the PNG would be less than one pixel wide or high (${resvg.width} × ${resvg.height} at scale ${scale})`,
        { hint: 'raise the scale (--scale)' },
      ),
    );
  }
  if (!(width * height <= maxPixels)) {
    throw new ChartpressError(
      problem(
        'CP_ERR_INVALID_VALUE',
        `the PNG would be ${width} × ${height} pixels (${megapixels(width * height)}), over the limit of ${megapixels(maxPixels)}`,
        { hint: "lower the scale (--scale) or the chart's width and height, or write SVG" },
      ),
    );
  }
  return new Uint8Array(resvg.render().asPng());
}

function megapixels(n: number): string {
  return `${Number((n / 1e6).toPrecision(3))} megapixels`;
}
