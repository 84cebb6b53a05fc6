import { afterAll, describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import { createEngine } from '../../src/index.js';
import { pdfPages, pdfText } from '../helpers/pdf.js';

const ROWS = [
  { region: 'EU', revenue: 1200, margin: 0.12 },
  { region: 'US', revenue: 3000, margin: -0.05 },
  { region: 'APAC', revenue: 800, margin: 0.2 },
  { region: 'LATAM', revenue: -400, margin: -0.3 },
];

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

type Report = Parameters<typeof engine.render>[0];

function report(table: Record<string, unknown>, extra: Record<string, unknown> = {}): Report {
  return {
    title: 'Tables',
    datasets: { rows: { source: 'inline', rows: ROWS } },
    body: [{ table: { data: { from: 'rows' }, ...table } }],
    ...extra,
  } as Report;
}

async function html(table: Record<string, unknown>, extra?: Record<string, unknown>) {
  const result = await engine.render(report(table, extra), { format: 'html' });
  expect(result.problems).toEqual([]);
  const page = result.output as string;
  return page.slice(page.indexOf('<table>'), page.indexOf('</table>'));
}

async function typ(table: Record<string, unknown>, extra?: Record<string, unknown>) {
  const result = await engine.render(report(table, extra), { format: 'typ' });
  expect(result.problems).toEqual([]);
  const source = result.output as string;
  return source.slice(source.indexOf('#datatable('));
}

/** The problems a table with these options fails with (the document is still written). */
async function problems(table: Record<string, unknown>, params?: Record<string, string>) {
  try {
    const result = await engine.render(report(table), { format: 'html', ...(params ? { params } : {}) });
    return result.problems.map((p) => [p.code, p.path]);
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems.map((p) => [p.code, p.path]);
    throw e;
  }
}

const rowsOf = (table: string) =>
  [...table.slice(table.indexOf('<tbody>')).matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => m[1] ?? '');

describe('table column options', () => {
  it('align a column and give it a width, in HTML and Typst', async () => {
    const columns = [
      { field: 'region', align: 'center', width: 90 },
      { field: 'revenue', align: 'left' },
      'margin',
    ];
    const h = await html({ columns });
    expect(h).toContain('<colgroup><col style="width: 90pt"><col><col></colgroup>');
    expect(h).toContain('<th style="text-align: center;">region</th>');
    expect(h).toContain('<th class="num" style="text-align: left;">revenue</th>');
    expect(h).toContain('<th class="num">margin</th>');
    const t = await typ({ columns });
    expect(t).toMatch(/^#datatable\(\(90\.00pt, [\d.]+pt, [\d.]+pt,\), \(center, left, right,\)/);
  });
});

describe('table conditional styles', () => {
  it('colour the cells a condition tests, by theme colour name', async () => {
    const h = await html({
      columns: ['region', { field: 'margin', format: '.0%' }],
      style: [{ when: { field: 'margin', op: 'lt', value: 0 }, color: 'negative' }],
    });
    const rows = rowsOf(h);
    expect(rows[0]).toBe('<td>EU</td><td class="num">12%</td>');
    expect(rows[1]).toBe('<td>US</td><td class="num" style="color: #d1495b;">−5%</td>');
    expect(rows[3]).toContain('style="color: #d1495b;">−30%</td>');
  });

  it('style whole rows, bold and with a light background; later rules win', async () => {
    const h = await html({
      style: [
        { when: { field: 'revenue', op: 'gte', value: 1000 }, row: true, bold: true, background: 'accent' },
        { when: [{ field: 'region', op: 'eq', value: 'US' }], columns: ['margin'], color: '#0a0' },
      ],
    });
    const rows = rowsOf(h);
    // The default theme's accent (#1f5fa8) as an 18% tint.
    const strong = 'background: #d7e2ef; font-weight: 600;';
    expect(rows[0]).toBe(
      `<td style="${strong}">EU</td><td class="num" style="${strong}">1200</td><td class="num" style="${strong}">0.12</td>`,
    );
    expect(rows[1]).toContain(`<td class="num" style="color: #00aa00; ${strong}">−0.05</td>`);
    expect(rows[2]).toBe('<td>APAC</td><td class="num">800</td><td class="num">0.20</td>');
  });

  it('take colours from the report theme, and params in conditions', async () => {
    const t = await typ(
      {
        columns: ['region', 'revenue'],
        style: [
          { when: { field: 'revenue', op: 'gt', value: { param: 'floor' } }, color: 'accent', bold: true },
        ],
      },
      { theme: 'corporate', params: { floor: { type: 'number', default: 2000 } } },
    );
    expect(t).toContain('("US", text(fill: rgb("#0b3c5d"), weight: "semibold", "3000"),)');
    expect(t.match(/fill: rgb/g)?.length).toBe(1);
  });
});

describe('table bars', () => {
  it('draw zero-based bars, negative ones left of zero, alike in HTML and Typst', async () => {
    const columns = ['region', { field: 'revenue', bar: true }];
    const h = await html({ columns });
    const rows = rowsOf(h);
    // Domain -400..3000: zero at 11.76%; 1200 spans 35.29%.
    expect(rows[0]).toContain('<span class="fill" style="left: 11.76%; width: 35.29%; background: #5787be">');
    expect(rows[0]).toContain('<span class="zero" style="left: 11.76%"></span>');
    expect(rows[3]).toContain('<span class="fill" style="left: 0.00%; width: 11.76%; background: #dd7784">');
    expect(rows[3]).toContain('<span class="value">−400</span>');
    const t = await typ({ columns });
    expect(t).toContain('barcell(0.1176, 0.3529, 0.1176, true, rgb("#5787be"), "1200")');
    expect(t).toContain('barcell(0.0000, 0.1176, 0.1176, true, rgb("#dd7784"), "−400")');
  });

  it('take a colour, and leave the column wide enough for the bar', async () => {
    // A header narrower than the numbers, so that the cells decide the width.
    const plain = await typ({ columns: ['region', { field: 'revenue', title: 'R' }] });
    const barred = await typ({ columns: ['region', { field: 'revenue', title: 'R', bar: 'positive' }] });
    const width = (t: string) => Number(/^#datatable\(\([\d.]+pt, ([\d.]+)pt/.exec(t)?.[1]);
    expect(width(barred) - width(plain)).toBeCloseTo(62, 0);
    expect(barred).toContain('rgb("#5fb693")');
  });
});

describe('table totals', () => {
  it('sum every number column the query does not group by, formatted like the column', async () => {
    const h = await html({
      columns: ['region', 'revenue', { field: 'margin', format: '.1%' }],
      totals: 'sum',
    });
    expect(h).toContain(
      '<tfoot><tr><td>Total</td><td class="num">4600</td><td class="num">−3.0%</td></tr></tfoot>',
    );
    const grouped = await html({
      data: { from: 'rows', groupBy: ['margin'], aggregate: { n: { op: 'count' } }, sort: ['margin'] },
      totals: 'sum',
    });
    expect(grouped).toContain('<tfoot><tr><td class="num">Total</td><td class="num">4</td></tr></tfoot>');
  });

  it('take an op per column, over all the rows, with the decimals an average needs (d3 rounds −0.00749… down)', async () => {
    const h = await html({ totals: { revenue: 'avg', margin: 'min' } });
    expect(h).toContain('<td>Total</td><td class="num">1150</td><td class="num">−0.30</td>');
    const avg = await html({ columns: ['region', 'margin'], totals: { margin: 'avg' } });
    expect(avg).toContain('<td>Average</td><td class="num">−0.007</td>');
  });

  it('are set as a last bold row with rules in Typst', async () => {
    const t = await typ({ columns: ['region', 'revenue'], totals: 'sum' });
    expect(t).toContain(
      '(text(weight: "semibold", "Total"), text(weight: "semibold", "4600"),)), totals: true)',
    );
  });
});

describe('table options in a PDF', () => {
  it('compile with styles, bars and totals together', async () => {
    const result = await engine.render(
      report({
        title: 'By region',
        columns: [
          { field: 'region', width: 80 },
          { field: 'revenue', format: '$,.0f', bar: true },
          { field: 'margin', format: '.1%', align: 'center' },
        ],
        style: [
          { when: { field: 'margin', op: 'lt', value: 0 }, color: 'negative' },
          {
            when: { field: 'region', op: 'eq', value: 'APAC' },
            row: true,
            background: 'positive',
            bold: true,
          },
        ],
        totals: { revenue: 'sum', margin: 'avg' },
      }),
      { format: 'pdf' },
    );
    expect(result.problems).toEqual([]);
    const text = await pdfText(result.output as Uint8Array);
    expect(text).toContain('By region');
    expect(text).toMatch(/Total \$4,600 −0\.7%/);
    expect(text).toContain('−30.0%');
  });
});

describe('table subtotals', () => {
  const byRegion = {
    data: {
      from: 'rows',
      calculate: { zone: "if(region = 'EU' or region = 'US', 'North', 'South')" },
      sort: ['zone'],
    },
    columns: ['zone', 'region', { field: 'revenue', format: '$,.0f', bar: true }],
  };

  it('follow each run of a column with its totals, labelled by its value, in HTML', async () => {
    const h = await html({ ...byRegion, subtotals: 'zone', totals: 'sum' });
    const rows = [...h.slice(h.indexOf('<tbody>')).matchAll(/<tr( class="subtotal")?>(.*?)<\/tr>/g)].map(
      (m) =>
        (m[1] ? 'sub ' : '') +
        [...(m[2] ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)]
          .map((c) => c[1]?.replace(/<[^>]+>/g, ''))
          .join('|'),
    );
    expect(rows).toEqual([
      'North|EU|$1,200',
      'North|US|$3,000',
      'sub North total||$4,200',
      'South|APAC|$800',
      'South|LATAM|−$400',
      'sub South total||$400',
      'Total||$4,600',
    ]);
  });

  it('are bold on a grey row in Typst, without a bar', async () => {
    const t = await typ({ ...byRegion, subtotals: 'zone' });
    expect(t).toContain(
      '(table.cell(fill: rgb("#eef1f5"), text(weight: "semibold", "North total")), table.cell(fill: rgb("#eef1f5"), text(weight: "semibold", "")), table.cell(fill: rgb("#eef1f5"), text(weight: "semibold", "$4,200")),)',
    );
    expect(t.match(/barcell\(/g)?.length).toBe(4);
  });

  it('name a column the data has', async () => {
    expect(await problems({ subtotals: 'zone' })).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'body[0].table.subtotals'],
    ]);
  });
});

describe('a long table with totals', () => {
  it('keeps its totals row with the last row and compiles across pages', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({
      id: `row ${i + 1}`,
      amount: i % 7 === 0 ? -i : i,
    }));
    const result = await engine.render(
      {
        title: 'Long',
        datasets: { rows: { source: 'inline', rows } },
        body: [
          {
            table: {
              data: { from: 'rows' },
              columns: ['id', { field: 'amount', bar: true }],
              style: [{ when: { field: 'amount', op: 'lt', value: 0 }, row: true, color: 'negative' }],
              totals: 'sum',
            },
          },
        ],
      } as Report,
      { format: 'pdf' },
    );
    expect(result.problems).toEqual([]);
    const pages = await pdfPages(result.output as Uint8Array);
    expect(pages.length).toBeGreaterThan(1);
    const last = (pages.at(-1) ?? '').replace(/\s+/g, ' ');
    const sum = rows.reduce((a, r) => a + r.amount, 0);
    // Written as the column writes its numbers (below five digits, no separator).
    expect(last).toContain(`row 119 118 row 120 −119 Total ${sum}`);
  });
});

