/**
 * The characters a page or an SVG draws, per font weight: what its embedded font subsets must
 * hold. A small scanner over tags and text (the markup is chartpress's own: the page it writes
 * and the sanitised SVGs inside it), tracking the weight each element draws with.
 */

/** Code points drawn, per CSS font weight (100..900). */
export type DrawnText = Map<number, Set<number>>;

/** How an HTML element sets the weight of its text; the rest inherit it. */
export interface HtmlWeights {
  /** Weight by tag name (`h1`, `th`...). A number, or `'bolder'` as `<b>` and `<strong>` do. */
  readonly tags: Readonly<Record<string, number | 'bolder'>>;
  /** Weight by class name, for elements whose tag has no rule. */
  readonly classes: Readonly<Record<string, number>>;
}

const NO_HTML_RULES: HtmlWeights = { tags: {}, classes: {} };

/** Elements whose content is not drawn as text on the page. */
const UNDRAWN = new Set(['head', 'style', 'script', 'title', 'desc', 'metadata', 'template']);
/** HTML elements that never have an end tag. */
const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'wbr', 'col', 'source', 'base']);

const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * The text a page (or a standalone SVG) draws, per weight. SVG text takes its weight from a
 * `font-weight` attribute or style (its own or inherited); HTML elements from `html` rules, which
 * mirror the page's CSS. Text in `<head>`, `<style>`, `<title>`, `<desc>` is not drawn.
 */
export function drawnText(markup: string, html: HtmlWeights = NO_HTML_RULES, base = 400): DrawnText {
  const drawn: DrawnText = new Map();
  const weights: number[] = [base];
  const names: string[] = [];
  let hidden = 0;
  let i = 0;
  while (i < markup.length) {
    const lt = markup.indexOf('<', i);
    const end = lt < 0 ? markup.length : lt;
    if (end > i && hidden === 0 && names.length > 0) add(drawn, weights.at(-1) ?? base, markup.slice(i, end));
    if (lt < 0) break;
    if (markup.startsWith('<!--', lt)) {
      const close = markup.indexOf('-->', lt + 4);
      i = close < 0 ? markup.length : close + 3;
      continue;
    }
    const gt = tagEnd(markup, lt);
    const tag = markup.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('!') || tag.startsWith('?')) continue;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim().toLowerCase();
      const at = names.lastIndexOf(name);
      if (at < 0) continue;
      for (let k = names.length - 1; k >= at; k--) if (UNDRAWN.has(names[k]!)) hidden--;
      names.length = at;
      weights.length = at + 1;
      continue;
    }
    const name = /^[^\s/>]+/.exec(tag)?.[0]?.toLowerCase() ?? '';
    if (tag.endsWith('/') || VOID.has(name)) continue;
    names.push(name);
    weights.push(weightOf(name, tag, weights.at(-1) ?? base, html));
    if (UNDRAWN.has(name)) hidden++;
  }
  return drawn;
}

/** All the code points of `text` (a string of characters) as one set. */
export function codePoints(text: string): Set<number> {
  const out = new Set<number>();
  for (const ch of text) out.add(ch.codePointAt(0) ?? 0);
  return out;
}

/** The index of the `>` that ends the tag at `lt`, past quoted attribute values; the length if none. */
export function tagEnd(s: string, lt: number): number {
  let quote = '';
  for (let j = lt + 1; j < s.length; j++) {
    const ch = s[j];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return j;
  }
  return s.length;
}

function weightOf(name: string, tag: string, inherited: number, html: HtmlWeights): number {
  const own = svgWeight(tag);
  if (own !== undefined) return resolve(own, inherited);
  const rule = html.tags[name];
  if (rule !== undefined) return resolve(rule, inherited);
  const cls = /\sclass\s*=\s*"([^"]*)"/.exec(tag)?.[1];
  if (cls) {
    for (const c of cls.split(/\s+/)) {
      const w = html.classes[c];
      if (w !== undefined) return w;
    }
  }
  return inherited;
}

/** A `font-weight` set in the tag's style (which wins) or as an attribute. */
function svgWeight(tag: string): string | undefined {
  const style = /\sstyle\s*=\s*"([^"]*)"/.exec(tag)?.[1];
  const inStyle = style && /(?:^|;)\s*font-weight\s*:\s*([^;]+)/.exec(style)?.[1];
  if (inStyle) return inStyle.trim();
  return /\sfont-weight\s*=\s*"([^"]*)"/.exec(tag)?.[1]?.trim();
}

/** A CSS font-weight value as a number, relative ones against the inherited weight. */
function resolve(value: string | number, inherited: number): number {
  if (typeof value === 'number') return value;
  switch (value.toLowerCase()) {
    case 'normal':
      return 400;
    case 'bold':
      return 700;
    // The CSS Fonts table for relative weights.
    case 'bolder':
      return inherited < 350 ? 400 : inherited < 550 ? 700 : 900;
    case 'lighter':
      return inherited < 550 ? 100 : inherited < 750 ? 400 : 700;
    default: {
      const n = Number(value);
      return Number.isFinite(n) && n >= 1 && n <= 1000 ? n : inherited;
    }
  }
}

function add(drawn: DrawnText, weight: number, raw: string): void {
  const text = decodeEntities(raw);
  let set = drawn.get(weight);
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    // Line breaks and tabs are laid out as spaces, never drawn as glyphs.
    if (cp < 0x20) continue;
    if (!set) {
      set = new Set();
      drawn.set(weight, set);
    }
    set.add(cp);
  }
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return NAMED[ref.toLowerCase()] ?? all;
  });
}
