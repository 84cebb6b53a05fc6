import { cleanCss, isSafeUrl } from './css.js';
import { dropForbiddenXmlChars, forbiddenXmlChar, isXmlChar } from './xml-chars.js';

/**
 * The one SVG sanitiser. Every SVG a document uses (ECharts output, custom renderers, cache
 * entries) passes through it, so that a chart can neither run code nor reach outside the
 * document in HTML, and Typst always receives well-formed XML.
 *
 * It is a hand-written scanner over tags, attributes and text: one pass, linear time, no DOM,
 * no regular expression that can backtrack. Elements are kept only when their name is on a list
 * of static SVG elements (an allow-list: `<SCRIPT>`, `<svg:script>`, `<iframe>`, animation
 * elements that could rewrite an `href` are all outside it); everything else is removed with its
 * content. Clean input is returned byte for byte, so that ECharts output is untouched.
 */

/** Why this SVG may not be used as it is, or undefined when it is clean: checks it is one well-formed XML element tree whose root is <svg>, with no DOCTYPE/ENTITY, no XML-forbidden characters, and nothing sanitizeSvg would remove. Linear time, builds no DOM. */
export function svgProblem(svg: string): string | undefined {
  if (typeof svg !== 'string') return 'not a string';
  const bad = forbiddenXmlChar(svg);
  if (bad >= 0) {
    const cp = svg.codePointAt(bad) ?? 0;
    return `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} at offset ${bad}, which XML forbids`;
  }
  try {
    new Scanner(svg, true).run();
    return undefined;
  } catch (err) {
    if (err instanceof Unclean) return err.reason;
    if (err instanceof MalformedSvg) return err.message;
    throw err;
  }
}

/** The SVG with everything unsafe removed: <script>, <foreignObject> (and their content), on* attributes, href/xlink:href/src that are not local (`#id`) or `data:image/(png|jpeg|gif|webp);base64,...`, url(...) references in style/attributes that are not `#id` or such data: URIs, <!DOCTYPE>/<!ENTITY>, processing instructions other than the leading <?xml ...?>; characters XML 1.0 forbids are dropped. Throws an Error (message says why) when the input is not a well-formed SVG it can repair. */
export function sanitizeSvg(svg: string): string {
  if (typeof svg !== 'string') throw new MalformedSvg('not a string');
  return new Scanner(dropForbiddenXmlChars(svg), false).run();
}

/** The SVG elements a chart may hold: static drawing, text, paint servers, filters. */
/**
 * Elements that hold text only. An HTML page reads markup inside them by HTML's rules (an
 * `<image>` there becomes an `<img>`), so any element inside them is removed.
 */
const TEXT_ONLY = new Set(['title', 'desc']);

const ELEMENTS = new Set([
  'a',
  'circle',
  'clipPath',
  'defs',
  'desc',
  'ellipse',
  'feBlend',
  'feColorMatrix',
  'feComponentTransfer',
  'feComposite',
  'feConvolveMatrix',
  'feDiffuseLighting',
  'feDisplacementMap',
  'feDistantLight',
  'feDropShadow',
  'feFlood',
  'feFuncA',
  'feFuncB',
  'feFuncG',
  'feFuncR',
  'feGaussianBlur',
  'feImage',
  'feMerge',
  'feMergeNode',
  'feMorphology',
  'feOffset',
  'fePointLight',
  'feSpecularLighting',
  'feSpotLight',
  'feTile',
  'feTurbulence',
  'filter',
  'g',
  'image',
  'line',
  'linearGradient',
  'marker',
  'mask',
  'metadata',
  'path',
  'pattern',
  'polygon',
  'polyline',
  'radialGradient',
  'rect',
  'stop',
  'style',
  'svg',
  'switch',
  'symbol',
  'text',
  'textPath',
  'title',
  'tspan',
  'use',
  'view',
]);

/** A reason why the input is not clean (check mode stops at the first). */
class Unclean {
  constructor(readonly reason: string) {}
}

/** The input is not a well-formed SVG document. */
class MalformedSvg extends Error {
  constructor(why: string) {
    super(`not a well-formed SVG: ${why}`);
    this.name = 'MalformedSvg';
  }
}

interface Attribute {
  name: string;
  /** Index of the whitespace before the name. */
  start: number;
  /** Index after the closing quote. */
  end: number;
  quote: string;
  decoded: string;
  /** The raw value without references to forbidden characters, when it had some. */
  fixed: string | undefined;
}

