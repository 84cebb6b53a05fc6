import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Inter's italics, for Markdown emphasis: Typst draws no slanted face of its own. */
const ITALICS = [
  '@expo-google-fonts/inter/400Regular_Italic/Inter_400Regular_Italic.ttf',
  '@expo-google-fonts/inter/700Bold_Italic/Inter_700Bold_Italic.ttf',
] as const;

let loaded: Buffer[] | undefined;

/** The italic TTFs that `text` blocks' emphasis (and bold emphasis) is set in, read once. */
export function italicFontData(): Buffer[] {
  loaded ??= ITALICS.map((file) => readFileSync(require.resolve(file)));
  return loaded;
}
