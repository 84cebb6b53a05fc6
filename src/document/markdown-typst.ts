import { typstString as q } from './escape.js';
import type { Inline, TextBlock } from './markdown.js';

/**
 * Typst markup for parsed Markdown. Markup comes only from here; every piece of the user's text
 * (words, code, link targets) is a Typst string literal (`#"..."`), so it can never be read as
 * markup or code.
 */
function inline(n: Inline): string {
  switch (n.kind) {
    case 'text':
      return `#${q(n.text)}`;
    case 'strong':
      return `#strong[${n.children.map(inline).join('')}]`;
    case 'emphasis':
      return `#emph[${n.children.map(inline).join('')}]`;
    case 'code':
      return `#raw(${q(n.text)})`;
    case 'link':
      return `#link(${q(n.url)})[${n.children.map(inline).join('')}]`;
    case 'break':
      return '#linebreak()';
  }
}

/** A list item: its paragraphs as text (parted by paragraph breaks), its lists and code as blocks. */
function item(blocks: readonly TextBlock[]): string {
  let out = '';
  blocks.forEach((b, i) => {
    if (b.kind !== 'paragraph') out += block(b);
    else
      out += `${i > 0 && blocks[i - 1]?.kind === 'paragraph' ? '#parbreak()' : ''}${b.children.map(inline).join('')}`;
  });
  return `[${out}]`;
}

function block(b: TextBlock): string {
  switch (b.kind) {
    case 'paragraph':
      return `#par[${b.children.map(inline).join('')}]`;
    case 'code':
      return `#raw(${q(b.text)}, block: true)`;
    case 'list': {
      const items = b.items.map(item).join(', ');
      const tight = b.tight ? '' : 'tight: false, ';
      return b.ordered ? `#enum(${tight}start: ${b.start}, ${items})` : `#list(${tight}${items})`;
    }
  }
}

/** Typst markup for the blocks of a text block, one block per paragraph of the source. */
export function markdownTypst(blocks: readonly TextBlock[]): string {
  return blocks.map(block).join('\n\n');
}
