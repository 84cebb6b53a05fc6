import { checkCellFormat, checkTimeFormat } from '../chart/format.js';

/**
 * Live values in text: `{{ name.field }}` in a heading, a text block or a chart caption stands
 * for a cell of the rows of a chart (`charts:`) or a named query (`values:`). The grammar, kept
 * small on purpose:
 *
 *   {{ ref [| filter] }}
 *   ref     name.field            the first row
 *           name[2].field         the row at an index (0 is the first)
 *           name[region=EMEA].field   the first row whose `region` is EMEA (the value may be quoted)
 *   filter  currency | percent(n) | number(n) | date('%b %Y') | ',.0f' (any d3-format or
 *           d3-time-format string, quoted)
 *
 * `params.<name>` is the value of a report param. Names and fields are letters, digits, `_` and
 * `-`, not starting with a digit. `\{{` writes `{{`.
 */

/** The name that refers to the report's params (`{{ params.region }}`) rather than to rows. */
export const PARAMS = 'params';

/** How a value is written. */
export type ValueFilter =
  | { readonly kind: 'currency' }
  | { readonly kind: 'percent' | 'number'; readonly digits: number }
  | { readonly kind: 'date' | 'format'; readonly format: string };

/** Which row of the rows a reference reads. */
export type RowPick =
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'match'; readonly field: string; readonly value: string };

/** One `{{ ... }}`. */
export interface ValueRef {
  /** The reference as written, between the braces, trimmed (for messages). */
  readonly source: string;
  readonly name: string;
  readonly row: RowPick;
  readonly field: string;
  readonly filter?: ValueFilter | undefined;
}

/** A text cut into literal parts and references. */
export type TemplatePart = string | ValueRef;

/** A malformed reference: what is wrong, and at which 0-based offset of the text. */
export interface TemplateError {
  readonly message: string;
  readonly offset: number;
}

const OPEN = '{{';
const CLOSE = '}}';
const NAME = /^[A-Za-z_][\w-]*/;

/** Whether `text` holds a reference at all (cheap; `parseTemplate` tells whether it is well-formed). */
export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/** The parts of `text`, or the first malformed reference. */
export function parseTemplate(text: string): TemplatePart[] | TemplateError {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf(OPEN, i);
    if (open < 0) {
      literal += text.slice(i);
      break;
    }
    if (open > 0 && text[open - 1] === '\\') {
      literal += `${text.slice(i, open - 1)}${OPEN}`;
      i = open + OPEN.length;
      continue;
    }
    literal += text.slice(i, open);
    const close = closeOf(text, open + OPEN.length);
    if (close < 0) return { message: 'a "{{" is not closed by "}}"', offset: open };
    const ref = parseRef(text.slice(open + OPEN.length, close), open + OPEN.length);
    if ('message' in ref) return ref;
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(ref);
    i = close + CLOSE.length;
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/** Offset of the `}}` closing a reference that starts at `from`, skipping quoted text; -1: none. */
function closeOf(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\n') return -1;
    else if (text.startsWith(CLOSE, i)) return i;
  }
  return -1;
}

