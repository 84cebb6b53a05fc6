import { escapeHtml as e } from './escape.js';
import type { Inline, TextBlock } from './markdown.js';

/** HTML for parsed Markdown: elements come only from here, every piece of text is escaped. */
function inline(n: Inline): string {
  switch (n.kind) {
    case 'text':
      return e(n.text);
    case 'strong':
      return `<strong>${n.children.map(inline).join('')}</strong>`;
    case 'emphasis':
      return `<em>${n.children.map(inline).join('')}</em>`;
    case 'code':
      return `<code>${e(n.text)}</code>`;
    case 'link':
      return `<a href="${e(n.url)}">${n.children.map(inline).join('')}</a>`;
    case 'break':
      return '<br>';
  }
}

/** A list item: in a tight list its paragraphs are bare text, as CommonMark renders them. */
function item(blocks: readonly TextBlock[], tight: boolean): string {
  const body = blocks.map((b) =>
    tight && b.kind === 'paragraph' ? b.children.map(inline).join('') : block(b),
  );
  return `<li>${body.join('')}</li>`;
}

function block(b: TextBlock): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p>${b.children.map(inline).join('')}</p>`;
    case 'code':
      return `<pre><code>${e(b.text)}</code></pre>`;
    case 'list': {
      const items = b.items.map((i) => item(i, b.tight)).join('');
      return b.ordered
        ? `<ol${b.start === 1 ? '' : ` start="${b.start}"`}>${items}</ol>`
        : `<ul>${items}</ul>`;
    }
  }
}

/** HTML for the blocks of a text block. */
export function markdownHtml(blocks: readonly TextBlock[]): string {
  return blocks.map(block).join('\n');
}
