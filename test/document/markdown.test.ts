import { afterAll, describe, expect, it } from 'vitest';
import { MARKDOWN_LIMITS, parseMarkdown } from '../../src/document/markdown.js';
import { markdownHtml } from '../../src/document/markdown-html.js';
import { markdownTypst } from '../../src/document/markdown-typst.js';
import { createEngine } from '../../src/index.js';
import { pdfText } from '../helpers/pdf.js';

const typst = (text: string) => markdownTypst(parseMarkdown(text));
const html = (text: string) => markdownHtml(parseMarkdown(text));

/** A Typst string literal as `typstString` writes it. */
const LITERAL = /"(?:\\.|[^"\\])*"/g;

/**
 * The Typst markup with every string literal replaced by `S`: what is left must be only the
 * calls the Markdown writer makes, so that no user text is read as markup or code.
 */
function skeleton(source: string): string {
  return source.replace(LITERAL, 'S');
}
const TYPST_TOKENS =
  /^(?:#par\[|#strong\[|#emph\[|#raw\(S\)|#raw\(S, block: true\)|#link\(S\)\[|#linebreak\(\)|#parbreak\(\)|#list\((?:tight: false, )?|#enum\((?:tight: false, )?start: \d+, |#S|\[|\]|\)|, |\n\n)*$/;

/** Every tag of the HTML is one the Markdown writer makes; links only to http(s) and mailto. */
function expectSafeHtml(out: string): void {
  for (const [tag] of out.matchAll(/<[^>]*>/g)) {
    expect(tag).toMatch(
      /^<(?:\/?(?:p|strong|em|code|pre|ul|li)|br|ol(?: start="\d+")?|\/ol|\/a|a href="(?:https?:\/\/|mailto:)[^"<>]*")>$/i,
    );
  }
}

describe('text blocks read Markdown', () => {
  it('sets emphasis, strong, inline code and links in Typst and HTML', () => {
    const md =
      'Revenue **grew** in *every* region: see `sales.csv` and [the data](https://example.org/a?b=1&c=2).';
    expect(typst(md)).toBe(
      '#par[#"Revenue "#strong[#"grew"]#" in "#emph[#"every"]#" region: see "#raw("sales.csv")#" and "#link("https://example.org/a?b=1&c=2")[#"the data"]#"."]',
    );
    expect(html(md)).toBe(
      '<p>Revenue <strong>grew</strong> in <em>every</em> region: see <code>sales.csv</code> and <a href="https://example.org/a?b=1&amp;c=2">the data</a>.</p>',
    );
  });

  it('splits paragraphs at blank lines, joins soft breaks and keeps hard ones', () => {
    expect(html('one\ntwo\n\nthree  \nfour\\\nfive')).toBe('<p>one two</p>\n<p>three<br>four<br>five</p>');
    expect(typst('one\n\nthree  \nfour')).toBe('#par[#"one"]\n\n#par[#"three"#linebreak()#"four"]');
  });

  it('sets bullet and numbered lists, nested ones too', () => {
    expect(html('- a\n- b *c*\n  - d')).toBe('<ul><li>a</li><li>b <em>c</em><ul><li>d</li></ul></li></ul>');
    expect(typst('- a\n- b\n  - d')).toBe('#list([#"a"], [#"b"#list([#"d"])])');
    // A blank line between items makes a loose list: items are paragraphs apart.
    expect(html('- a\n\n- b')).toBe('<ul><li><p>a</p></li><li><p>b</p></li></ul>');
    expect(typst('- a\n\n- b')).toBe('#list(tight: false, [#"a"], [#"b"])');
    expect(typst('- a\n- b')).toBe('#list([#"a"], [#"b"])');
    expect(typst('3. x\n4. y')).toBe('#enum(start: 3, [#"x"], [#"y"])');
    expect(html('3. x\n4. y')).toBe('<ol start="3"><li>x</li><li>y</li></ol>');
  });

  it('turns headings into bold paragraphs, keeps code blocks, and mail and auto links', () => {
    expect(html('# Title')).toBe('<p><strong>Title</strong></p>');
    expect(typst('```\nx = 1\n```')).toBe('#raw("x = 1", block: true)');
    expect(html('    <b>code</b>')).toBe('<pre><code>&lt;b&gt;code&lt;/b&gt;</code></pre>');
    expect(html('<https://example.org> [me](mailto:a@b.org)')).toBe(
      '<p><a href="https://example.org">https://example.org</a> <a href="mailto:a@b.org">me</a></p>',
    );
    expect(html('[ref][r]\n\n[r]: https://example.org "T"')).toBe(
      '<p><a href="https://example.org">ref</a></p>',
    );
  });

  it('shows backslash escapes and entities as the characters they stand for', () => {
    expect(html('\\*not emphasis\\* &amp; &copy; 1 < 2')).toBe('<p>*not emphasis* &amp; © 1 &lt; 2</p>');
    expect(typst('\\`tick\\`')).toBe('#par[#"`tick`"]');
  });
});

describe('hostile text', () => {
  const TYPST_ATTACKS = [
    '#import "evil.typ": *',
    '] #set text(red) [',
    '#set page(fill: red)',
    '")#eval("1+1")#("',
    'back\\\\slash \\" and \\',
    '$x^2$ and $$ math',
    '#read("/etc/passwd")',
    '*#emph[x]* `#raw("y")` [#link("z")](https://example.org/#")',
    '- #list()\n- ]\n1. #enum',
    '```\n")#eval("x\n```',
    '// comment */ /* \n <label> @ref',
  ];

  it('reach Typst only as string literals', () => {
    for (const attack of TYPST_ATTACKS) {
      const out = typst(attack);
      expect(skeleton(out), attack).toMatch(TYPST_TOKENS);
    }
  });

  const HTML_ATTACKS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x]( javascript:alert(1) )',
    '[x](java&#x09;script:alert(1))',
    '<javascript:alert(1)>',
    '[x][r]\n\n[r]: javascript:alert(1)',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '[x](vbscript:msgbox)',
    '[x](/relative) [y](//evil.org)',
    '[x](https://ok.org" onmouseover="alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '![img](https://evil.org/x.png)',
    '<div>\n<iframe src=x></iframe>\n</div>',
  ];

  it('never become HTML elements or script links', () => {
    for (const attack of HTML_ATTACKS) {
      const out = html(attack);
      expectSafeHtml(out);
      expect(out, attack).not.toMatch(/<(script|img|iframe|div)\b|href="(?!https?:|mailto:)/i);
    }
    expect(html('[click](javascript:alert(1))')).toBe('<p>click</p>');
    expect(typst('[click](javascript:alert(1))')).toBe('#par[#"click"]');
    expect(html('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('parse in bounded time: past the limits the text is shown as plain text', () => {
    const stars = `${'*'.repeat(50_000)}a${'*'.repeat(50_000)}`;
    expect(html(stars)).toBe(`<p>${stars}</p>`);
    const nested = `${'*a '.repeat(5000)}b${' a*'.repeat(5000)}`;
    expect(html(nested)).toContain('*a *a');
    const quotes = `${'>'.repeat(20_000)} deep`;
    expect(html(quotes)).toContain('deep');
    const lists = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i * 2)}- level ${i}`).join('\n');
    expect(html(lists)).toContain('level 1999');
    expect(html('['.repeat(50_000))).toBe(`<p>${'['.repeat(50_000)}</p>`);
    expect(html('a '.repeat(MARKDOWN_LIMITS.chars))).toMatch(/^<p>a a/);
  });

  it('keep deep nesting within the limits as plain text past 16 levels', () => {
    const depth = 40;
    const md = `${'*a '.repeat(depth)}b${' a*'.repeat(depth)}`;
    const out = html(md);
    expectSafeHtml(out);
    expect(out.match(/<em>/g)?.length).toBe(MARKDOWN_LIMITS.depth);
    expect(out.replace(/<[^>]+>/g, '')).toContain('b');
    expect(skeleton(typst(md))).toMatch(TYPST_TOKENS);
    const quotes = `${'> '.repeat(100)}deep`;
    expect(html(quotes)).toBe('<p>deep</p>');
  });
});

describe('text blocks in documents', () => {
  const engine = createEngine({ cache: false });
  afterAll(() => engine.close());
  const report = (text: string) => ({ title: 'Markdown', body: [{ text }] });
  const attack = `**Bold** #import "x": * ] #set text(red) $m$ \\ <script>alert(1)</script> [x](javascript:alert(1))`;

  it('set Markdown in HTML with user text escaped', async () => {
    const result = await engine.render(report(attack), { format: 'html' });
    const page = result.output as string;
    const main = page.slice(page.indexOf('<main>'), page.indexOf('</main>'));
    expect(main).toContain('<p><strong>Bold</strong> #import &quot;x&quot;: * ] #set text(red) $m$ \\ ');
    expect(main).toContain('&lt;script&gt;alert(1)&lt;/script&gt; x</p>');
    expect(main).not.toMatch(/<script|<a /);
  });

  it('sets code in the one font of the document: the PDF embeds Inter only', async () => {
    const text = 'Run `chartpress render` with *care*:\n\n```\nnpm ci\nnpm start\n```\n';
    const result = await engine.render(report(text), { format: 'pdf' });
    const fonts = Buffer.from(result.output as Uint8Array)
      .toString('latin1')
      .match(/\/BaseFont\s*\/[\w+-]+/g);
    expect(fonts?.length).toBeGreaterThan(0);
    for (const font of fonts ?? []) expect(font).toMatch(/\+Inter-/);
    const page = (await engine.render(report(text), { format: 'html' })).output as string;
    expect(page).toMatch(/code \{ font-family: inherit;/);
  });

  it('set Markdown in the PDF, every user string shown as written', async () => {
    const result = await engine.render(report(attack), { format: 'pdf' });
    const text = await pdfText(result.output as Uint8Array);
    expect(text).toContain('Bold #import "x": * ] #set text(red) $m$ \\ <script>alert(1)</script> x');
    const source = (await engine.render(report(attack), { format: 'typ' })).output as string;
    expect(source).toContain('#par[#strong[#"Bold"]#" #import \\"x\\": * ] #set text(red) $m$ \\\\ ');
  });
});
