import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, describe, expect, it } from 'vitest';
import { measureText } from '../../src/chart/metrics.js';
import { chartPxFor, PX_TO_PT, rowCellPt, textWidthPt } from '../../src/document/page.js';
import { MIN_TABLE_FONT_PT, TABLE_FONT_PT } from '../../src/document/table-layout.js';
import { createEngine, type ReportInput } from '../../src/index.js';

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

const COUNTRIES = [
  'Afghanistan',
  'Bosnia and Herzegovina',
  'Central African Republic',
  'Chad',
  'Dominican Republic',
  'Equatorial Guinea',
];
const YEARS = Array.from({ length: 16 }, (_, i) => 1995 + i);

/** Population by country and year: 7,971,931 for Afghanistan in 1995, none for Chad in 2001. */
const POPULATION = COUNTRIES.flatMap((country, c) =>
  YEARS.flatMap((year, y) =>
    country === 'Chad' && year === 2001
      ? []
      : [
          {
            country,
            year,
            population: c === 0 && y === 0 ? 7_971_931 : 10_000_000 + c * 1_234_567 + y * 98_765,
          },
        ],
  ),
);

/** A pivot of countries by `years` (a wide table when there are many). */
const pivotTable = (years: readonly number[], extra: Record<string, unknown> = {}) => ({
  table: {
    title: 'Population by country and year',
    data: {
      from: 'pop',
      filter: [{ field: 'year', op: 'in', value: [...years] }],
      groupBy: ['country', 'year'],
      aggregate: { population: { op: 'sum', field: 'population' } },
      pivot: { on: 'year', value: 'population' },
    },
    ...extra,
  },
});

const report = (body: unknown[], extra: Record<string, unknown> = {}): ReportInput =>
  ({
    title: 'Layout',
    datasets: { pop: { source: 'inline', rows: POPULATION }, ...((extra.datasets as object) ?? {}) },
    charts: extra.charts ?? {},
    body,
  }) as unknown as ReportInput;

const typ = async (r: ReportInput) => (await engine.render(r, { format: 'typ' })).output as string;
const html = async (r: ReportInput) => (await engine.render(r, { format: 'html' })).output as string;
const pdf = async (r: ReportInput) => (await engine.render(r, { format: 'pdf' })).output as Uint8Array;

/** The `#datatable(...)` calls of a Typst source: column widths (pt), font size and headers. */
function datatables(source: string) {
  return [...source.matchAll(/^#datatable\(\(([^)]*)\), \([^)]*\), ([\d.]+)pt, \(([^)]*)\)/gm)].map((m) => ({
    widths: (m[1] ?? '')
      .split(',')
      .filter((w) => w.trim())
      .map((w) => Number.parseFloat(w)),
    fontPt: Number(m[2]),
    headers: [...(m[3] ?? '').matchAll(/"([^"]*)"/g)].map((h) => h[1]),
  }));
}

/** Each page's text runs with their position (x from the left, y from the bottom) and width, in pt. */
async function pdfRuns(bytes: Uint8Array) {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const pages: { str: string; x: number; y: number; width: number }[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items.flatMap((it) =>
        'str' in it && it.str.trim()
          ? [{ str: it.str, x: it.transform[4] as number, y: it.transform[5] as number, width: it.width }]
          : [],
      ),
    );
  }
  await doc.destroy();
  return pages;
}

const A4_TEXT_PT = textWidthPt({ size: 'a4', orientation: 'portrait' });

