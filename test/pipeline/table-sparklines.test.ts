import { afterAll, describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import { createEngine } from '../../src/index.js';
import { recordChannels } from '../telemetry/helpers.js';

const REGIONS = ['EU', 'US', 'APAC'];
const MONTHS = ['01', '02', '03', '04', '05', '06'];
const ROWS = REGIONS.flatMap((region, r) =>
  MONTHS.map((m, i) => ({ date: `2024-${m}-15`, region, revenue: 100 * (r + 1) + i * (r % 2 ? -7 : 11) })),
);

const MONTHLY = {
  from: 'sales',
  groupBy: ['region', { field: 'date', bucket: 'month', as: 'month' }],
  aggregate: { revenue: { op: 'sum', field: 'revenue' } },
  sort: ['month'],
};

type Report = Parameters<ReturnType<typeof createEngine>['render']>[0];

function report(
  sparkline: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  options: Record<string, unknown> = {},
): Report {
  return {
    title: 'Sparklines',
    datasets: { sales: { source: 'inline', rows: ROWS } },
    body: [
      {
        table: {
          data: {
            from: 'sales',
            groupBy: ['region'],
            aggregate: { revenue: { op: 'sum', field: 'revenue' } },
            sort: ['region'],
          },
          columns: ['region', 'revenue', { field: 'trend', title: 'Trend', sparkline }],
          ...options,
        },
      },
    ],
    ...extra,
  } as Report;
}

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

describe('sparkline columns', () => {
  const spark = { from: MONTHLY, key: 'region', x: 'month', y: 'revenue' };

  it('draws one sparkline per row in HTML, from the series rows of its key', async () => {
    const result = await engine.render(report(spark), { format: 'html' });
    expect(result.problems).toEqual([]);
    const html = String(result.output);
    expect(html).toContain('<th>Trend</th>');
    const cells = column(html, 2);
    expect(cells).toHaveLength(3);
    for (const c of cells) {
      expect(c.match(/<svg\b/g)).toHaveLength(1);
      expect(points(c)).toBe(6);
    }
    // The table's own columns are as before.
    expect(column(html, 0)).toEqual(['APAC', 'EU', 'US']);
  });

  it('embeds each sparkline in Typst as an image of its SVG file', async () => {
    const result = await engine.render(report(spark), { format: 'typ' });
    expect(result.problems).toEqual([]);
    const source = String(result.output);
    const images = [...source.matchAll(/image\("(\/charts\/[0-9a-f]+\.svg)", width: 75\.00pt\)/g)];
    expect(images).toHaveLength(3);
    // Cells beside the lines are centred on them.
    expect(source).toContain('middle: true)');
    const paths = new Set(images.map((m) => m[1] ?? ''));
    expect(paths.size).toBe(3);
    for (const path of paths) expect(Buffer.from(result.files.get(path) ?? []).toString()).toContain('<svg');
    const pdf = await engine.render(report(spark), { format: 'pdf' });
    expect(pdf.problems).toEqual([]);
  });

  it('runs the series query in the one scan of its dataset', async () => {
    const channels = recordChannels();
    await engine.render(report(spark), { format: 'html' });
    expect(channels.on('data:start').map((s) => [s.dataset, s.queries])).toEqual([['sales', 2]]);
  });

  it('draws each series once and takes it from the cache the next time', async () => {
    const cached = createEngine();
    try {
      const cold = await cached.render(report(spark), { format: 'html' });
      expect(cold.stats.cache).toMatchObject({ hits: 0, misses: 3 });
      const warm = await cached.render(report(spark), { format: 'html' });
      expect(warm.stats.cache).toMatchObject({ hits: 3, misses: 0 });
      expect(warm.output).toBe(cold.output);
    } finally {
      await cached.close();
    }
  });

  it("takes a named chart's query, its width and height, and leaves a row without series empty", async () => {
    const monthly = { ...MONTHLY, filter: [{ field: 'region', op: 'ne', value: 'US' }] };
    const charts = { monthly: { type: 'line', data: monthly, encode: { x: 'month', y: 'revenue' } } };
    const result = await engine.render(
      report({ from: 'monthly', key: 'region', x: 'month', y: 'revenue', width: 60, height: 16 }, { charts }),
      { format: 'html' },
    );
    expect(result.problems).toEqual([]);
    // The named chart is not placed: it is not drawn.
    expect(result.charts.map((c) => [c.id, c.status])).toEqual([['monthly', 'skipped']]);
    const cells = column(String(result.output), 2);
    expect(cells[2]).toBe('');
    expect(cells.slice(0, 2).map((c) => /<svg[^>]*width="(\d+)" height="(\d+)"/.exec(c)?.slice(1))).toEqual([
      ['60', '16'],
      ['60', '16'],
    ]);
  });

  it('keeps each line on its row between subtotal rows, which have none', async () => {
    const result = await engine.render(report(spark, {}, { subtotals: 'region' }), { format: 'html' });
    expect(result.problems).toEqual([]);
    const html = String(result.output);
    expect(column(html, 0)).toEqual(['APAC', 'APAC total', 'EU', 'EU total', 'US', 'US total']);
    expect(column(html, 2).map((c) => points(c))).toEqual([6, 0, 6, 0, 6, 0]);
    const typ = await engine.render(report(spark, {}, { subtotals: 'region' }), { format: 'typ' });
    expect(String(typ.output).match(/image\("\/charts\//g)).toHaveLength(3);
  });

  it('refuses a column the series lacks, with its path; the table fails alone', async () => {
    const result = await engine.render(report({ ...spark, y: 'sales' }), { format: 'html' });
    expect(result.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'body[0].table.columns[2].sparkline.y'],
    ]);
    const key = await engine.render(report({ ...spark, key: 'country' }), { format: 'html' });
    expect(key.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_COLUMN', 'body[0].table.columns[2].sparkline.key'],
    ]);
  });

  it('refuses an unknown chart or dataset as the series', async () => {
    const codes = async (from: unknown) => {
      try {
        await engine.render(report({ ...spark, from }), { format: 'html' });
        return [];
      } catch (e) {
        if (e instanceof ChartpressError) return e.problems.map((p) => [p.code, p.path]);
        throw e;
      }
    };
    expect(await codes('nope')).toEqual([
      ['CP_ERR_UNKNOWN_CHART', 'body[0].table.columns[2].sparkline.from'],
    ]);
    expect(await codes({ ...MONTHLY, from: 'nope' })).toEqual([
      ['CP_ERR_UNKNOWN_DATASET', 'body[0].table.columns[2].sparkline.from.from'],
    ]);
  });

  it('shows a line that fails to draw as its placeholder, and reports the problem', async () => {
    const failing = createEngine({
      cache: false,
      pool: {
        threads: 1,
        renderers: { sparkline: new URL('./fixtures/failing-renderer.mjs', import.meta.url) },
      },
    });
    try {
      const result = await failing.render(
        report({ from: MONTHLY, key: 'region', x: 'month', y: 'revenue' }),
        {
          format: 'html',
        },
      );
      const cells = column(result.output as string, 2);
      expect(cells).toHaveLength(3);
      for (const c of cells) expect(c).toContain('<svg');
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]?.message).toMatch(/the test renderer fails.*\(failed: table /);
    } finally {
      await failing.close();
    }
  });
});
