import { afterAll, describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import { createEngine } from '../../src/index.js';

// A sparkline column draws one measure per row: a series query that folds several measures
// into its rows would join them into one line, and is refused.

const REGIONS = ['EU', 'US'];
const MONTHS = ['01', '02', '03', '04', '05', '06'];
const ROWS = REGIONS.flatMap((region, r) =>
  MONTHS.flatMap((m, i) =>
    [1, 2, 3, 4, 5].map((k) => ({ date: `2024-${m}-15`, region, v: 10 * k + i * (r + 1) })),
  ),
);

const MONTHLY = {
  from: 'sales',
  groupBy: ['region', { field: 'date', bucket: 'month', as: 'month' }],
  aggregate: { p90: { op: 'p90', field: 'v' }, median: { op: 'median', field: 'v' } },
  sort: ['month'],
};

type Report = Parameters<ReturnType<typeof createEngine>['render']>[0];

function report(sparkline: Record<string, unknown>, extra: Record<string, unknown> = {}): Report {
  return {
    title: 'Sparklines',
    datasets: { sales: { source: 'inline', rows: ROWS } },
    body: [
      {
        table: {
          data: { from: 'sales', groupBy: ['region'], aggregate: { n: { op: 'count' } }, sort: ['region'] },
          columns: ['region', 'n', { field: 'trend', sparkline }],
        },
      },
    ],
    ...extra,
  } as Report;
}

const quantiles = {
  quantiles: { type: 'line', data: MONTHLY, encode: { x: 'month', y: ['p90', 'median'] } },
};

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

/** The cells of the column `x` (0-based) of the page's one table. */
function column(html: string, x: number): string[] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(
    (row) => [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)][x]?.[1] ?? '',
  );
}

/** How many points a sparkline's line joins (its path's moves and lines). */
function points(svg: string): number {
  const d = /<path d="([^"]+)"[^>]*fill="none"/.exec(svg)?.[1] ?? '';
  return (d.match(/[ML]/g) ?? []).length;
}

async function problems(r: Report): Promise<string[][]> {
  try {
    const result = await engine.render(r, { format: 'html' });
    return result.problems.map((p) => [p.code, p.path ?? '']);
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems.map((p) => [p.code, p.path ?? '']);
    throw e;
  }
}

describe('sparkline columns and several measures', () => {
  it("draw one measure of a chart with a y list: the chart's query as written, unfolded", async () => {
    const named = await engine.render(
      report({ from: 'quantiles', key: 'region', x: 'month', y: 'p90' }, { charts: quantiles }),
      { format: 'html' },
    );
    expect(named.problems).toEqual([]);
    const cells = column(String(named.output), 2);
    expect(cells.map(points)).toEqual([6, 6]);
    // The same lines as from a query of that measure alone.
    const alone = await engine.render(report({ from: MONTHLY, key: 'region', x: 'month', y: 'p90' }), {
      format: 'html',
    });
    expect(column(String(alone.output), 2)).toEqual(cells);
  });

  it("refuse the folded value column of a chart's y list: the series has no such column", async () => {
    expect(
      await problems(
        report({ from: 'quantiles', key: 'region', x: 'month', y: 'value' }, { charts: quantiles }),
      ),
    ).toEqual([['CP_ERR_UNKNOWN_COLUMN', 'body[0].table.columns[2].sparkline.y']]);
  });

  it('refuse a series query that folds measures into one line per row, with the path', async () => {
    const folded = { ...MONTHLY, fold: ['p90', 'median'] };
    expect(await problems(report({ from: folded, key: 'region', x: 'month', y: 'value' }))).toEqual([
      ['CP_ERR_INVALID_VALUE', 'body[0].table.columns[2].sparkline.y'],
    ]);
    const charts = {
      folded: { type: 'line', data: folded, encode: { x: 'month', y: 'value', series: 'key' } },
    };
    expect(
      await problems(report({ from: 'folded', key: 'region', x: 'month', y: 'value' }, { charts })),
    ).toEqual([['CP_ERR_INVALID_VALUE', 'body[0].table.columns[2].sparkline.y']]);
    const refused = await engine
      .render(report({ from: folded, key: 'region', x: 'month', y: 'value' }), { format: 'html' })
      .then(
        () => undefined,
        (e: ChartpressError) => e.problems[0],
      );
    expect(refused?.message).toMatch(
      /folds p90, median into its rows: the line of each region would mix them/,
    );
    expect(refused?.hint).toMatch(/key the column by "key"/);
  });

  it('draw one line per measure when the table has a row per measure, keyed by the fold', async () => {
    const r = {
      title: 'Measures',
      datasets: { sales: { source: 'inline', rows: ROWS } },
      body: [
        {
          table: {
            data: {
              from: 'sales',
              aggregate: { p90: { op: 'p90', field: 'v' }, median: { op: 'median', field: 'v' } },
              fold: ['p90', 'median'],
            },
            columns: [
              'key',
              'value',
              {
                field: 'trend',
                sparkline: {
                  from: {
                    from: 'sales',
                    groupBy: [{ field: 'date', bucket: 'month', as: 'month' }],
                    aggregate: { p90: { op: 'p90', field: 'v' }, median: { op: 'median', field: 'v' } },
                    sort: ['month'],
                    fold: ['p90', 'median'],
                  },
                  key: 'key',
                  x: 'month',
                  y: 'value',
                },
              },
            ],
          },
        },
      ],
    } as Report;
    const result = await engine.render(r, { format: 'html' });
    expect(result.problems).toEqual([]);
    const html = String(result.output);
    expect(column(html, 0)).toEqual(['p90', 'median']);
    expect(column(html, 2).map(points)).toEqual([6, 6]);
  });
});
