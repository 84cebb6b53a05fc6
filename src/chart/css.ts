import { isXmlChar } from './xml-chars.js';

/**
 * CSS (a `style` attribute, a `<style>` element, a presentation attribute) with every reference
 * to an outside resource neutralised, for SVG that must stay self-contained and inert:
 * - `url(...)` and `src(...)` whose target is not local (`#id`) or an embedded raster image
 *   (`data:image/png|jpeg|gif|webp;base64,...`) become `none`;
 * - image functions that take bare strings as addresses (`image-set()`, `image()`,
 *   `cross-fade()`, `element()`...) become `none`;
 * - `@import` becomes `@-import`, an unknown rule that engines skip;
 * - escapes are decoded first (`u\72l(` is `url(`), so that they cannot spell these names.
 * The result is a fixed point: cleaning it again returns it unchanged. One pass, linear time.
 */
export function cleanCss(css: string): string {
  // Most values (transforms, colours, fonts) name none of these: skip the scan.
  if (!SUSPECT.test(css)) return css;
  const s = css.includes('\\') ? unescapeCss(css) : css;
  let out = '';
  let from = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x40 /* @ */) {
      const end = identEnd(s, i + 1);
      if (s.slice(i + 1, end).toLowerCase() === 'import') {
        out += `${s.slice(from, i + 1)}-`;
        from = i + 1;
      }
      i = Math.max(end, i + 1);
      continue;
    }
    if (!isIdentChar(c)) {
      i++;
      continue;
    }
    const end = identEnd(s, i);
    if (s.charCodeAt(end) !== 0x28 /* ( */) {
      i = end;
      continue;
    }
    const name = s.slice(i, end).toLowerCase();
    if (name === 'url' || name === 'src') {
      const { arg, next } = urlArgument(s, end + 1);
      if (!isSafeUrl(arg)) {
        out += `${s.slice(from, i)}none`;
        from = next;
      }
      i = next;
      continue;
    }
    if (IMAGE_FUNCTIONS.has(name)) {
      out += `${s.slice(from, i)}none`;
      from = i = closingParen(s, end + 1);
      continue;
    }
    i = end;
  }
  return from === 0 ? s : out + s.slice(from);
}

const SUSPECT = /[\\@]|url|src|image|element|cross-fade/i;

/** CSS functions that accept a plain string as an image address. */
const IMAGE_FUNCTIONS = new Set([
  'image',
  'image-set',
  '-webkit-image-set',
  'cross-fade',
  '-webkit-cross-fade',
  'element',
  '-moz-element',
  '-moz-image-rect',
]);

const SAFE_DATA = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$/i;

/**
 * Whether an address (already entity-decoded) points inside the document (`#id`) or is an
 * embedded raster image as a base64 `data:` URI. Anything else (`http:`, `file:`, `javascript:`,
 * absolute or relative paths, an empty address) may reach outside the document.
 */
export function isSafeUrl(address: string): boolean {
  // Browsers drop ASCII whitespace and controls inside URLs (`java\tscript:`): so does the check.
  const url = hasNoise(address) ? [...address].filter((c) => c.charCodeAt(0) > 0x20).join('') : address;
  if (url.length > 1 && url.charCodeAt(0) === 0x23 /* # */) return true;
  return SAFE_DATA.test(url);
}

/**
 * CSS with its escapes decoded (`\\72 ` is `r`, `\\(` is `(`), as a CSS engine reads it. A decoded
 * backslash or a character XML forbids is dropped, so the result holds no escape at all.
 */
function unescapeCss(css: string): string {
  let out = '';
  let i = 0;
  while (i < css.length) {
    const slash = css.indexOf('\\', i);
    if (slash < 0) break;
    out += css.slice(i, slash);
    let j = slash + 1;
    let hex = 0;
    while (hex < 6 && isHex(css.charCodeAt(j + hex))) hex++;
    let char: string;
    if (hex > 0) {
      const cp = Number.parseInt(css.slice(j, j + hex), 16);
      char = isXmlChar(cp) && cp !== 0x5c ? String.fromCodePoint(cp) : '';
      j += hex;
      if (isSpace(css.charCodeAt(j))) j++;
    } else {
      const cp = css.codePointAt(j);
      char = cp === undefined || cp === 0x0a || cp === 0x5c ? '' : String.fromCodePoint(cp);
      j += cp !== undefined && cp > 0xffff ? 2 : j < css.length ? 1 : 0;
    }
    out += char;
    i = j;
  }
  return out + css.slice(i);
}

/** Index after the `)` that closes a function whose arguments start at `start` (quotes skipped). */
function closingParen(s: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '"' || ch === "'") {
      const close = s.indexOf(ch, i + 1);
      if (close < 0) return s.length;
      i = close + 1;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
    i++;
  }
  return s.length;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hasNoise(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) <= 0x20) return true;
  return false;
}

/** The argument of `url(` starting at `start`, unquoted, and the index after its `)`. */
function urlArgument(s: string, start: number): { arg: string; next: number } {
  let i = start;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const q = s[i];
  if (q === '"' || q === "'") {
    const close = s.indexOf(q, i + 1);
    if (close < 0) return { arg: s.slice(i + 1), next: s.length };
    const paren = s.indexOf(')', close + 1);
    return { arg: s.slice(i + 1, close), next: paren < 0 ? s.length : paren + 1 };
  }
  const paren = s.indexOf(')', i);
  if (paren < 0) return { arg: s.slice(i), next: s.length };
  return { arg: s.slice(i, paren), next: paren + 1 };
}

function identEnd(s: string, start: number): number {
  let i = start;
  while (i < s.length && isIdentChar(s.charCodeAt(i))) i++;
  return i;
}

function isIdentChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x5f ||
    c >= 0x80
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;
}