describe('tables fit their page', () => {
  it('sizes columns from their content, at the full font when the table fits', async () => {
    const source = await typ(report([pivotTable([2000, 2001])]));
    const [t] = datatables(source);
    expect(t?.fontPt).toBe(TABLE_FONT_PT);
    expect(t?.headers).toEqual(['country', '2000', '2001']);
    // "Central African Republic" is wider than any number of the year columns.
    const [country = 0, y2000 = 0, y2001 = 0] = t?.widths ?? [];
    expect(country).toBeGreaterThan(y2000 + 20);
    expect(Math.abs(y2000 - y2001)).toBeLessThan(3);
  });

  it('shrinks the font of a table a little too wide, down to the minimum', async () => {
    const [t] = datatables(await typ(report([pivotTable(YEARS.slice(0, 7))])));
    expect(t?.fontPt).toBeLessThan(TABLE_FONT_PT);
    expect(t?.fontPt).toBeGreaterThanOrEqual(MIN_TABLE_FONT_PT);
    expect(t?.widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(A4_TEXT_PT);
  });

  it('wraps long headers once the font is at its minimum, before splitting', async () => {
    const years = YEARS.slice(0, 6);
    const columns = [
      'country',
      ...years.map((y) => ({ field: String(y), title: `Resident population in ${y}` })),
    ];
    const parts = datatables(await typ(report([pivotTable(years, { columns })])));
    expect(parts).toHaveLength(1);
    expect(parts[0]?.fontPt).toBe(MIN_TABLE_FONT_PT);
    // The year columns are narrower than their headers set on one line.
    const oneLine = measureText('Resident population in 2000', `600 ${MIN_TABLE_FONT_PT}px Inter`).width;
    for (const w of parts[0]?.widths.slice(1) ?? []) expect(w).toBeLessThan(oneLine);
  });

  it('splits a table far too wide into stacked tables, each repeating the key column', async () => {
    const parts = datatables(await typ(report([pivotTable(YEARS)])));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.fontPt).toBe(MIN_TABLE_FONT_PT);
      expect(part.headers[0]).toBe('country');
      expect(part.widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(A4_TEXT_PT);
    }
    // Every year shows once, in order.
    expect(parts.flatMap((p) => p.headers.slice(1))).toEqual(YEARS.map(String));
  });

  it('sets names and numbers apart in the PDF: "Afghanistan" ends before "7,971,931" begins', async () => {
    for (const years of [YEARS.slice(0, 7), YEARS]) {
      const pages = await pdfRuns(await pdf(report([pivotTable(years)])));
      const runs = pages.flat();
      const name = runs.find((r) => r.str === 'Afghanistan');
      const number = runs.find((r) => r.str === '7,971,931');
      expect(name, `years ${years.length}`).toBeDefined();
      expect(number, `years ${years.length}`).toBeDefined();
      if (!name || !number) continue;
      expect(Math.abs(name.y - number.y)).toBeLessThan(1);
      expect(name.x + name.width).toBeLessThan(number.x);
      // No text run crosses the right margin.
      for (const r of runs) expect(r.x + r.width).toBeLessThanOrEqual(595.28 - 56.69 + 1);
    }
  });

  it('scrolls a table inside its box in HTML', async () => {
    const page = await html(report([pivotTable(YEARS)]));
    expect(page).toMatch(/<div class="scroll"><table>/);
    expect(page).toMatch(/\.table \.scroll \{ overflow-x: auto; \}/);
    // HTML does not split: one table with every year.
    expect(page.match(/<table>/g)).toHaveLength(1);
  });

  it('shows missing pivot cells as a dash, or as the table fill', async () => {
    const chad = (page: string) => {
      const row = [...page.matchAll(/<tr>(.*?)<\/tr>/g)]
        .map((m) => m[1] ?? '')
        .find((r) => r.includes('>Chad<'));
      return [...(row ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
    };
    const years = [2000, 2001, 2002];
    expect(chad(await html(report([pivotTable(years)])))[2]).toBe('–');
    expect(chad(await html(report([pivotTable(years, { fill: 0 })])))[2]).toBe('0');
    expect(chad(await html(report([pivotTable(years, { fill: 'n/a' })])))[2]).toBe('n/a');
    const formatted = pivotTable(years, {
      fill: 0,
      columns: ['country', { field: '2001', format: '$,.2f' }],
    });
    expect(chad(await html(report([formatted])))[1]).toBe('$0.00');
  });

  it('fills the columns of a pivot whose query fills gaps with zero', async () => {
    const rows = [
      { product: 'A', date: '2024-01-01', n: 1 },
      { product: 'A', date: '2024-02-01', n: 2 },
      { product: 'B', date: '2024-01-01', n: 3 },
    ];
    const table = (fill?: string) => ({
      table: {
        data: {
          from: 'sales',
          groupBy: [{ field: 'date', bucket: 'month' }, 'product'],
          aggregate: { n: { op: 'sum', field: 'n' } },
          pivot: { on: 'product', value: 'n' },
          sort: ['date'],
          ...(fill ? { fill } : {}),
        },
      },
    });
    const cells = async (fill?: string) => {
      const page = await html(report([table(fill)], { datasets: { sales: { source: 'inline', rows } } }));
      return [...page.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
    };
    expect(await cells()).toEqual(['Jan 2024', '1', '3', 'Feb 2024', '2', '–']);
    expect(await cells('zero')).toEqual(['Jan 2024', '1', '3', 'Feb 2024', '2', '0']);
  });
});

describe('page breaks', () => {
  it('makes headings and table titles sticky, short tables unbreakable and long headers repeat', async () => {
    const source = await typ(report([{ heading: 'H' }, pivotTable([2000])]));
    for (const level of [1, 2, 3]) {
      expect(source).toMatch(
        new RegExp(`#show heading.where\\(level: ${level}\\): it => block\\(sticky: true`),
      );
    }
    expect(source).toContain('#let tabletitle(title) = block(sticky: true');
    expect(source).toContain('#tabletitle("Population by country and year")');
    expect(source).toMatch(/let short = n <= 10\b/);
    expect(source).toContain('breakable: not short');
    expect(source).toContain('table.header(repeat: true');
    expect(source).toContain('table.cell(rowspan: 2, breakable: false)');
  });

  it('never leaves a table row alone on a page, never splits a short table, keeps titles and headings with their table', async () => {
    // Tables of 14 and 8 rows after paragraphs of growing length: page breaks fall everywhere.
    const rows = Array.from({ length: 16 }, (_, t) =>
      Array.from({ length: t % 2 ? 8 : 14 }, (_, r) => ({ t, key: `T${t}R${r}`, v: r })),
    ).flat();
    const body = Array.from({ length: 16 }, (_, t) => [
      { text: 'Filler words to move the next table down the page. '.repeat(1 + ((t * 7) % 11)) },
      { heading: `Section ${t}`, level: 2 },
      {
        table: {
          title: `Table ${t}`,
          data: { from: 'rows', filter: [{ field: 't', op: 'eq', value: t }] },
          columns: [{ field: 'key', title: `Key ${t}` }, 'v'],
        },
      },
    ]).flat();
    const pages = await pdfRuns(await pdf(report(body, { datasets: { rows: { source: 'inline', rows } } })));
    expect(pages.length).toBeGreaterThan(3);
    let split = 0;
    for (let t = 0; t < 16; t++) {
      const size = t % 2 ? 8 : 14;
      const perPage = pages.map((runs) => runs.filter((r) => new RegExp(`^T${t}R\\d+$`).test(r.str)).length);
      const on = perPage.flatMap((n, p) => (n > 0 ? [p] : []));
      expect(perPage.reduce((a, b) => a + b, 0)).toBe(size);
      for (const n of perPage) expect(n === 0 || n >= 2, `table ${t}: rows per page ${perPage}`).toBe(true);
      if (size <= 10) expect(on, `short table ${t}`).toHaveLength(1);
      if (on.length > 1) split++;
      // The header repeats on every page the table is on; its title and heading sit with its first rows.
      const first = on[0] ?? -1;
      for (const p of on) expect(pages[p]?.some((r) => r.str === `Key ${t}`)).toBe(true);
      expect(pages[first]?.some((r) => r.str === `Table ${t}`)).toBe(true);
      expect(pages[first]?.some((r) => r.str === `Section ${t}`)).toBe(true);
    }
    expect(split).toBeGreaterThan(0);
  });

  it('keeps a chart on the page of its heading and the line introducing it', async () => {
    const chart = {
      type: 'bar',
      title: 'Stuck chart',
      data: { from: 'pop', groupBy: ['country'], aggregate: { p: { op: 'sum', field: 'population' } } },
      encode: { x: 'country', y: 'p' },
      options: { height: 420 },
    };
    // The filler leaves room at the foot of page 1 for the heading and its line, not for the chart.
    const body = [
      { text: 'Filler words to fill most of the first page. '.repeat(80) },
      { heading: 'Chart heading' },
      { text: 'A line that introduces the chart below.' },
      { chart },
    ];
    // Chart text comes out a glyph at a time: compare pages' text without spaces.
    const pages = (await pdfRuns(await pdf(report(body)))).map((runs) =>
      runs
        .map((r) => r.str)
        .join('')
        .replace(/\s+/g, ''),
    );
    const headingPage = pages.findIndex((text) => text.includes('Chartheading'));
    const chartPage = pages.findIndex((text) => text.includes('Stuckchart'));
    expect(chartPage).toBeGreaterThan(0);
    expect(headingPage).toBe(chartPage);
  });
});

describe('charts in a row', () => {
  const bar = (options: Record<string, unknown> = {}) => ({
    type: 'bar',
    data: { from: 'pop', groupBy: ['country'], aggregate: { p: { op: 'sum', field: 'population' } } },
    encode: { x: 'country', y: 'p' },
    options,
  });
  const cellPt = rowCellPt(A4_TEXT_PT, 3);
  const cellPx = chartPxFor(cellPt);

  it('are drawn at the width of their cell, and placed at it without scaling', async () => {
    const r = report([{ row: [{ chart: 'a' }, { chart: 'b' }, { chart: 'c' }] }], {
      charts: { a: bar(), b: bar({ height: 240 }), c: bar({ width: 500 }) },
    });
    const result = await engine.render(r, { format: 'html' });
    const sizes = Object.fromEntries(result.charts.map((c) => [c.id, c]));
    expect(cellPx).toBe(Math.floor(cellPt / PX_TO_PT));
    const page = result.output as string;
    expect(page).toContain(`grid-template-columns: repeat(3, minmax(0, ${cellPx}px))`);
    const svgWidths = [...page.matchAll(/<svg id="c\d+-chart"[^>]*?\swidth="(\d+)"/g)].map((m) =>
      Number(m[1]),
    );
    // A chart whose options set a width keeps it (and is scaled down to its cell).
    expect(svgWidths).toEqual([cellPx, cellPx, 500]);
    expect(sizes.a?.status).toBe('rendered');

    const source = await typ(r);
    const widths = [...source.matchAll(/#chart\("[^"]+", ([\d.]+)pt\)/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([cellPx * PX_TO_PT, cellPx * PX_TO_PT, Number(cellPt.toFixed(2))]);
  });

  it('keep the height their options set, and else a height with room to plot', async () => {
    const r = report([{ row: [{ chart: 'a' }, { chart: 'b' }, { chart: 'c' }] }], {
      charts: { a: bar(), b: bar({ height: 240 }), c: { ...bar(), type: 'sparkline', encode: { y: 'p' } } },
    });
    const page = await html(r);
    const sizes = [...page.matchAll(/<svg id="c\d+-chart"[^>]*?\swidth="(\d+)" height="(\d+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(sizes).toEqual([
      [cellPx, 200],
      [cellPx, 240],
      [cellPx, Math.round((20 * cellPx) / 100)],
    ]);
  });

  it('a chart placed alone and in a row is two pictures, and a chart in a row is keyed by its width', async () => {
    const r = report([{ chart: 'a' }, { row: [{ chart: 'a' }, { chart: 'b' }] }], {
      charts: { a: bar(), b: bar() },
    });
    const result = await engine.render(r, { format: 'html' });
    const two = chartPxFor(rowCellPt(A4_TEXT_PT, 2));
    const charts = result.charts.map((c) => [c.id, c.key] as const);
    expect(charts.map(([id]) => id)).toEqual(['a', `a@${two}px`, 'b']);
    const keys = new Map(charts);
    expect(keys.get('a')).not.toBe(keys.get(`a@${two}px`));
    expect(keys.get(`a@${two}px`)).toBe(keys.get('b'));
  });
});
