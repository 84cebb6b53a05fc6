/**
 * Characters XML 1.0 does not allow anywhere in a document (`Char` production): C0 controls
 * other than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF. The `u`
 * flag makes a lone surrogate one code point that the class excludes.
 */
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const FORBIDDEN_ALL = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** The forbidden characters that are one UTF-16 unit each: all of them but lone surrogates. */
const FORBIDDEN_UNIT = /[^\t\n\r\x20-\uFFFD]/;

/**
 * Whether `text` holds any character XML 1.0 forbids. Two quick scans (units, then surrogate
 * pairs) rather than the code-point class, which reads a large SVG several times slower.
 */
function hasForbidden(text: string): boolean {
  return FORBIDDEN_UNIT.test(text) || !text.isWellFormed();
}

/** Index of the first character XML 1.0 forbids in `text`, or -1. */
export function forbiddenXmlChar(text: string): number {
  if (!hasForbidden(text)) return -1;
  const m = FORBIDDEN.exec(text);
  return m ? m.index : -1;
}

/** `text` without the characters XML 1.0 forbids (returns `text` itself when it has none). */
export function dropForbiddenXmlChars(text: string): string {
  return hasForbidden(text) ? text.replace(FORBIDDEN_ALL, '') : text;
}

/** Whether the code point `cp` may appear in an XML 1.0 document. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}
