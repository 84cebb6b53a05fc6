import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';

const ROWS = [
  { date: '2000-01-15', region: 'EU', amount: 42.2, people: 7_971_931 },
  { date: '2000-02-03', region: 'US', amount: 43.88, people: 12 },
  { date: '2000-05-20', region: 'EU', amount: 3, people: 1500 },
  { date: '2001-11-30', region: 'US', amount: 7_000_000, people: 0 },
];

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

/** The header and cell texts of the one table of a report, as the HTML page shows them. */
async function tableCells(table: { data: Record<string, unknown>; columns?: unknown[] }) {
  const report = {
    title: 'Tables',
    datasets: { rows: { source: 'inline', rows: ROWS } },
    body: [{ table: { ...table, data: { from: 'rows', ...table.data } } }],
  };
  const page = (await engine.render(report as Parameters<typeof engine.render>[0], { format: 'html' }))
    .output as string;
  const cells = (tag: string, html: string) =>
    [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>(.*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
  const head = cells('th', page);
  const rows = cells('tr', page.slice(page.indexOf('<tbody>'))).map((r) => cells('td', r));
  return { head, rows };
}

describe('table cells', () => {
  it('share their decimals down a numeric column', async () => {
    const { rows } = await tableCells({ data: { filter: [{ field: 'amount', op: 'lt', value: 100 }] } });
    expect(rows.map((r) => r[2])).toEqual(['42.20', '43.88', '3.00']);
    // Four-digit numbers take no thousands separator unless the column reaches five digits.
    expect(rows.map((r) => r[3])).toEqual(['7,971,931', '12', '1,500']);
  });

  it('follow a column format exactly as d3-format writes it', async () => {
    const { rows } = await tableCells({
      data: {},
      columns: [
        { field: 'amount', format: '.2s' },
        { field: 'people', format: '$,.2f' },
        { field: 'amount', title: 'pct', format: '.1%' },
      ],
    });
    expect(rows[0]).toEqual(['42', '$7,971,931.00', '4220.0%']);
    expect(rows[3]).toEqual(['7.0M', '$0.00', '700000000.0%']);
  });

  it('print time buckets as their bucket', async () => {
    const by = async (bucket: string) =>
      (
        await tableCells({
          data: {
            groupBy: [{ field: 'date', bucket }],
            aggregate: { n: { op: 'count' } },
            sort: ['date'],
          },
        })
      ).rows.map((r) => r[0]);
    expect(await by('year')).toEqual(['2000', '2001']);
    expect(await by('quarter')).toEqual(['Q1 2000', 'Q2 2000', 'Q4 2001']);
    expect(await by('month')).toEqual(['Jan 2000', 'Feb 2000', 'May 2000', 'Nov 2001']);
    expect(await by('day')).toEqual(['Jan 15 2000', 'Feb 3 2000', 'May 20 2000', 'Nov 30 2001']);
  });

  it('write dates with a column format as d3-time-format does', async () => {
    const { rows } = await tableCells({
      data: {
        groupBy: [{ field: 'date', bucket: 'month' }],
        aggregate: { n: { op: 'count' } },
        sort: ['date'],
      },
      columns: [{ field: 'date', format: '%B %Y' }, 'n'],
    });
    expect(rows.map((r) => r[0])).toEqual(['January 2000', 'February 2000', 'May 2000', 'November 2001']);
    const raw = await tableCells({ data: {}, columns: [{ field: 'date', format: '%a %-d %b %Y, Q%q' }] });
    expect(raw.rows[0]).toEqual(['Sat 15 Jan 2000, Q1']);
  });

  it('show an hour bucket in its time zone at the local hour', async () => {
    const { rows } = await tableCells({
      data: {
        filter: [{ field: 'region', op: 'eq', value: 'EU' }],
        groupBy: [{ field: 'date', bucket: 'hour', timezone: 'Asia/Tokyo' }],
        aggregate: { n: { op: 'count' } },
        sort: ['date'],
      },
    });
    expect(rows[0]).toEqual(['Jan 15 2000 00:00', '1']);
  });

  it('title the columns pivoted from a time bucket by their bucket', async () => {
    const { head, rows } = await tableCells({
      data: {
        groupBy: ['region', { field: 'date', bucket: 'year', as: 'year' }],
        aggregate: { n: { op: 'count' } },
        pivot: { on: 'year', value: 'n' },
        sort: ['region'],
      },
    });
    expect(head).toEqual(['region', '2000', '2001']);
    expect(rows[0]).toEqual(['EU', '2', '–']);
  });

  it('share one format across the columns of a pivot', async () => {
    const { rows } = await tableCells({
      data: {
        groupBy: ['region', { field: 'date', bucket: 'year' }],
        aggregate: { amount: { op: 'sum', field: 'amount' } },
        pivot: { on: 'date', value: 'amount' },
        sort: ['region'],
      },
    });
    // 2000 holds 43.88 (two decimals) and 2001 reaches 7,000,000 (separators): both columns get both.
    expect(rows).toEqual([
      ['EU', '45.20', '–'],
      ['US', '43.88', '7,000,000.00'],
    ]);
  });
});
