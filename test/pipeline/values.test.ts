import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ChartpressError, type Problem } from '../../src/errors.js';
import { createEngine } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { pdfText } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';
import { recordChannels } from '../telemetry/helpers.js';

const tmp = tempDir();
tmp.write(
  'data/sales.csv',
  'date,region,amount,note\n2024-01-05,EMEA,1200.5,"<b>*x*</b> #let"\n2024-02-07,US,2500,plain\n2024-03-09,EMEA,800,plain\n',
);

const HEAD = `title: Live values
params:
  detail: { type: boolean, default: false }
datasets:
  sales: { source: csv, path: data/sales.csv }
  missing: { source: csv, path: data/nope.csv }
charts:
  by_region:
    type: bar
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } }, sort: [{ field: total, order: desc }] }
    encode: { x: region, y: total }
values:
  overall:
    from: sales
    aggregate:
      total: { op: sum, field: amount }
      share: { op: avg, field: amount }
      first: { op: min, field: date }
      n: { op: count }
  notes: { from: sales, groupBy: [note], aggregate: { n: { op: count } }, sort: [note] }
  hidden: { from: missing, aggregate: { n: { op: count } } }
  nothing: { from: sales, filter: [{ field: region, op: eq, value: APAC }], groupBy: [region], aggregate: { n: { op: count } } }
`;

const write = (name: string, body: string) => tmp.write(name, `${HEAD}body:\n${body}`);

const main = write(
  'main.yaml',
  `  - heading: "Sales: {{ overall.total | currency }}"
  - text: "**{{ overall.n }}** orders since {{ overall.first | date('%b %Y') }}; top region {{ by_region.region }} with {{ by_region[0].total | number(1) }}, EMEA {{ by_region[region=EMEA].total | ',.0f' }}, second {{ by_region[1].total | '$,.2f' }}, ratio {{ overall.share | percent(1) }}. Note: {{ notes.note }}"
  - chart: by_region
    caption: "{{ by_region[region=US].total | currency }} in the US"
  - when: detail
    then: [{ text: "{{ hidden.n }}" }]
`,
);

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

describe('live values in text', () => {
  it('writes formatted values into headings, text and captions, in HTML', async () => {
    const result = await engine.render(main, { format: 'html' });
    expect(result.problems).toEqual([]);
    const html = String(result.output);
    expect(html).toContain('Sales: $4,501');
    expect(html).toContain('<strong>3</strong> orders since Jan 2024');
    expect(html).toContain('top region US with 2,500.0, EMEA 2,001, second $2,000.50, ratio 150016.7%.');
    expect(html).toContain('$2,500 in the US');
    // A value is text: neither Markdown nor HTML in it is read.
    expect(html).toContain('Note: &lt;b&gt;*x*&lt;/b&gt; #let');
    expect(html).not.toContain('<b>*x*');
  });

  it('writes them in Typst as string literals, and into the PDF', async () => {
    const typ = String((await engine.render(main, { format: 'typ' })).output);
    expect(typ).toContain('#heading(level: 1, "Sales: $4,501")');
    expect(typ).toContain('Note: <b>*x*</b> #let"]');
    const pdf = await engine.render(main, { format: 'pdf' });
    expect(pdf.problems).toEqual([]);
    const text = await pdfText(pdf.output as Uint8Array);
    expect(text).toContain('Sales: $4,501');
    expect(text).toContain('orders since Jan 2024');
    expect(text).toContain('$2,500 in the US');
  });

  it('runs the named queries in the one scan of their dataset, and only those the body shows', async () => {
    const channels = recordChannels();
    await engine.render(main, { format: 'html' });
    const scans = channels.on('data:start');
    // One scan of sales: the chart, its rows for the text, and two named values.
    expect(scans.map((s) => [s.dataset, s.queries])).toEqual([['sales', 4]]);
  });

  it('returns the named values the body shows from engine.data', async () => {
    const data = await engine.data(main);
    expect(Object.keys(data)).toEqual(['by_region', 'values.overall', 'values.notes']);
    expect(data['values.overall']).toEqual([
      { total: 4500.5, share: 1500.1666666666667, first: '2024-01-05', n: 3 },
    ]);
  });

  it('writes params with `params.<name>`', async () => {
    const file = write(
      'params.yaml',
      '  - heading: "Detail {{ params.detail }}, {{ overall.n | number(1) }}"\n',
    );
    const shown = await engine.render(file, { format: 'html', params: { detail: true } });
    expect(shown.problems).toEqual([]);
    expect(String(shown.output)).toContain('<h2>Detail true, 3.0</h2>');
  });

  it('renders through `chartpress render`', async () => {
    const out = `${tmp.dir}/main.html`;
    const run = await cli('render', main, '-o', out);
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('$2,500 in the US');
  });

  it('reads a value under a `when` once it holds', async () => {
    const result = await engine.render(main, { format: 'html', params: { detail: true } });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'CP_ERR_TEMPLATE', path: 'body[3].then[0].text' });
    expect(result.problems[0]?.message).toMatch(
      /the rows of "hidden" failed: CP_ERR_(FILE_NOT_FOUND|DATA_READ)/,
    );
  });
});

