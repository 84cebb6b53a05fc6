/**
 * The tokens of a `calculate` expression: numbers, strings ('…' or "…", a quote inside doubled
 * or after a backslash), names (bare, or backquoted for names with spaces), operators and
 * parentheses. Hand-written: an expression is
 * never handed to `eval`.
 */

/** A mistake in an expression, at a character of it (0-based). */
export class ExpressionError extends Error {
  constructor(
    message: string,
    /** Index of the character the mistake is at. */
    readonly at: number,
    /** How to mend it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export type Token =
  | { readonly kind: 'number'; readonly value: number; readonly at: number; readonly end: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number; readonly end: number }
  /** A name: bare (`revenue`, which may be a keyword or a function) or backquoted (`quoted`). */
  | {
      readonly kind: 'name';
      readonly value: string;
      readonly quoted: boolean;
      readonly at: number;
      readonly end: number;
    }
  | { readonly kind: 'op'; readonly value: string; readonly at: number; readonly end: number }
  | { readonly kind: 'end'; readonly at: number; readonly end: number };

const OPERATORS = ['==', '!=', '<>', '<=', '>=', '+', '-', '*', '/', '%', '=', '<', '>', '(', ')', ','];
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
};
const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_]/u;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** The tokens of `text`, ending with an `end` token. Throws `ExpressionError`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && /\d/.test(text[i + 1] ?? ''))) {
      const match = NUMBER.exec(text.slice(i, i + 400))?.[0] ?? '';
      const value = Number(match);
      if (!Number.isFinite(value)) throw new ExpressionError(`number ${match} is too large`, i);
      if (NAME_START.test(text[i + match.length] ?? '') || /\d/.test(text[i + match.length] ?? ''))
        throw new ExpressionError(`unexpected "${text[i + match.length]}" after the number ${match}`, i);
      tokens.push({ kind: 'number', value, at: i, end: i + match.length });
      i += match.length;
    } else if (c === "'" || c === '"') {
      const end = readString(text, i);
      tokens.push({ kind: 'string', value: end.value, at: i, end: end.end });
      i = end.end;
    } else if (c === '`') {
      const end = readQuotedName(text, i);
      tokens.push({ kind: 'name', value: end.value, quoted: true, at: i, end: end.end });
      i = end.end;
    } else if (NAME_START.test(String.fromCodePoint(text.codePointAt(i)!))) {
      let j = i;
      while (j < n) {
        const ch = String.fromCodePoint(text.codePointAt(j)!);
        if (!NAME_PART.test(ch)) break;
        j += ch.length;
      }
      tokens.push({ kind: 'name', value: text.slice(i, j), quoted: false, at: i, end: j });
      i = j;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op === undefined) {
        const hint =
          c === '&' || c === '|'
            ? 'write "and" and "or"'
            : c === '!'
              ? 'write "not" (or != for "not equal")'
              : 'operators are + - * / % = != < <= > >=, and, or, not; quote names with spaces in backquotes, e.g. `Cost Total $`';
        throw new ExpressionError(`unexpected character "${c}"`, i, hint);
      }
      tokens.push({ kind: 'op', value: op, at: i, end: i + op.length });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', at: n, end: n });
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) {
      // A doubled quote is one quote in the text, as in SQL: 'it''s'.
      if (text[i + 1] !== quote) return { value, end: i + 1 };
      value += quote;
      i += 2;
      continue;
    }
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      const escaped = ESCAPES[next];
      if (escaped === undefined)
        throw new ExpressionError(
          `unknown escape "\\${next}" in a string`,
          i,
          String.raw`escapes are \\ \' \" \n \t \r`,
        );
      value += escaped;
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  throw new ExpressionError('the string is not closed', start, `end it with ${quote}`);
}

function readQuotedName(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '`') {
      // A doubled backquote is one backquote in the name.
      if (text[i + 1] === '`') {
        value += '`';
        i += 2;
        continue;
      }
      if (value === '') throw new ExpressionError('empty name in backquotes', start);
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
  throw new ExpressionError('the backquoted name is not closed', start, 'end it with `');
}