describe('table option errors', () => {
  it('name the field path of a column a style or total names but the data lacks', async () => {
    expect(
      await problems({ style: [{ when: { field: 'marg', op: 'lt', value: 0 }, color: 'negative' }] }),
    ).toEqual([['CP_ERR_UNKNOWN_COLUMN', 'body[0].table.style[0].when.field']]);
    expect(
      await problems({
        style: [{ when: [{ field: 'margin', op: 'lt', value: 0 }], columns: ['x'], bold: true }],
      }),
    ).toEqual([['CP_ERR_UNKNOWN_COLUMN', 'body[0].table.style[0].columns[0]']]);
    expect(await problems({ totals: { revenu: 'sum' } })).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'body[0].table.totals.revenu'],
    ]);
  });

  it('refuse a total or a bar over text, and a colour that is neither a theme name nor hex', async () => {
    expect(await problems({ totals: { region: 'sum' } })).toEqual([
      ['CP_ERR_INVALID_VALUE', 'body[0].table.totals.region'],
    ]);
    expect(await problems({ columns: [{ field: 'region', bar: true }] })).toEqual([
      ['CP_ERR_INVALID_VALUE', 'body[0].table.columns[0].bar'],
    ]);
    expect(
      await problems({ style: [{ when: { field: 'margin', op: 'lt', value: 0 }, color: 'red' }] }),
    ).toEqual([['CP_ERR_INVALID_VALUE', 'body[0].table.style[0].color']]);
    expect(await problems({ totals: 'median' })).toEqual([['CP_ERR_INVALID_ENUM', 'body[0].table.totals']]);
    expect(await problems({ columns: [{ field: 'region', align: 'middle' }] })).toEqual([
      ['CP_ERR_INVALID_ENUM', 'body[0].table.columns[0].align'],
    ]);
  });

  it('report an unknown param in a style condition', async () => {
    expect(
      await problems({
        style: [{ when: { field: 'margin', op: 'lt', value: { param: 'nope' } }, color: 'muted' }],
      }),
    ).toEqual([['CP_ERR_UNKNOWN_PARAM', 'body[0].table.style[0].when.value']]);
  });
});
