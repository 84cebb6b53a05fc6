import { type Theme, themeFor, themes } from '../chart/theme.js';
import type { TableBlock, TableColorName, ThemeName } from '../spec/schema.js';

/*
 * The look a table's options give its cells: conditional styles (`style:`), colours by theme
 * name, and the bars of `bar:` columns. Writers turn these into Typst or HTML alike.
 */

/** How one cell is drawn beyond its text. Colours are `#rrggbb`. */
export interface CellStyle {
  readonly color?: string | undefined;
  readonly background?: string | undefined;
  readonly bold?: boolean | undefined;
}

/** A cell's bar, as shares of the bar's room (0 at its left edge, 1 at its right). */
export interface BarCell {
  /** Where the bar starts. */
  readonly x: number;
  /** How long it is. */
  readonly w: number;
  readonly color: string;
}

/** The bars of one column: where zero sits (a share of the room) and each shown row's bar. */
export interface BarColumn {
  readonly zero: number;
  /** Whether the column holds negative values (a zero line is drawn). */
  readonly signed: boolean;
  readonly cells: readonly (BarCell | undefined)[];
}

/** The background of a subtotal row. */
export const SUBTOTAL_FILL = '#eef1f5';

/** Room for a bar beside the number, and the gap between them, in points. */
export const BAR_PT = 56;
export const BAR_GAP_PT = 6;

/** How much of a theme colour a background keeps (the rest white), so text reads on it. */
const BACKGROUND_SHARE = 0.18;

/** How much of its colour a bar keeps (the rest white). */
const BAR_SHARE = 0.75;

/**
 * The colours a table names, from the report theme. Tables sit on a light page, so a dark
 * theme lends the default theme's colours.
 */
function paletteOf(name: ThemeName | undefined): Theme {
  const theme = themeFor(name);
  return theme.background === 'transparent' ? theme : themes.default;
}

/** A theme colour by name, or a hex colour as `#rrggbb`. */
export function tableColor(color: string, theme?: ThemeName): string {
  const t = paletteOf(theme);
  const named: Record<TableColorName, string> = {
    positive: t.positive,
    negative: t.negative,
    muted: t.mutedText,
    accent: t.palette[0] ?? t.text,
    text: t.text,
  };
  const hex = Object.hasOwn(named, color) ? named[color as TableColorName] : color;
  return fullHex(hex);
}

/** `#rgb` as `#rrggbb`, lower case. */
function fullHex(hex: string): string {
  const h = hex.slice(1).toLowerCase();
  return h.length === 3 ? `#${[...h].map((c) => c + c).join('')}` : `#${h}`;
}

/** `hex` mixed with white, keeping `share` of the colour. */
export function tint(hex: string, share: number): string {
  const h = fullHex(hex).slice(1);
  const mix = [0, 2, 4].map((i) => {
    const c = Number.parseInt(h.slice(i, i + 2), 16);
    return Math.round(c * share + 255 * (1 - share))
      .toString(16)
      .padStart(2, '0');
  });
  return `#${mix.join('')}`;
}

/**
 * Each shown row's cell styles, by column (undefined when the table has no `style`). A rule
 * styles the cells of its `columns`, else of the columns its condition tests, or the whole row
 * with `row: true`; later rules win, property by property. A theme colour as a background is
 * drawn as a light tint; a hex background as written.
 */
export function cellStyles(
  table: TableBlock,
  fields: readonly string[],
  matches: readonly (readonly boolean[])[] | undefined,
  shown: number,
  theme: ThemeName | undefined,
): (CellStyle | undefined)[][] | undefined {
  const rules = table.style;
  if (!rules || rules.length === 0 || !matches) return undefined;
  const rows: (CellStyle | undefined)[][] = Array.from({ length: shown }, () => fields.map(() => undefined));
  rules.forEach((rule, r) => {
    const when = Array.isArray(rule.when) ? rule.when : [rule.when];
    const targets = new Set(rule.columns ?? when.map((f) => f.field));
    const style: CellStyle = {
      ...(rule.color !== undefined ? { color: tableColor(rule.color, theme) } : {}),
      ...(rule.background !== undefined
        ? {
            background: rule.background.startsWith('#')
              ? tableColor(rule.background, theme)
              : tint(tableColor(rule.background, theme), BACKGROUND_SHARE),
          }
        : {}),
      ...(rule.bold !== undefined ? { bold: rule.bold } : {}),
    };
    const hits = matches[r] ?? [];
    for (let i = 0; i < shown; i++) {
      if (!hits[i]) continue;
      const row = rows[i];
      if (!row) continue;
      fields.forEach((f, c) => {
        if (rule.row || targets.has(f)) row[c] = { ...row[c], ...style };
      });
    }
  });
  return rows;
}

/**
 * The bars of a column of numbers: a zero-based domain from its values (negative ones to the
 * left of zero), positive bars in `color` (a theme name or hex; accent by default), negative
 * ones in the theme's negative colour.
 */
export function barColumn(
  values: readonly (number | null)[],
  color: string | true,
  theme: ThemeName | undefined,
): BarColumn {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo;
  const zero = span > 0 ? -lo / span : 0;
  const up = tint(tableColor(color === true ? 'accent' : color, theme), BAR_SHARE);
  const down = tint(tableColor('negative', theme), BAR_SHARE);
  const cells = values.map((v): BarCell | undefined => {
    if (v === null || !Number.isFinite(v) || span === 0 || v === 0) return undefined;
    const w = Math.abs(v) / span;
    return v > 0 ? { x: zero, w, color: up } : { x: Math.max(0, zero - w), w, color: down };
  });
  return { zero, signed: lo < 0, cells };
}
