import { dropForbiddenXmlChars } from '../chart/xml-chars.js';

/**
 * A Typst string literal. User text always reaches Typst as a string (`#"..."` in markup), never
 * as markup, so `#`, `[`, `*`, `_`, `$`, `@`, `<`, `//` and friends show literally.
 */
export function typstString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text for HTML element content and attribute values. Characters XML forbids (control
 * characters, lone surrogates, U+FFFE) are dropped: a page shows them as nothing at best.
 */
export function escapeHtml(s: string): string {
  return dropForbiddenXmlChars(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
