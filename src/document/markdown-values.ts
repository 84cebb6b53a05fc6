import type { Inline, TextBlock } from './markdown.js';

/** A value's mark in a text block's source (see pipeline/values.ts): U+E000, its index, U+E001. */
const MARK = /\uE000(\d+)\uE001/g;

/**
 * The parsed blocks with each value mark replaced by its value. The values go in after parsing,
 * as text (or code, or a link target), so that no value is ever read as Markdown.
 */
export function fillMarks(blocks: readonly TextBlock[], values: readonly string[]): TextBlock[] {
  const put = (text: string) => text.replace(MARK, (_, i: string) => values[Number(i)] ?? '');
  const inline = (n: Inline): Inline => {
    switch (n.kind) {
      case 'text':
      case 'code':
        return { ...n, text: put(n.text) };
      case 'link':
        return { ...n, url: put(n.url), children: n.children.map(inline) };
      case 'strong':
      case 'emphasis':
        return { ...n, children: n.children.map(inline) };
      case 'break':
        return n;
    }
  };
  const block = (b: TextBlock): TextBlock => {
    switch (b.kind) {
      case 'paragraph':
        return { ...b, children: b.children.map(inline) };
      case 'code':
        return { ...b, text: put(b.text) };
      case 'list':
        return { ...b, items: b.items.map((item) => item.map(block)) };
    }
  };
  return blocks.map(block);
}
