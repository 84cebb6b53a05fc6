import type { Value } from '../frame.js';
import { maybeNumber } from '../frame.js';
import { toLabel } from './encode.js';

/*
 * Which colour each value of a categorical field gets. Values take the palette's colours in
 * their sorted order, so a value has the same colour in every chart of a report whatever order
 * its rows come in; pinned values keep their pinned colour. Past the palette's end, further
 * colours are generated (see `paletteColor`) rather than repeating the first ones.
 */

/** Hue step between generated colours, in degrees: the golden angle, so hues never line up. */
const HUE_STEP = 137.508;
/** Lightness of generated colours (OKLCH), taken in turn: mid, light, dark. */
const LIGHTNESS = [0.6, 0.75, 0.45] as const;
/** Chroma of generated colours (OKLCH): strong enough to tell apart, inside sRGB for most hues. */
const CHROMA = 0.13;
/** Smallest OKLab distance between a generated colour and every colour before it. */
const MIN_DISTANCE = 0.06;

/** Colours generated past the end of each palette, and the next step to try, by palette. */
const extended = new WeakMap<readonly string[], { colors: string[]; step: number }>();

/**
 * The `i`-th colour of a palette. Past its end the palette goes on with colours of its own:
 * hues a golden angle apart at three lightness levels in the OKLCH space, each at least a
 * visible step (OKLab distance 0.06) from every colour before it. No colour repeats.
 */
export function paletteColor(palette: readonly string[], i: number): string {
  if (i < palette.length) return palette[i] ?? '#000000';
  let more = extended.get(palette);
  if (!more) {
    more = { colors: [], step: 0 };
    extended.set(palette, more);
  }
  const { colors } = more;
  const seen: Lab[] = [];
  for (const c of [...palette, ...colors]) {
    const lab = hexToOklab(c);
    if (lab) seen.push(lab);
  }
  while (colors.length <= i - palette.length) {
    const k = more.step++;
    const lab = oklchToOklab(LIGHTNESS[k % LIGHTNESS.length] ?? 0.6, CHROMA, (25 + k * HUE_STEP) % 360);
    // Far enough from every colour so far; past many tries, any colour not yet used.
    if (k < 1000 && seen.some((c) => distance(c, lab) < MIN_DISTANCE)) continue;
    const hex = oklabToHex(lab);
    if (colors.includes(hex) || palette.includes(hex)) continue;
    colors.push(hex);
    seen.push(lab);
  }
  return colors[i - palette.length] ?? '#000000';
}

/**
 * The sorted order of a field's values: numbers (and numeric text) by value, then text by
 * code unit, then booleans; null, shown "(none)", last.
 */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const na = maybeNumber(a);
  const nb = maybeNumber(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined) return 1;
    if (nb === undefined) return -1;
    if (na !== nb) return na - nb;
  }
  const ta = typeof a === 'boolean' ? 1 : 0;
  const tb = typeof b === 'boolean' ? 1 : 0;
  if (ta !== tb) return ta - tb;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The distinct labels of `values` in their sorted order (see `compareValues`). */
export function sortedLabels(values: Iterable<Value>): string[] {
  const byLabel = new Map<string, Value>();
  for (const v of values) {
    const label = toLabel(v);
    if (!byLabel.has(label)) byLabel.set(label, v);
  }
  return [...byLabel].sort(([, a], [, b]) => compareValues(a, b)).map(([label]) => label);
}

/**
 * Colours for the labels of `domain`, in order: a pinned label keeps its colour, the others
 * take the palette's colours in turn, skipping those a pin already took.
 */
export function assignColors(
  domain: readonly string[],
  palette: readonly string[],
  pinned: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const taken = new Set(Object.values(pinned).map((c) => c.toLowerCase()));
  const out: Record<string, string> = {};
  let next = 0;
  for (const label of domain) {
    const pin = Object.hasOwn(pinned, label) ? pinned[label] : undefined;
    if (pin !== undefined) {
      out[label] = pin;
      continue;
    }
    let color = paletteColor(palette, next++);
    while (taken.has(color.toLowerCase())) color = paletteColor(palette, next++);
    out[label] = color;
  }
  return out;
}

type Lab = readonly [number, number, number];

function distance(a: Lab, b: Lab): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function oklchToOklab(l: number, c: number, hueDegrees: number): Lab {
  const h = (hueDegrees * Math.PI) / 180;
  return [l, c * Math.cos(h), c * Math.sin(h)];
}

/** OKLab (Ottosson, 2020) to `#rrggbb`, clipped into sRGB. */
function oklabToHex([l, a, b]: Lab): string {
  const l_ = (l + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m_ = (l - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s_ = (l - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const linear = [
    4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
    -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
    -0.0041960863 * l_ - 0.7034186147 * m_ + 1.707614701 * s_,
  ];
  return `#${linear
    .map((c) => {
      const v = Math.min(1, Math.max(0, c));
      const srgb = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
      return Math.round(srgb * 255)
        .toString(16)
        .padStart(2, '0');
    })
    .join('')}`;
}

/** `#rgb` or `#rrggbb` to OKLab; undefined for any other colour syntax. */
function hexToOklab(color: string): Lab | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (hex === undefined) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = Math.cbrt(0.4122214708 * r + 0.5363434713 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}