interface StyleText {
  /** Index after the `<style>` start tag. */
  start: number;
  depth: number;
  parts: string[];
  /** Something inside (a comment, an element, a character reference) must go. */
  dirty: boolean;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// The XML declaration may only hold pseudo-attributes: nothing an HTML parser could read as markup.
const XML_DECL = /^[A-Za-z0-9\s.:="'_-]*$/;

class Scanner {
  private readonly parts: string[] = [];
  /** Start of the input not yet copied to the output. */
  private from = 0;
  private readonly stack: string[] = [];
  /** Stack depth at which a removed element started, or -1. */
  private dropDepth = -1;
  private dropStart = 0;
  private style: StyleText | undefined;
  private rootDone = false;

  constructor(
    private readonly s: string,
    private readonly check: boolean,
  ) {}

  run(): string {
    const s = this.s;
    let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (s.startsWith('<?xml', i) && isSpace(s.charCodeAt(i + 5))) i = this.xmlDeclaration(i);
    while (i < s.length) {
      if (s.charCodeAt(i) === 0x3c /* < */) i = this.markup(i);
      else if (this.stack.length > 0) i = this.text(i);
      else if (isSpace(s.charCodeAt(i))) i++;
      else throw new MalformedSvg(`text outside the root element at offset ${i}`);
    }
    const open = this.stack.at(-1);
    if (open !== undefined) throw new MalformedSvg(`<${open}> is never closed`);
    if (!this.rootDone) throw new MalformedSvg('no <svg> root element');
    this.parts.push(s.slice(this.from));
    return this.parts.join('');
  }

  /** Notes a change: in check mode, the first one is the answer. */
  private change(reason: string): void {
    if (this.check) throw new Unclean(reason);
  }

  /** Replaces the input from `start` to `end` by `text` in the output. */
  private replace(start: number, end: number, text: string): void {
    // Inside <style> the whole content is rewritten at its end tag when anything changed.
    if (this.check || this.style !== undefined) return;
    this.parts.push(this.s.slice(this.from, start), text);
    this.from = end;
  }

  private get dropping(): boolean {
    return this.dropDepth >= 0;
  }

  private xmlDeclaration(start: number): number {
    const end = this.s.indexOf('?>', start);
    if (end < 0) throw new MalformedSvg('unterminated XML declaration');
    if (!XML_DECL.test(this.s.slice(start + 5, end))) {
      this.change('XML declaration with unexpected content');
      this.replace(start, end + 2, '');
    }
    return end + 2;
  }

  private markup(i: number): number {
    const s = this.s;
    const c = s.charCodeAt(i + 1);
    if (c === 0x2f /* / */) return this.endTag(i);
    if (c === 0x21 /* ! */) {
      if (s.startsWith('<!--', i)) return this.comment(i);
      if (s.startsWith('<![CDATA[', i)) return this.cdata(i);
      if (s.startsWith('<!DOCTYPE', i) && this.stack.length === 0 && !this.rootDone) return this.doctype(i);
      throw new MalformedSvg(`markup declaration "${s.slice(i, i + 9)}" at offset ${i}`);
    }
    if (c === 0x3f /* ? */) return this.instruction(i);
    return this.startTag(i);
  }

  private comment(i: number): number {
    const end = this.s.indexOf('-->', i + 4);
    if (end < 0) throw new MalformedSvg(`unterminated comment at offset ${i}`);
    if (!this.dropping) {
      this.change('comment');
      if (this.style) this.style.dirty = true;
      this.replace(i, end + 3, '');
    }
    return end + 3;
  }

  private cdata(i: number): number {
    if (this.stack.length === 0)
      throw new MalformedSvg(`CDATA section outside the root element at offset ${i}`);
    const end = this.s.indexOf(']]>', i + 9);
    if (end < 0) throw new MalformedSvg(`unterminated CDATA section at offset ${i}`);
    if (!this.dropping) {
      // Kept as escaped text: HTML reads CDATA differently inside <title>/<desc> (a bogus
      // comment), which would let its content become markup.
      const content = this.s.slice(i + 9, end);
      this.change('CDATA section');
      if (this.style) {
        this.style.parts.push(content);
        this.style.dirty = true;
      }
      this.replace(i, end + 3, escapeText(content));
    }
    return end + 3;
  }

  private doctype(i: number): number {
    const s = this.s;
    let j = i + 9;
    let subset = false;
    for (;;) {
      if (j >= s.length) throw new MalformedSvg(`unterminated DOCTYPE at offset ${i}`);
      const ch = s[j];
      if (ch === '"' || ch === "'") {
        const close = s.indexOf(ch, j + 1);
        if (close < 0) throw new MalformedSvg(`unterminated DOCTYPE at offset ${i}`);
        j = close + 1;
      } else if (subset && s.startsWith('<!--', j)) {
        const close = s.indexOf('-->', j + 4);
        if (close < 0) throw new MalformedSvg(`unterminated DOCTYPE at offset ${i}`);
        j = close + 3;
      } else if (ch === '[') {
        subset = true;
        j++;
      } else if (ch === ']') {
        subset = false;
        j++;
      } else if (ch === '>' && !subset) {
        break;
      } else {
        j++;
      }
    }
    this.change('DOCTYPE declaration');
    this.replace(i, j + 1, '');
    return j + 1;
  }

  private instruction(i: number): number {
    const end = this.s.indexOf('?>', i + 2);
    if (end < 0) throw new MalformedSvg(`unterminated processing instruction at offset ${i}`);
    const target = this.s.slice(i + 2, nameEnd(this.s, i + 2));
    if (target.toLowerCase() === 'xml') throw new MalformedSvg(`XML declaration not at the start`);
    if (!this.dropping) {
      this.change(`processing instruction <?${target}`);
      if (this.style) this.style.dirty = true;
      this.replace(i, end + 2, '');
    }
    return end + 2;
  }

  private startTag(i: number): number {
    const s = this.s;
    const end = nameEnd(s, i + 1);
    if (end === i + 1) throw new MalformedSvg(`"<" not followed by a name at offset ${i}`);
    const name = s.slice(i + 1, end);
    if (this.rootDone) throw new MalformedSvg(`second root element <${name}>`);
    if (this.stack.length === 0 && localName(name) !== 'svg') {
      throw new MalformedSvg(`the root element is <${name}>, not <svg>`);
    }
    const attributes: Attribute[] = [];
    let seen: Set<string> | undefined;
    let j = end;
    let selfClosing = false;
    for (;;) {
      const space = j;
      while (j < s.length && isSpace(s.charCodeAt(j))) j++;
      const ch = s[j];
      if (ch === '>') break;
      if (ch === '/' && s[j + 1] === '>') {
        selfClosing = true;
        j++;
        break;
      }
      if (j === space || ch === undefined) throw new MalformedSvg(`bad start tag <${name}> at offset ${i}`);
      const attribute = this.attribute(space, j, name);
      // A linear search while the list is short (the usual case), a set beyond.
      if (attributes.length >= 16) seen ??= new Set(attributes.map((a) => a.name));
      if (seen ? seen.has(attribute.name) : attributes.some((a) => a.name === attribute.name)) {
        throw new MalformedSvg(`duplicate attribute ${attribute.name} on <${name}>`);
      }
      seen?.add(attribute.name);
      attributes.push(attribute);
      j = attribute.end;
    }
    const tagEnd = j + 1;
    if (!this.dropping) this.keepOrDrop(i, tagEnd, name, attributes, selfClosing);
    if (!selfClosing) this.stack.push(name);
    else if (this.stack.length === 0) this.rootDone = true;
    return tagEnd;
  }

  private attribute(start: number, at: number, element: string): Attribute {
    const s = this.s;
    const end = nameEnd(s, at);
    if (end === at) throw new MalformedSvg(`bad attribute on <${element}> at offset ${at}`);
    const name = s.slice(at, end);
    let j = end;
    while (isSpace(s.charCodeAt(j))) j++;
    if (s[j] !== '=') throw new MalformedSvg(`attribute ${name} on <${element}> has no value`);
    j++;
    while (isSpace(s.charCodeAt(j))) j++;
    const quote = s[j];
    if (quote !== '"' && quote !== "'") {
      throw new MalformedSvg(`attribute ${name} on <${element}> is not quoted`);
    }
    const close = s.indexOf(quote, j + 1);
    if (close < 0) throw new MalformedSvg(`unterminated attribute ${name} on <${element}>`);
    const raw = s.slice(j + 1, close);
    if (raw.includes('<')) throw new MalformedSvg(`"<" in attribute ${name} on <${element}>`);
    const { decoded, fixed } = decode(raw);
    return { name, start, end: close + 1, quote, decoded, fixed };
  }

  /** Writes a start tag as it is, rewritten, or starts removing the element. */
  private keepOrDrop(i: number, tagEnd: number, name: string, attributes: Attribute[], selfClosing: boolean) {
    const local = localName(name);
    const parent = this.stack.at(-1);
    const why = this.style
      ? `<${name}> inside <style>`
      : parent !== undefined && TEXT_ONLY.has(localName(parent))
        ? `<${name}> inside <${parent}>`
        : ELEMENTS.has(local)
          ? undefined
          : `<${name}> element`;
    if (why !== undefined) {
      this.change(why);
      if (this.style) this.style.dirty = true;
      if (selfClosing) this.replace(i, tagEnd, '');
      else {
        this.dropDepth = this.stack.length;
        this.dropStart = i;
      }
      return;
    }
    let rewritten: string | undefined;
    let last = i + 1 + name.length;
    for (const a of attributes) {
      const verdict = judge(a, local);
      if (verdict.keep === true && a.fixed === undefined) continue;
      this.change(verdict.keep === true ? `reference to a forbidden character in ${a.name}` : verdict.why);
      rewritten = (rewritten ?? `<${name}`) + this.s.slice(last, a.start);
      if (verdict.keep === true) rewritten += ` ${a.name}=${a.quote}${a.fixed}${a.quote}`;
      else if (verdict.keep === 'as') rewritten += ` ${a.name}="${escapeAttribute(verdict.value)}"`;
      last = a.end;
    }
    if (rewritten !== undefined) this.replace(i, tagEnd, rewritten + this.s.slice(last, tagEnd));
    if (local === 'style' && !selfClosing) {
      this.style = { start: tagEnd, depth: this.stack.length + 1, parts: [], dirty: false };
    }
  }

  private endTag(i: number): number {
    const s = this.s;
    const end = nameEnd(s, i + 2);
    const name = s.slice(i + 2, end);
    let j = end;
    while (isSpace(s.charCodeAt(j))) j++;
    if (s[j] !== '>' || name === '') throw new MalformedSvg(`bad end tag at offset ${i}`);
    const open = this.stack.pop();
    if (open !== name) {
      throw new MalformedSvg(
        open === undefined ? `</${name}> closes nothing` : `</${name}> closes <${open}> at offset ${i}`,
      );
    }
    if (this.dropDepth === this.stack.length) {
      this.dropDepth = -1;
      this.replace(this.dropStart, j + 1, '');
    } else if (this.style !== undefined && this.style.depth === this.stack.length + 1) {
      this.endStyle(i);
    }
    if (this.stack.length === 0) this.rootDone = true;
    return j + 1;
  }

  /** Cleans the CSS of a `<style>` element, rewriting its content when anything changed. */
  private endStyle(endTagStart: number): void {
    const style = this.style!;
    this.style = undefined;
    const css = style.parts.join('');
    const clean = cleanCss(css);
    if (clean !== css) this.change('external reference in <style>');
    if (style.dirty || clean !== css) this.replace(style.start, endTagStart, escapeText(clean));
  }

  private text(i: number): number {
    const s = this.s;
    let end = s.indexOf('<', i);
    if (end < 0) end = s.length;
    // Searches stay inside this run of text, so that the scan is linear in the whole input.
    const run = s.slice(i, end);
    const keep = !this.dropping;
    let decoded = '';
    let from = 0;
    let amp = run.indexOf('&');
    let cdataEnd = keep ? run.indexOf(']]>') : -1;
    while (amp >= 0 || cdataEnd >= 0) {
      if (amp >= 0 && (cdataEnd < 0 || amp < cdataEnd)) {
        const ref = reference(s, i + amp);
        if (ref.char === undefined && keep) {
          this.change('reference to a character XML forbids');
          if (this.style) this.style.dirty = true;
          this.replace(i + amp, ref.end, '');
        }
        decoded += run.slice(from, amp) + (ref.char ?? '');
        from = ref.end - i;
        amp = run.indexOf('&', from);
      } else {
        // Not allowed in XML text: written escaped.
        this.change('"]]>" in text');
        if (this.style) this.style.dirty = true;
        this.replace(i + cdataEnd + 2, i + cdataEnd + 3, '&gt;');
        cdataEnd = run.indexOf(']]>', cdataEnd + 1);
      }
    }
    if (keep && this.style) this.style.parts.push(decoded + run.slice(from));
    return end;
  }
}

type Verdict = { keep: true } | { keep: false; why: string } | { keep: 'as'; value: string; why: string };

/** What happens to an attribute of a kept element. */
function judge(a: Attribute, element: string): Verdict {
  const colon = a.name.indexOf(':');
  const prefix = colon < 0 ? '' : a.name.slice(0, colon);
  if (a.name === 'xmlns' || prefix === 'xmlns') return { keep: true };
  const local = a.name.slice(colon + 1).toLowerCase();
  if (local.startsWith('on')) return { keep: false, why: `event handler ${a.name} on <${element}>` };
  if (local === 'href' || local === 'src' || local === 'srcset' || local === 'ping') {
    return isSafeUrl(a.decoded)
      ? { keep: true }
      : { keep: false, why: `external reference ${a.name}="${clip(a.decoded)}" on <${element}>` };
  }
  if (local === 'base') return { keep: false, why: `${a.name} on <${element}>` };
  if (local === 'style') {
    const clean = cleanCss(a.decoded);
    return clean === a.decoded
      ? { keep: true }
      : { keep: 'as', value: clean, why: `external reference in the style of <${element}>` };
  }
  // Presentation attributes (fill, filter, clip-path, mask...) are CSS values too.
  if (a.decoded.includes('(') && cleanCss(a.decoded) !== a.decoded) {
    return { keep: false, why: `external reference ${a.name}="${clip(a.decoded)}" on <${element}>` };
  }
  return { keep: true };
}

/** An attribute value's text, and the raw value without references to forbidden characters. */
function decode(raw: string): { decoded: string; fixed: string | undefined } {
  let amp = raw.indexOf('&');
  if (amp < 0) return { decoded: raw, fixed: undefined };
  let decoded = '';
  let fixed = '';
  let dropped = false;
  let from = 0;
  while (amp >= 0) {
    const ref = reference(raw, amp);
    decoded += raw.slice(from, amp) + (ref.char ?? '');
    fixed += raw.slice(from, ref.char === undefined ? amp : ref.end);
    if (ref.char === undefined) dropped = true;
    from = ref.end;
    amp = raw.indexOf('&', from);
  }
  decoded += raw.slice(from);
  fixed += raw.slice(from);
  return { decoded, fixed: dropped ? fixed : undefined };
}

/** The entity or character reference at `amp`: its character (undefined when XML forbids it). */
function reference(s: string, amp: number): { char: string | undefined; end: number } {
  const semi = s.indexOf(';', amp + 1);
  // Longest reference: `&#x10FFFF;` or `&#1114111;`, with a few leading zeros allowed.
  if (semi < 0 || semi - amp > 12) throw new MalformedSvg(`"&" that starts no reference at offset ${amp}`);
  const body = s.slice(amp + 1, semi);
  const named = PREDEFINED[body];
  if (named !== undefined && Object.hasOwn(PREDEFINED, body)) return { char: named, end: semi + 1 };
  const hex = body.startsWith('#x');
  const digits = body.slice(hex ? 2 : 1);
  if (body[0] !== '#' || digits === '' || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) {
    throw new MalformedSvg(`unknown reference &${clip(body)}; at offset ${amp}`);
  }
  const cp = Number.parseInt(digits, hex ? 16 : 10);
  if (cp > 0x10ffff) throw new MalformedSvg(`reference &${body}; beyond Unicode`);
  return { char: isXmlChar(cp) ? String.fromCodePoint(cp) : undefined, end: semi + 1 };
}

function nameEnd(s: string, start: number): number {
  let i = start;
  const first = s.charCodeAt(i);
  if (!(isLetter(first) || first === 0x5f || first === 0x3a || first >= 0x80)) return i;
  i++;
  for (;;) {
    const c = s.charCodeAt(i);
    if (isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e) i++;
    else if (c >= 0x80 && c !== 0xa0 && c !== 0xfeff) i++;
    else return i;
  }
}

function localName(name: string): string {
  return name.slice(name.lastIndexOf(':') + 1);
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&quot;'));
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
