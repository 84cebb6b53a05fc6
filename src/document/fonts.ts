import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import { FONT_FAMILY, FontWeight, fontData } from '../font.js';
import { subsetTrueType } from './font-subset.js';
import { codePoints, type DrawnText } from './fonts-text.js';
import { sfntToWoff2 } from './fonts-woff2.js';

/**
 * Characters a page's subsets hold besides those drawn: printable ASCII and the usual
 * typographic marks (list bullets, dashes, quotes, the minus sign of formatted numbers). A few KB
 * per weight, it keeps a page right if a weight is guessed wrong, and most pages then share one
 * subset per weight, so a warm engine serves them from memory.
 */
const BASE = codePoints(
  `${Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('')}\u00a0·•…–—‘’“”−×°`,
);

/**
 * The OpenType features a browser applies by default, `tnum` (the tables' tabular digits) and
 * `sups` (without it Chromium draws "²" a shade differently), kept in a page's subsets: text
 * shapes as with the whole font, without the glyphs of the features nobody asks for (stylistic
 * sets, fractions...).
 */
export const PAGE_FEATURES = [
  'ccmp',
  'locl',
  'mark',
  'mkmk',
  'kern',
  'liga',
  'clig',
  'calt',
  'rlig',
  'rclt',
  'rvrn',
  'tnum',
  'sups',
];

/** Subsets kept in memory, by weight, kind and characters; a face is a few KB. */
const faces = new LRUCache<string, Promise<string>>({ max: 64 });

/** What `fontFaceCss` embeds besides the characters drawn. */
export interface FontFaceOptions {
  /** Weights to embed even when no text uses them. Defaults to none. */
  readonly always?: readonly FontWeight[];
  /** Add printable ASCII and common typographic marks to every subset. Defaults to false. */
  readonly base?: boolean;
  /**
   * Keep the layout features a browser applies (`PAGE_FEATURES`: tabular digits, contextual
   * alternates...), for pages, through HarfBuzz (`subset-font`, WebAssembly: some 60 ms to load
   * in a new process). Without them (charts, whose text is laid out with plain advances and
   * kerning) the subset is cut by `subsetTrueType`, in a few milliseconds. Defaults to false.
   */
  readonly features?: boolean;
}

/**
 * `@font-face` rules embedding, for each weight the text is drawn with, the bundled font cut down
 * to the characters drawn in it, as WOFF2 data URLs.
 */
export async function fontFaceCss(drawn: DrawnText, options: FontFaceOptions = {}): Promise<string> {
  const always = options.always ?? [];
  const byFace = new Map<FontWeight, Set<number>>();
  for (const w of always) byFace.set(w, new Set());
  for (const [weight, chars] of drawn) {
    const face = faceFor(weight);
    const set = byFace.get(face) ?? new Set();
    for (const c of chars) set.add(c);
    byFace.set(face, set);
  }
  const used = [...byFace.keys()].sort((a, b) => FontWeight[a] - FontWeight[b]);
  const extra = options.base ? BASE : new Set<number>();
  const features = options.features === true;
  const css = await Promise.all(
    used.map((w) => fontFace(w, new Set([...extra, ...(byFace.get(w) ?? [])]), features)),
  );
  return css.join('');
}

/**
 * The bundled weight a browser draws a CSS weight with (the CSS Fonts matching rules): the
 * weight itself, else for 400 and 500 the other one then lighter then heavier, below 400 lighter
 * first, above 500 heavier first.
 */
export function faceFor(weight: number): FontWeight {
  const all = (Object.keys(FontWeight) as FontWeight[]).sort((a, b) => FontWeight[a] - FontWeight[b]);
  const exact = all.find((w) => FontWeight[w] === weight);
  if (exact) return exact;
  const lighter = all.filter((w) => FontWeight[w] < weight).reverse();
  const heavier = all.filter((w) => FontWeight[w] > weight);
  let order: FontWeight[];
  if (weight >= 400 && weight <= 500) {
    const upTo500 = heavier.filter((w) => FontWeight[w] <= 500);
    order = [...upTo500, ...lighter, ...heavier.filter((w) => FontWeight[w] > 500)];
  } else order = weight < 400 ? [...lighter, ...heavier] : [...heavier, ...lighter];
  return order[0] ?? 'regular';
}

function fontFace(weight: FontWeight, chars: ReadonlySet<number>, features: boolean): Promise<string> {
  const text = String.fromCodePoint(...[...chars].sort((a, b) => a - b));
  const key = `${weight}:${features ? 'page' : 'chart'}:${text}`;
  let face = faces.get(key);
  if (!face) {
    face = makeFace(weight, chars, text, features);
    faces.set(key, face);
  }
  return face;
}

async function makeFace(
  weight: FontWeight,
  chars: ReadonlySet<number>,
  text: string,
  features: boolean,
): Promise<string> {
  const rule = (src: string) =>
    `@font-face { font-family: "${FONT_FAMILY}"; font-weight: ${FontWeight[weight]}; font-style: normal; src: ${src}; }\n`;
  try {
    let sfnt: Uint8Array;
    if (features) {
      // Loaded on first use: the subsetter and its WebAssembly cost ~60 ms that PDF runs never pay.
      const subsetFont = createRequire(import.meta.url)(
        'subset-font',
      ) as typeof import('subset-font').default;
      sfnt = await subsetFont(fontData(weight), text, { targetFormat: 'sfnt', keepFeatures: PAGE_FEATURES });
    } else sfnt = subsetTrueType(fontData(weight), chars);
    const woff2 = sfntToWoff2(sfnt);
    return rule(`url(data:font/woff2;base64,${woff2.toString('base64')}) format("woff2")`);
  } catch {
    // The whole font is heavy but right: a page never loses its font to the subsetter.
    return rule(`url(data:font/ttf;base64,${fontData(weight).toString('base64')}) format("truetype")`);
  }
}
