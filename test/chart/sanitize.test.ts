import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exampleCharts } from '../../bench/pipeline-jobs.js';
import { errorPlaceholderSvg } from '../../src/chart/placeholder.js';
import { renderChartSvg } from '../../src/chart/render.js';
import { sanitizeSvg, svgProblem } from '../../src/chart/sanitize.js';

const wrap = (inner: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">${inner}</svg>`;

/** Sanitises, and checks the result is clean and a fixed point. */
function clean(svg: string): string {
  const out = sanitizeSvg(svg);
  expect(svgProblem(out)).toBeUndefined();
  expect(sanitizeSvg(out)).toBe(out);
  return out;
}

/**
 * Nothing in the output can run code or fetch anything: every `<` of a clean SVG starts a tag
 * (text escapes it), so the tags are checked one by one, namespace declarations aside.
 */
function expectInert(out: string): void {
  for (const tag of out.match(/<[^>]*>/g) ?? []) {
    const markup = tag.replace(/\sxmlns(:[\w-]+)?="[^"]*"/g, '');
    expect(markup).not.toMatch(/^<\/?([\w-]+:)?(script|foreignObject|iframe|embed|img|set|animate)\b/i);
    expect(markup).not.toMatch(/\s([\w-]+:)?on[\w-]*\s*=/i);
    expect(markup).not.toMatch(/javascript|vbscript|http:|https:|file:|ftp:|\/\/|@import/i);
    expect(markup).not.toMatch(/<!DOCTYPE|<!ENTITY|<!--|<!\[CDATA|<\?(?!xml )/i);
  }
}

describe('sanitizeSvg removes', () => {
  const attacks: [string, string][] = [
    ['script', '<script>alert(1)</script>'],
    // HTML reads markup inside <title>/<desc> by its own rules: <image srcset> becomes <img srcset>.
    ['an element inside <title>', '<title>T<image srcset="http://evil/x.png 1x"/></title>'],
    ['an element inside <desc>', '<desc><a href="#x"><text>d</text></a></desc>'],
    ['srcset', '<image srcset="http://evil/x.png 1x" width="1" height="1"/>'],
    ['ping', '<a href="#x" ping="http://evil/ping"><rect width="1" height="1"/></a>'],
    ['upper-case script', '<SCRIPT>alert(1)</SCRIPT>'],
    ['mixed-case script', '<ScRiPt type="text/javascript">alert(1)</ScRiPt>'],
    ['prefixed script', '<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>'],
    ['self-closing script with src', '<script href="http://evil/x.js"/>'],
    ['CDATA holding </script>', '<script><![CDATA[ </script><g onload="x"> ]]></script>'],
    [
      'foreignObject',
      '<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><img src="http://x"/></div></foreignObject>',
    ],
    ['onload', '<g onload="alert(1)"><rect width="1" height="1"/></g>'],
    ['ONCLICK', '<rect ONCLICK="alert(1)" width="1" height="1"/>'],
    ['prefixed on*', '<rect xlink:onclick="alert(1)" width="1"/>'],
    ['xlink:href javascript', '<a xlink:href="javascript:alert(1)"><text>x</text></a>'],
    ['href javascript as a character reference', '<a href="&#106;avascript:alert(1)"><text>x</text></a>'],
    ['href javascript in hex references', '<a href="&#x6A;&#x61;vascript:alert(1)"><text>x</text></a>'],
    ['href with leading spaces', '<image href=" http://x/a.png" width="1" height="1"/>'],
    ['href with a tab inside', '<a href="java&#9;script:alert(1)"><text>x</text></a>'],
    ['href with a newline', '<image href="\nhttps://x/a.png"/>'],
    ['image file:', '<image href="file:///etc/passwd" width="1" height="1"/>'],
    ['use of an absolute path', '<use href="/abs/path.svg#x"/>'],
    ['use of a relative path', '<use xlink:href="other.svg#x"/>'],
    ['protocol-relative image', '<image href="//evil.example/a.png"/>'],
    ['data: SVG (can hold script)', '<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>'],
    ['data: text/html', '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"><text>x</text></a>'],
    ['empty href', '<use href=""/>'],
    ['style url http', '<rect style="fill:red;background:url(http://x)" width="1"/>'],
    ['style url quoted', `<rect style="fill:url( 'https://x/p.svg#a' )" width="1"/>`],
    ['style url escaped', '<rect style="fill:u\\72l(http://x)" width="1"/>'],
    ['style URL upper case', '<rect style="fill:URL(http://x)" width="1"/>'],
    ['style image-set', `<rect style="background:image-set('http://x/a.png' 1x)" width="1"/>`],
    ['presentation attribute url', '<rect fill="url(http://x/p.svg#g)" width="1"/>'],
    ['filter url file', '<g filter="url(file:///x.svg#f)"/>'],
    ['style element import', '<style>@import "http://x/a.css"; rect { fill: red }</style>'],
    ['style element url', '<style>rect { fill: url(http://x/p.svg#g) }</style>'],
    ['style element url across a comment', '<style>rect { fill: ur<!-- -->l(http://x/p.svg#g) }</style>'],
    ['style element with an element inside', '<style>ur<g/>l(http://x)</style>'],
    ['xml:base', '<g xml:base="http://x/"><use href="#a"/></g>'],
    ['iframe', '<iframe src="http://x"></iframe>'],
    ['embed', '<embed src="http://x"/>'],
    ['HTML img breaking out of SVG', '<img src="http://x/a.png"/>'],
    ['set rewriting href', '<a href="#a"><set attributeName="href" to="javascript:alert(1)"/></a>'],
    ['animate', '<animate attributeName="href" values="javascript:alert(1)"/>'],
    ['processing instruction', '<?xml-stylesheet href="http://x/a.css"?><rect width="1"/>'],
    ['comment', '<!-- <script>alert(1)</script> --><rect width="1"/>'],
    ['CDATA in title read as HTML', '<title><![CDATA[ --><img src=x onerror=alert(1)> ]]></title>'],
  ];
  for (const [name, inner] of attacks) {
    it(name, () => {
      const svg = wrap(inner);
      expect(svgProblem(svg)).toBeDefined();
      expectInert(clean(svg));
    });
  }

  it('a DOCTYPE with entities (and keeps the document)', () => {
    const svg = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>"><!ENTITY y "&x;&x;">]>${wrap('<rect width="1"/>')}`;
    expect(svgProblem(svg)).toMatch(/DOCTYPE/);
    const out = clean(svg);
    expect(out).toBe(`<?xml version="1.0"?>${wrap('<rect width="1"/>')}`);
  });

  it('an XML declaration that HTML would read as markup', () => {
    const svg = `<?xml version="1.0" x="><img src=x onerror=alert(1)>"?>${wrap('')}`;
    expect(clean(svg)).toBe(wrap(''));
  });

  it('characters XML forbids, raw or as references', () => {
    const svg = wrap(`<text x="1">a\x01b\uFFFEc\uD800d\x7F&#1;&#xFFFF;e</text><g aria-label="x&#2;y\x02"/>`);
    expect(svgProblem(svg)).toMatch(/U\+0001/);
    const out = clean(svg);
    expect(out).toContain('<text x="1">abcd\x7Fe</text>');
    expect(out).toContain('aria-label="xy"');
    expect(svgProblem(wrap('<text>a&#1;</text>'))).toMatch(/forbids/);
  });

  it('keeps surrogate pairs, emoji and other allowed characters', () => {
    const svg = wrap('<text>😀 € &#x1F600; &lt;&amp;&gt; &quot;&apos; ]] &#160;</text>');
    expect(svgProblem(svg)).toBeUndefined();
    expect(sanitizeSvg(svg)).toBe(svg);
  });

  it('escapes "]]>" in text', () => {
    expect(clean(wrap('<text>a]]>b</text>'))).toBe(wrap('<text>a]]&gt;b</text>'));
  });
});

describe('sanitizeSvg keeps', () => {
  const fine = [
    '<use href="#a"/>',
    '<use xlink:href="#cp-1"/>',
    '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>',
    '<image xlink:href="data:image/jpeg;base64,/9j/4AAQ" width="1" height="1"/>',
    '<rect fill="url(#g)" style="fill:url(&quot;#g&quot;);stroke:url(#s)" width="1"/>',
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>',
    '<text dominant-baseline="central" style="font-size:12px;font-family:Inter, sans-serif;">Sales &amp; costs</text>',
    '<style>rect { fill: url(#g) }</style>',
    '<a href="#top"><text>top</text></a>',
    '<rect width=\'1\' height="2"   />',
  ];
  for (const inner of fine) {
    it(inner, () => {
      const svg = wrap(inner);
      expect(svgProblem(svg)).toBeUndefined();
      expect(sanitizeSvg(svg)).toBe(svg);
    });
  }

  it('the error placeholder, even for a reason holding characters XML forbids', () => {
    const svg = errorPlaceholderSvg({
      id: 'c\x01',
      reason: 'bad \x02 <x> & "q" \uD800',
      width: 300,
      height: 200,
    });
    expect(svgProblem(svg)).toBeUndefined();
  });

  it('every chart of the example byte for byte (ECharts output is clean)', async () => {
    const jobs = await exampleCharts();
    const types = new Set<string>();
    for (const { chart, frame } of jobs) {
      const svg = renderChartSvg(chart, frame);
      types.add(chart.type);
      expect(svgProblem(svg), chart.id).toBeUndefined();
      expect(sanitizeSvg(svg)).toBe(svg);
    }
    expect([...types].sort()).toEqual(['area', 'bar', 'gantt', 'line', 'pie', 'scatter', 'sparkline']);
  });
});

describe('sanitizeSvg refuses what is not a well-formed SVG', () => {
  const broken: [string, string, RegExp][] = [
    ['plain text', 'hello', /text outside the root/],
    ['HTML', '<html><body></body></html>', /root element is <html>/],
    ['empty', '', /no <svg> root/],
    ['attribute without quotes', wrap('<rect width=1/>'), /not quoted/],
    ['unclosed tag', wrap('<g><rect/>'), /closes <g>/],
    ['unclosed root', '<svg><g></g>', /<svg> is never closed/],
    ['cut inside a tag', '<svg><rect width="1"', /./],
    ['stray end tag', `${wrap('')}</g>`, /closes nothing/],
    ['two roots', `${wrap('')}${wrap('')}`, /second root/],
    ['undefined entity', wrap('<text>&nbsp;</text>'), /unknown reference/],
    ['entity declared in a DOCTYPE', `<!DOCTYPE svg [<!ENTITY a "b">]>${wrap('<text>&a;</text>')}`, /&a;/],
    ['ENTITY outside a DOCTYPE', wrap('<!ENTITY a "b">'), /markup declaration/],
    ['bare ampersand', wrap('<text>AT&T</text>'), /reference/],
    ['"<" in an attribute', wrap('<g aria-label="a<b"/>'), /"<" in attribute/],
    ['duplicate attribute', wrap('<rect x="1" x="2"/>'), /duplicate attribute/],
    ['reference beyond Unicode', wrap('<text>&#x110000;</text>'), /beyond Unicode/],
    ['unterminated comment', wrap('<!-- x'), /unterminated comment|never closed/],
    ['missing space between attributes', wrap('<rect x="1"y="2"/>'), /bad start tag/],
  ];
  for (const [name, svg, why] of broken) {
    it(name, () => {
      expect(() => sanitizeSvg(svg)).toThrow(why);
      expect(svgProblem(svg)).toMatch(/./);
    });
  }

  it('a non-string', () => {
    expect(() => sanitizeSvg(42 as unknown as string)).toThrow(/not a string/);
    expect(svgProblem(null as unknown as string)).toBe('not a string');
  });

  it('deep nesting and long inputs in linear time', () => {
    const depth = 100_000;
    const deep = `<svg>${'<g>'.repeat(depth)}${'</g>'.repeat(depth)}</svg>`;
    expect(svgProblem(deep)).toBeUndefined();
    const amps = `<svg><text>${'&'.repeat(200_000)}</text></svg>`;
    expect(() => sanitizeSvg(amps)).toThrow(/reference/);
    const quotes = `<svg><rect style="${'url('.repeat(50_000)}"/></svg>`;
    expect(svgProblem(clean(quotes))).toBeUndefined();
  });
});

// Pieces of markup, good and bad, that random documents are put together from.
const piece = fc.oneof(
  fc.constantFrom(
    '<g>',
    '</g>',
    '<rect width="1"/>',
    '<script>',
    '</script>',
    '<SCRIPT>',
    '<foreignObject>',
    '</foreignObject>',
    '<style>',
    '</style>',
    '<text>',
    '</text>',
    '<![CDATA[',
    ']]>',
    '<!--',
    '-->',
    '<?pi x?>',
    '<a href="javascript:x">',
    '<a href="#x">',
    '</a>',
    '<image href="http://x"/>',
    '<use xlink:href="#a"/>',
    '<rect style="fill:url(http://x)"/>',
    '<rect fill="url(#a)" onclick="x"/>',
    'url(',
    'http://x)',
    '@import',
    '&amp;',
    '&#1;',
    '&#106;',
    '&',
    '<',
    '>',
    '"',
    '\x01',
    '\uFFFE',
    '\uD800',
    ' ',
  ),
  fc.string({ maxLength: 6 }),
);
const document = fc
  .array(piece, { maxLength: 30 })
  .map((pieces) => `<svg xmlns="http://www.w3.org/2000/svg">${pieces.join('')}</svg>`);

describe('sanitizeSvg properties', () => {
  it('its output is always clean, and sanitising again changes nothing', () => {
    fc.assert(
      fc.property(document, (svg) => {
        let out: string;
        try {
          out = sanitizeSvg(svg);
        } catch {
          // Refused input must also be reported as a problem.
          return svgProblem(svg) !== undefined;
        }
        expectInert(out);
        return svgProblem(out) === undefined && sanitizeSvg(out) === out;
      }),
      { numRuns: 3000 },
    );
  });

  it('svgProblem is undefined exactly when sanitizeSvg returns its input', () => {
    fc.assert(
      fc.property(fc.oneof(document, fc.string()), (svg) => {
        let same: boolean;
        try {
          same = sanitizeSvg(svg) === svg;
        } catch {
          same = false;
        }
        return (svgProblem(svg) === undefined) === same;
      }),
      { numRuns: 3000 },
    );
  });
});
