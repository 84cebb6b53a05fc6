import { describe, expect, it } from 'vitest';
import { escapeHtml, typstString } from '../../src/document/escape.js';
import { uniqueIds } from '../../src/document/html.js';

describe('typstString', () => {
  it('quotes backslashes, quotes and control characters', () => {
    expect(typstString('a"b\\c\nd\te\u0001')).toBe('"a\\"b\\\\c\\nd\\te\\u{1}"');
  });

  it('writes every control character as an escape and nothing else', () => {
    expect(typstString('a\r\nb')).toBe('"a\\r\\nb"');
    expect(typstString('\u0000\u001f\u007f')).toBe('"\\u{0}\\u{1f}\\u{7f}"');
    // The printable neighbours of the control ranges stay as they are.
    expect(typstString(' ~\u0080é€😀')).toBe('" ~\u0080é€😀"');
  });

  it('leaves markup characters alone: inside a string they are literal', () => {
    expect(typstString('#[]$*_@<>`~//')).toBe('"#[]$*_@<>`~//"');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;',
    );
  });

  it('drops characters XML forbids: control characters, lone surrogates, U+FFFE', () => {
    expect(escapeHtml('a\x01b\x1b[2Jc\ud800d\ufffee\tf')).toBe('ab[2Jcde\tf');
  });
});

describe('uniqueIds', () => {
  it('prefixes ids and the references to them', () => {
    const svg = '<clipPath id="zr-c0"/><path clip-path="url(#zr-c0)"/><use href="#zr-c0"/>';
    expect(uniqueIds(svg, 'c1-')).toBe(
      '<clipPath id="c1-zr-c0"/><path clip-path="url(#c1-zr-c0)"/><use href="#c1-zr-c0"/>',
    );
  });
});
