import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/document/markdown.js';
import { markdownHtml } from '../../src/document/markdown-html.js';
import { markdownTypst } from '../../src/document/markdown-typst.js';

const mark = (i: number) => `\uE000${i}\uE001`;

describe('values in Markdown', () => {
  it('go in after parsing, as text: no value is read as Markdown', () => {
    const values = ['**$1,200**', '[x](https://evil.example)', '<script>'];
    const text = `Total *${mark(0)}*, \`${mark(1)}\` and ${mark(2)}.`;
    expect(markdownHtml(parseMarkdown(text, values))).toBe(
      '<p>Total <em>**$1,200**</em>, <code>[x](https://evil.example)</code> and &lt;script&gt;.</p>',
    );
    expect(markdownTypst(parseMarkdown(text, values))).toBe(
      '#par[#"Total "#emph[#"**$1,200**"]#", "#raw("[x](https://evil.example)")#" and <script>."]',
    );
  });

  it('fill link targets, lists and code blocks', () => {
    const text = `- [report](https://example.com/${mark(0)})\n- ${mark(1)}\n\nThen:\n\n\`\`\`\n${mark(0)}\n\`\`\`\n`;
    const html = markdownHtml(parseMarkdown(text, ['q1', 'two']));
    expect(html).toContain('<a href="https://example.com/q1">report</a>');
    expect(html).toContain('<li>two</li>');
    expect(html).toContain('<pre><code>q1</code></pre>');
  });
});
