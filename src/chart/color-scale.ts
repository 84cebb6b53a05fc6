import type { Theme } from './theme.js';

/*
 * Continuous colour scales (a heatmap's): stops spread evenly over the domain, interpolated in
 * sRGB as ECharts' visualMap does, so that the colour computed here for a cell (to pick its
 * label's colour) is the colour ECharts paints it.
 */

type Rgb = readonly [number, number, number];

/** `#rgb` or `#rrggbb` as 0-255 channels; undefined for any other colour syntax. */
export function parseHex(color: string): Rgb | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (hex === undefined) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as unknown as Rgb;
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b]
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** `a` moved towards `b` by `t` (0: a, 1: b), in sRGB; `a` when either is not a hex colour. */
export function mixColors(a: string, b: string, t: number): string {
  const ca = parseHex(a);
  const cb = parseHex(b);
  if (!ca || !cb) return a;
  return toHex([0, 1, 2].map((i) => (ca[i] ?? 0) + ((cb[i] ?? 0) - (ca[i] ?? 0)) * t) as unknown as Rgb);
}

/** The colour at `t` (0..1, clamped) of stops spread evenly from 0 to 1. */
export function scaleColor(stops: readonly string[], t: number): string {
  if (stops.length === 0) return '#000000';
  if (stops.length === 1 || !(t > 0)) return stops[0] ?? '#000000';
  if (t >= 1) return stops[stops.length - 1] ?? '#000000';
  const at = t * (stops.length - 1);
  const i = Math.floor(at);
  return mixColors(stops[i] ?? '#000000', stops[i + 1] ?? '#000000', at - i);
}

/**
 * The stops of a sequential scale: from a light tint of the palette's first colour (on the
 * theme's surface: dark on the dark theme) to that colour itself.
 */
export function sequentialStops(theme: Theme, colors: readonly string[]): string[] {
  const base = colors[0] ?? theme.palette[0] ?? '#1f5fa8';
  return [mixColors(base, theme.surface, 0.9), mixColors(base, theme.surface, 0.45), base];
}

/** The stops of a diverging scale: the theme's negative colour, a near-surface middle, positive. */
export function divergingStops(theme: Theme): string[] {
  return [theme.negative, mixColors(theme.surface, theme.mutedText, 0.08), theme.positive];
}
