import { defaultTheme } from '../spec/defaults.js';
import type { ThemeName } from '../spec/schema.js';

/** The look of a chart: colours, type sizes and line styles shared by every chart type. */
export interface Theme {
  readonly name: ThemeName;
  /** Series colours, in order. */
  readonly palette: readonly string[];
  /** Chart background; `transparent` lets the page show through. */
  readonly background: string;
  /** Title and strong text. */
  readonly text: string;
  /** Subtitle, axis labels, legend text. */
  readonly mutedText: string;
  /** The category axis line. */
  readonly axisLine: string;
  /** Grid lines across the plot. */
  readonly splitLine: string;
  readonly splitLineType: 'solid' | 'dashed' | 'dotted';
  /** Title size in px at 600x400 (smaller charts scale it down). */
  readonly titleSize: number;
  readonly titleWeight: number;
  /** Axis label and legend size in px at 600x400. */
  readonly fontSize: number;
  /** Corner radius of bars, in px. */
  readonly barRadius: number;
  /** Separator between pie slices and around markers: the background as seen. */
  readonly surface: string;
  /** The "No data" message. */
  readonly emptyText: string;
  /** Sparkline maximum marker. */
  readonly positive: string;
  /** Sparkline minimum marker. */
  readonly negative: string;
}

const light = {
  background: 'transparent',
  text: '#1f2937',
  mutedText: '#5b6472',
  axisLine: '#9aa3ae',
  splitLine: '#e3e7ec',
  splitLineType: 'solid',
  titleSize: 15,
  titleWeight: 600,
  fontSize: 11,
  barRadius: 1,
  surface: '#ffffff',
  emptyText: '#8a94a3',
  positive: '#2a9d6f',
  negative: '#d1495b',
} as const;

/** Every theme by name. `default` is a sober look for financial reports. */
export const themes: { readonly [N in ThemeName]: Theme } = Object.freeze({
  default: {
    ...light,
    name: 'default',
    palette: [
      '#1f5fa8',
      '#f28e2b',
      '#2a9d8f',
      '#d1495b',
      '#7b61b0',
      '#e9c46a',
      '#6cb4d8',
      '#8d6e63',
      '#9aa3ae',
      '#5c9e3f',
      '#c06c9a',
      '#17324d',
    ],
  },
  corporate: {
    ...light,
    name: 'corporate',
    palette: [
      '#0b3c5d',
      '#328cc1',
      '#7a9e9f',
      '#d9a21b',
      '#4f6d7a',
      '#a4343a',
      '#8fb9a8',
      '#5c5c5c',
      '#b7c9d6',
      '#8a6d3b',
    ],
    text: '#0b3c5d',
    mutedText: '#4a5a6a',
    axisLine: '#6f7f8f',
    splitLine: '#e6eaee',
    splitLineType: 'dashed',
    titleWeight: 700,
    barRadius: 0,
  },
  minimal: {
    ...light,
    name: 'minimal',
    palette: [
      '#3b4252',
      '#5e81ac',
      '#a3be8c',
      '#d08770',
      '#b48ead',
      '#88c0d0',
      '#ebcb8b',
      '#bf616a',
      '#8fbcbb',
      '#4c566a',
    ],
    text: '#2e3440',
    mutedText: '#6b7280',
    axisLine: '#c8ccd2',
    splitLine: '#eceef1',
    splitLineType: 'dotted',
    titleSize: 14,
    titleWeight: 500,
    barRadius: 0,
  },
  vibrant: {
    ...light,
    name: 'vibrant',
    palette: [
      '#ff5a5f',
      '#00a6a6',
      '#ffb400',
      '#6a4c93',
      '#1a85ff',
      '#ff7f11',
      '#2ec45a',
      '#e63fa3',
      '#8d5cf6',
      '#00b4d8',
    ],
    text: '#1b1b2f',
    mutedText: '#4b4b63',
    titleSize: 16,
    titleWeight: 700,
    barRadius: 3,
  },
  dark: {
    name: 'dark',
    palette: [
      '#5b9cf6',
      '#f6bd16',
      '#5ad8a6',
      '#f0705a',
      '#b38cf0',
      '#6dc8ec',
      '#ff9d4d',
      '#e67bb0',
      '#9bd36a',
      '#c9a66b',
    ],
    background: '#1b1f27',
    text: '#eef1f5',
    mutedText: '#aab2bf',
    axisLine: '#59616e',
    splitLine: '#2e3440',
    splitLineType: 'solid',
    titleSize: 15,
    titleWeight: 600,
    fontSize: 11,
    barRadius: 1,
    surface: '#1b1f27',
    emptyText: '#8a94a3',
    positive: '#5ad8a6',
    negative: '#f0705a',
  },
});

/** The theme called `name`, or the default theme. */
export function themeFor(name: ThemeName | undefined): Theme {
  return themes[name ?? defaultTheme] ?? themes[defaultTheme];
}

/** Dark or light text, whichever reads better on `fill` (a `#rgb` or `#rrggbb` colour). */
export function textOn(fill: string): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(fill)?.[1];
  if (hex === undefined) return '#ffffff';
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.3 ? '#1f2937' : '#ffffff';
}
