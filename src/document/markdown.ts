import type { Nodes, Parents, PhrasingContent, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { dropForbiddenXmlChars } from '../chart/xml-chars.js';
import { fillMarks } from './markdown-values.js';

/**
 * The Markdown of `text` blocks, parsed by a CommonMark parser (micromark, through
 * mdast-util-from-markdown) into the small model below, which the Typst and HTML writers set.
 * Only what a report's prose needs survives: paragraphs, emphasis, strong, inline code, links to
 * http(s) and mailto, hard line breaks, bullet and numbered lists, and code blocks. Headings
 * become bold paragraphs, block quotes their content, raw HTML and images their text.
 */

/** Inline content of a paragraph. */
export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'strong' | 'emphasis'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'link'; readonly url: string; readonly children: readonly Inline[] }
  | { readonly kind: 'break' };

/** A block of a text block. */
export type TextBlock =
  | { readonly kind: 'paragraph'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly text: string }
  | {
      readonly kind: 'list';
      readonly ordered: boolean;
      /** Number of the first item of a numbered list. */
      readonly start: number;
      /** Whether no blank line parts its items (or their blocks): items sit close together. */
      readonly tight: boolean;
      readonly items: readonly (readonly TextBlock[])[];
    };

/**
 * Bounds on the Markdown that is parsed; a text past any of them is shown as plain text.
 * CommonMark's emphasis and nesting rules cost more than linear time on some inputs (thousands
 * of `*` or of nested list levels), and these keep every text block to milliseconds.
 */
export const MARKDOWN_LIMITS = {
  /** Characters in one text block. */
  chars: 20_000,
  /** Markdown marks (`*`, `_`, `[`, `]`, `<`, `>`, `` ` ``) in one text block. */
  marks: 1000,
  /** Columns of indentation of a line (nested lists and code blocks). */
  indent: 24,
  /** Levels of nested emphasis, links and lists; deeper content is kept as plain text. */
  depth: 16,
} as const;

const MARKS = /[*_[\]<>`]/g;

/** Whether `text` is within `MARKDOWN_LIMITS` and is parsed as Markdown. */
function parseable(text: string): boolean {
  if (text.length > MARKDOWN_LIMITS.chars) return false;
  if ((text.match(MARKS)?.length ?? 0) > MARKDOWN_LIMITS.marks) return false;
  for (const line of text.split('\n')) {
    let cols = 0;
    for (const ch of line) {
      if (ch === ' ') cols++;
      else if (ch === '\t') cols += 4 - (cols % 4);
      else break;
      if (cols > MARKDOWN_LIMITS.indent) return false;
    }
  }
  return true;
}

/** Only these link targets become links; others (javascript:, data:, relative paths) stay text. */
const SAFE_URL = /^(?:https?:\/\/|mailto:)/i;

/** Text as the reader sees it: soft line breaks are spaces, characters XML forbids are dropped. */
function clean(text: string): string {
  return dropForbiddenXmlChars(text.replace(/\r?\n/g, ' '));
}

/** The plain text of a node and everything under it, without recursion (nesting may be deep). */
function plainText(node: Nodes): string {
  let out = '';
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Nodes;
    if ('value' in n && typeof n.value === 'string') out += n.value;
    else if (n.type === 'image' || n.type === 'imageReference') out += n.alt ?? '';
    else if (n.type === 'break') out += '\n';
    if ('children' in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as Nodes);
  }
  return out;
}

/** Link reference definitions by identifier, for `[text][ref]` links. */
type Definitions = ReadonlyMap<string, string>;

function definitionsOf(root: Parents): Definitions {
  const out = new Map<string, string>();
  for (const n of root.children) if (n.type === 'definition') out.set(n.identifier, n.url);
  return out;
}

function inlines(nodes: readonly PhrasingContent[], defs: Definitions, depth: number): Inline[] {
  const out: Inline[] = [];
  const text = (t: string) => {
    const last = out[out.length - 1];
    if (last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + clean(t) };
    else if (t !== '') out.push({ kind: 'text', text: clean(t) });
  };
  for (const n of nodes) {
    if (depth >= MARKDOWN_LIMITS.depth && n.type !== 'text') {
      text(plainText(n));
      continue;
    }
    switch (n.type) {
      case 'text':
      case 'html':
        text(n.value);
        break;
      case 'inlineCode':
        out.push({ kind: 'code', text: clean(n.value) });
        break;
      case 'strong':
      case 'emphasis':
        out.push({ kind: n.type, children: inlines(n.children, defs, depth + 1) });
        break;
      case 'break':
        out.push({ kind: 'break' });
        break;
      case 'link':
      case 'linkReference': {
        const url = n.type === 'link' ? n.url : defs.get(n.identifier);
        const children = inlines(n.children, defs, depth + 1);
        if (url !== undefined && SAFE_URL.test(url)) out.push({ kind: 'link', url: clean(url), children });
        else {
          // An unsafe target keeps its text and formatting, without the link.
          for (const c of children) {
            if (c.kind === 'text') text(c.text);
            else out.push(c);
          }
        }
        break;
      }
      default:
        text(plainText(n));
    }
  }
  return out;
}

function blocks(nodes: readonly RootContent[], defs: Definitions, depth: number): TextBlock[] {
  const out: TextBlock[] = [];
  for (const n of nodes) {
    switch (n.type) {
      case 'paragraph':
        out.push({ kind: 'paragraph', children: inlines(n.children, defs, depth) });
        break;
      case 'heading':
        out.push({
          kind: 'paragraph',
          children: [{ kind: 'strong', children: inlines(n.children, defs, depth) }],
        });
        break;
      case 'code':
        out.push({ kind: 'code', text: dropForbiddenXmlChars(n.value) });
        break;
      case 'blockquote':
      case 'listItem':
        if (depth >= MARKDOWN_LIMITS.depth) out.push(textParagraph(plainText(n)));
        else out.push(...blocks(n.children, defs, depth + 1));
        break;
      case 'list':
        if (depth >= MARKDOWN_LIMITS.depth) out.push(textParagraph(plainText(n)));
        else {
          out.push({
            kind: 'list',
            ordered: n.ordered === true,
            start: n.start ?? 1,
            tight: n.spread !== true && n.children.every((item) => item.spread !== true),
            items: n.children.map((item) => blocks(item.children, defs, depth + 1)),
          });
        }
        break;
      case 'definition':
      case 'thematicBreak':
        break;
      default: {
        const t = plainText(n);
        if (t.trim() !== '') out.push(textParagraph(t));
      }
    }
  }
  return out;
}

function textParagraph(text: string): TextBlock {
  return { kind: 'paragraph', children: [{ kind: 'text', text: clean(text) }] };
}

/**
 * The blocks of a `text` block: its Markdown, or, past `MARKDOWN_LIMITS`, its paragraphs
 * (separated by blank lines) as plain text. With `values`, the text's value marks (see
 * pipeline/values.ts) are replaced by them once it is parsed.
 */
export function parseMarkdown(text: string, values?: readonly string[]): TextBlock[] {
  if (values !== undefined) return fillMarks(parseMarkdown(text), values);
  if (!parseable(text)) {
    return text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map(textParagraph);
  }
  const root = fromMarkdown(text);
  return blocks(root.children, definitionsOf(root), 0);
}