/** Reads one reference; `base` is the offset of `body` in the text, for errors. */
function parseRef(body: string, base: number): ValueRef | TemplateError {
  let i = 0;
  const fail = (message: string): TemplateError => ({ message, offset: base + i });
  const space = () => {
    while (body[i] === ' ' || body[i] === '\t') i++;
  };
  const word = (what: string): string | TemplateError => {
    const m = NAME.exec(body.slice(i));
    if (!m) return fail(`expected ${what}${i < body.length ? `, got "${body[i]}"` : ''}`);
    i += m[0].length;
    return m[0];
  };
  const quoted = (): string | TemplateError => {
    const q = body[i];
    if (q !== "'" && q !== '"') return fail('expected a quoted format');
    const end = body.indexOf(q, i + 1);
    if (end < 0) return fail('a quote is not closed');
    const s = body.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  space();
  const name = word('a chart or value name');
  if (typeof name !== 'string') return name;
  let row: RowPick = { kind: 'index', index: 0 };
  if (body[i] === '[') {
    i++;
    space();
    const digits = /^\d+/.exec(body.slice(i));
    if (digits) {
      i += digits[0].length;
      row = { kind: 'index', index: Number(digits[0]) };
    } else {
      const field = word('a row index or field=value');
      if (typeof field !== 'string') return field;
      space();
      if (body[i] !== '=') return fail('expected "=" after the field of a row match');
      i++;
      space();
      let value: string;
      if (body[i] === "'" || body[i] === '"') {
        const q = quoted();
        if (typeof q !== 'string') return q;
        value = q;
      } else {
        const end = body.indexOf(']', i);
        if (end < 0) return fail('a "[" is not closed by "]"');
        value = body.slice(i, end).trim();
        if (value === '') return fail('expected a value after "="');
        i = end;
      }
      row = { kind: 'match', field, value };
    }
    space();
    if (body[i] !== ']') return fail('a "[" is not closed by "]"');
    i++;
  }
  if (body[i] !== '.') return fail(`expected "." and a field after "${body.slice(0, i).trim()}"`);
  i++;
  const field = word('a field name');
  if (typeof field !== 'string') return field;
  space();
  let filter: ValueFilter | undefined;
  if (body[i] === '|') {
    i++;
    space();
    const f = parseFilter();
    if ('message' in f) return f;
    filter = f;
    space();
  }
  if (i < body.length) return fail(`unexpected "${body.slice(i).trim()}"`);
  return { source: body.trim(), name, row, field, filter };

  function parseFilter(): ValueFilter | TemplateError {
    const at = i;
    if (body[i] === "'" || body[i] === '"') {
      const format = quoted();
      if (typeof format !== 'string') return format;
      const wrong = checkCellFormat(format);
      return wrong === undefined ? { kind: 'format', format } : { message: wrong, offset: base + at };
    }
    const kind = word("a filter: currency, percent(n), number(n), date('%b %Y') or a quoted format");
    if (typeof kind !== 'string') return kind;
    const arg = (): string | TemplateError | undefined => {
      space();
      if (body[i] !== '(') return undefined;
      i++;
      space();
      let out: string | TemplateError;
      if (kind === 'date') out = quoted();
      else {
        const m = /^\d{1,2}/.exec(body.slice(i));
        if (!m) return fail(`expected the number of decimals of ${kind}(n), 0 to 20`);
        i += m[0].length;
        out = m[0];
      }
      space();
      if (body[i] !== ')') return fail(`expected ")" closing ${kind}(`);
      i++;
      return out;
    };
    switch (kind) {
      case 'currency':
        return { kind };
      case 'percent':
      case 'number': {
        const n = arg();
        if (typeof n === 'object') return n;
        const digits = n === undefined ? 0 : Number(n);
        if (digits > 20) return { message: `${kind}(${n}) has more than 20 decimals`, offset: base + at };
        return { kind, digits };
      }
      case 'date': {
        const format = arg();
        if (typeof format === 'object') return format;
        if (format === undefined)
          return { message: "date needs a format, e.g. date('%b %Y')", offset: base + at };
        const wrong = checkTimeFormat(format);
        return wrong === undefined ? { kind, format } : { message: wrong, offset: base + at };
      }
      default:
        return {
          message: `unknown filter "${kind}"; use currency, percent(n), number(n), date('%b %Y') or a quoted format`,
          offset: base + at,
        };
    }
  }
}

/** "column 12", or "line 2, column 5" in a text of several lines (both 1-based). */
export function positionOf(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return text.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
}

/** The references of `text` (none when it holds none or is malformed: validation reports that). */
export function templateRefs(text: string): ValueRef[] {
  if (!hasTemplate(text)) return [];
  const parts = parseTemplate(text);
  return Array.isArray(parts) ? parts.filter((p): p is ValueRef => typeof p !== 'string') : [];
}
