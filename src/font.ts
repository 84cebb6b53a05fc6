import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The one font chartpress uses everywhere: ECharts measures and names it, resvg draws PNGs with
 * it, Typst sets the PDF with it and the HTML page embeds it. Inter ships as TTF in
 * `@expo-google-fonts/inter`.
 */
export const FONT_FAMILY = 'Inter';

/** The CSS font stack written into SVG and HTML: the bundled family first. */
export const FONT_STACK = `${FONT_FAMILY}, sans-serif`;

/** Version of the font package; part of every chart's cache key. */
export const FONT_VERSION = 'inter@expo-google-fonts-0.4';

const require = createRequire(import.meta.url);

export const FontWeight = { regular: 400, medium: 500, semibold: 600, bold: 700 } as const;
export type FontWeight = keyof typeof FontWeight;

const files: Record<FontWeight, string> = {
  regular: '@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf',
  medium: '@expo-google-fonts/inter/500Medium/Inter_500Medium.ttf',
  semibold: '@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf',
  bold: '@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf',
};

/** Absolute path of the TTF file for a weight. */
export function fontPath(weight: FontWeight = 'regular'): string {
  return require.resolve(files[weight]);
}

const loaded = new Map<FontWeight, Buffer>();

/** The TTF bytes for a weight, read once per process. */
export function fontData(weight: FontWeight = 'regular'): Buffer {
  let data = loaded.get(weight);
  if (!data) {
    data = readFileSync(fontPath(weight));
    loaded.set(weight, data);
  }
  return data;
}

/** Every weight chartpress uses, as TTF bytes (for Typst and resvg). */
export function allFontData(): Buffer[] {
  return (Object.keys(files) as FontWeight[]).map((w) => fontData(w));
}