describe('live values in a batch (renderEach)', () => {
  it('gives each document the values of its own param, as a render alone does', async () => {
    const file = tmp.write(
      'each.yaml',
      `title: Regions
params:
  region: { type: string, values: [EMEA, US] }
datasets:
  sales: { source: csv, path: data/sales.csv }
values:
  mine: { from: sales, filter: [{ field: region, value: { param: region } }], aggregate: { total: { op: sum, field: amount } } }
body:
  - heading: "{{ params.region }}: {{ mine.total | currency }}"
`,
    );
    const pages = new Map<string, string>();
    const summary = await engine.renderEach(file, {
      each: 'region',
      format: 'html',
      onDocument: (d) => {
        pages.set(String(d.value), String(d.result?.output));
      },
    });
    expect(summary).toMatchObject({ total: 2, ok: 2, failed: 0 });
    expect(pages.get('EMEA')).toContain('<h2>EMEA: $2,001</h2>');
    expect(pages.get('US')).toContain('<h2>US: $2,500</h2>');
  });
});

describe('a value that finds nothing', () => {
  const problemsOf = async (text: string): Promise<{ problems: readonly Problem[]; html: string }> => {
    const file = write(
      `bad-${Math.random().toString(36).slice(2)}.yaml`,
      `  - heading: Fine\n  - text: "${text}"\n`,
    );
    const result = await engine.render(file, { format: 'html' });
    return { problems: result.problems, html: String(result.output) };
  };

  it('is CP_ERR_TEMPLATE at the text, and shows the reference as written', async () => {
    const cases: [string, RegExp][] = [
      ['{{ overall.nope }}', /"overall" has no field "nope"; fields: total, share, first, n/],
      ['{{ by_region[5].total }}', /"by_region" has 2 rows; row 5 is past them/],
      ['{{ by_region[region=APAC].total }}', /no row where region is "APAC"/],
      ['{{ nothing.n }}', /"nothing" has no rows/],
      ["{{ overall.n | date('%Y') }}", /cannot be written with this format/],
    ];
    for (const [text, says] of cases) {
      const { problems, html } = await problemsOf(text);
      expect(problems, text).toHaveLength(1);
      expect(problems[0]).toMatchObject({ code: 'CP_ERR_TEMPLATE', path: 'body[1].text' });
      expect(problems[0]?.message).toMatch(says);
      expect(html).toContain(text.replaceAll("'", '&#39;'));
    }
  });

  it('is refused when the report is checked: malformed, or no such name', async () => {
    const refused = async (body: string): Promise<Problem[]> => {
      try {
        await engine.render(write(`refused-${Math.random().toString(36).slice(2)}.yaml`, body), {
          format: 'html',
        });
      } catch (e) {
        if (e instanceof ChartpressError) return [...e.problems];
        throw e;
      }
      throw new Error('rendered');
    };
    const [malformed] = await refused('  - text: "Total {{ overall.total | bogus }}"\n');
    expect(malformed).toMatchObject({ code: 'CP_ERR_TEMPLATE', path: 'body[0].text' });
    expect(malformed?.message).toMatch(/^column 26: unknown filter "bogus"/);
    const [unknown] = await refused('  - chart: by_region\n    caption: "{{ nope.x }}"\n');
    expect(unknown).toMatchObject({ code: 'CP_ERR_TEMPLATE', path: 'body[0].caption' });
    expect(unknown?.message).toMatch(/no chart or value is named "nope"/);
    const [param] = await refused('  - heading: "{{ params.nope }}"\n');
    expect(param).toMatchObject({ code: 'CP_ERR_UNKNOWN_PARAM', path: 'body[0].heading' });
    const clash = tmp.write(
      'clash.yaml',
      `${HEAD.replace('values:\n', 'values:\n  by_region: { from: sales }\n')}body:\n  - text: x\n`,
    );
    await expect(engine.render(clash, { format: 'html' })).rejects.toMatchObject({
      problems: [{ code: 'CP_ERR_TEMPLATE', path: 'values.by_region' }],
    });
  });
});
