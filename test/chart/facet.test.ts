import { describe, expect, it } from 'vitest';
import { facetSized } from '../../src/chart/facet.js';
import { liveOption } from '../../src/chart/live.js';
import { buildOption, renderChartSvg } from '../../src/chart/render.js';
import { themeFor } from '../../src/chart/theme.js';
import { ChartpressError } from '../../src/errors.js';
import { type Frame, frameFromRows, type Row } from '../../src/frame.js';
import type { FacetSpec, NormalizedChart } from '../../src/spec/defaults.js';
import { checkReport, facetQuery, normalizeChart } from '../../src/spec/normalize.js';
import { validateReport } from '../../src/spec/parse.js';
import type { ChartType, Encode } from '../../src/spec/schema.js';
import { makeChart, revenueRows, texts } from './helpers.js';

type AnyRecord = Record<string, unknown>;
const list = (v: unknown): AnyRecord[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as AnyRecord[];

/** A chart of `type` faceted by `facet.field` (3 columns, 24 panels, fixed height unless said). */
function faceted<T extends ChartType>(
  type: T,
  encode: Encode,
  facet: Partial<FacetSpec> & { field: string },
  options: Record<string, unknown> = {},
  title?: string,
): NormalizedChart {
  const chart = makeChart(type, encode, options as never, title === undefined ? {} : { title });
  return {
    ...chart,
    facet: { columns: 3, maxPanels: 24, autoHeight: false, ...facet },
  } as NormalizedChart;
}

/** Sales by month, region and channel; APAC has no March and no "web" sales. */
function salesRows(): Row[] {
  const rows: Row[] = [];
  for (const region of ['EMEA', 'Americas', 'APAC']) {
    for (const month of ['2024-01-01', '2024-02-01', '2024-03-01']) {
      for (const channel of ['store', 'web']) {
        if (region === 'APAC' && (month === '2024-03-01' || channel === 'web')) continue;
        // Americas sells ten times more: shared scales show it.
        const base = region === 'Americas' ? 1000 : 100;
        rows.push({
          region,
          month,
          channel,
          amount: base + (channel === 'web' ? 20 : 0) + month.charCodeAt(6),
        });
      }
    }
  }
  return rows;
}
const sales = (): Frame => frameFromRows(salesRows());

function problemOf(run: () => unknown) {
  try {
    run();
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems[0];
    throw e;
  }
  throw new Error('expected a ChartpressError');
}

describe('faceted xy charts', () => {
  const bar = () =>
    faceted(
      'bar',
      { x: 'month', y: 'amount', series: 'channel' },
      { field: 'region', columns: 2 },
      {},
      'Sales',
    );

  it('draws one grid, one pair of axes and one title per facet value, in the order of the data', () => {
    const option = buildOption(bar(), sales());
    expect(list(option.grid)).toHaveLength(3);
    expect(list(option.xAxis).map((a) => a.gridIndex)).toEqual([0, 1, 2]);
    expect(list(option.yAxis).map((a) => a.gridIndex)).toEqual([0, 1, 2]);
    expect(list(option.graphic).map((g) => (g.style as AnyRecord).text)).toEqual([
      'EMEA',
      'Americas',
      'APAC',
    ]);
    // Each series bound to the axes of its panel: two series (store, web) per panel.
    expect(list(option.series).map((s) => [s.name, s.xAxisIndex, s.yAxisIndex])).toEqual([
      ['store', 0, 0],
      ['web', 0, 0],
      ['store', 1, 1],
      ['web', 1, 1],
      ['store', 2, 2],
      ['web', 2, 2],
    ]);
  });

  it('shares the value scale and lines up the categories of every panel', () => {
    const option = buildOption(bar(), sales());
    const ys = list(option.yAxis).map((a) => [a.min, a.max]);
    expect(new Set(ys.map((y) => JSON.stringify(y))).size).toBe(1);
    expect(ys[0]?.[1]).toBeGreaterThanOrEqual(1020 + 51);
    // APAC has no March: its panel still lists it, with no bar.
    const categories = list(option.xAxis).map((a) => a.data);
    expect(categories).toEqual(Array(3).fill(['2024-01-01', '2024-02-01', '2024-03-01']));
    const apacWeb = list(option.series).find((s) => s.xAxisIndex === 2 && s.name === 'web');
    expect(apacWeb?.data).toEqual([null, null, null]);
  });

  it('has one legend, over the whole grid, and panels in columns then rows', () => {
    const option = buildOption(bar(), sales());
    expect(Array.isArray(option.legend)).toBe(false);
    expect((option.legend as AnyRecord).show).toBe(true);
    const grids = list(option.grid);
    // Two columns: panel 3 starts a second row, under panel 1.
    expect(grids[0]?.left).toBe(grids[2]?.left);
    expect(Number(grids[2]?.top)).toBeGreaterThan(Number(grids[0]?.top));
    expect(Number(grids[1]?.left)).toBeGreaterThan(Number(grids[0]?.left));
    const svg = renderChartSvg(bar(), sales());
    const words = texts(svg);
    // Legend entries once each; panel titles once each; the chart title once.
    expect(words.filter((t) => t === 'web')).toHaveLength(1);
    expect(words.filter((t) => t === 'APAC')).toHaveLength(1);
    expect(words.filter((t) => t === 'Sales')).toHaveLength(1);
  });

  it('writes the ticks of the shared axis alike in every panel', () => {
    const rows = [
      { r: 'small', m: 'a', v: 120_000 },
      { r: 'small', m: 'b', v: 340_500 },
      { r: 'big', m: 'a', v: 2_400_000 },
      { r: 'big', m: 'b', v: 3_100_000 },
    ];
    const chart = faceted('bar', { x: 'm', y: 'v' }, { field: 'r' });
    const ticks = list(buildOption(chart, frameFromRows(rows)).yAxis).map((a) => {
      const format = (a.axisLabel as { formatter: (v: number) => string }).formatter;
      return [0, 1, 2].map((k) => format(Number(a.min) + k * Number(a.interval)));
    });
    expect(ticks[0]).toEqual(['0', '0.5M', '1.0M']);
    expect(ticks[1]).toEqual(ticks[0]);
  });

  it('shares the value axis of horizontal bars, which runs across', () => {
    const chart = faceted(
      'bar',
      { x: 'month', y: 'amount' },
      { field: 'region' },
      { orientation: 'horizontal' },
    );
    const option = buildOption(chart, sales());
    const xs = list(option.xAxis).map((a) => [a.type, a.min, a.max]);
    expect(new Set(xs.map((x) => JSON.stringify(x))).size).toBe(1);
    expect(xs[0]?.[0]).toBe('value');
  });

  it('spans the same time range in every panel of a line chart', () => {
    const chart = faceted('line', { x: 'month', y: 'amount', series: 'channel' }, { field: 'region' });
    const option = buildOption(chart, sales());
    const xs = list(option.xAxis).map((a) => [a.type, a.min, a.max]);
    expect(xs).toHaveLength(3);
    expect(new Set(xs.map((x) => JSON.stringify(x))).size).toBe(1);
    expect(xs[0]?.[0]).toBe('time');
    const ys = list(option.yAxis).map((a) => [a.min, a.max]);
    expect(new Set(ys.map((y) => JSON.stringify(y))).size).toBe(1);
  });

  it('shares both scales of a scatter', () => {
    const rows = salesRows().map((r, i) => ({ ...r, units: i * 3 + (r.region === 'APAC' ? 100 : 0) }));
    const chart = faceted('scatter', { x: 'units', y: 'amount', color: 'channel' }, { field: 'region' });
    const option = buildOption(chart, frameFromRows(rows));
    for (const axes of [option.xAxis, option.yAxis]) {
      const ends = list(axes).map((a) => JSON.stringify([a.min, a.max]));
      expect(ends).toHaveLength(3);
      expect(new Set(ends).size).toBe(1);
    }
  });

  it('draws areas and combos in panels too', () => {
    const area = buildOption(
      faceted('area', { x: 'month', y: 'amount', series: 'channel' }, { field: 'region' }),
      sales(),
    );
    expect(list(area.grid)).toHaveLength(3);
    const combo = buildOption(
      faceted('combo', { x: 'month', y: 'amount', y2: 'share' }, { field: 'region' }),
      frameFromRows(salesRows().map((r) => ({ ...r, share: Number(r.amount) / 2000 }))),
    );
    // Two value axes per panel, each series on the right one of its panel.
    expect(list(combo.yAxis).map((a) => a.gridIndex)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(list(combo.series).map((s) => s.yAxisIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    const left = list(combo.yAxis).filter((_, i) => i % 2 === 0);
    expect(new Set(left.map((a) => JSON.stringify([a.min, a.max]))).size).toBe(1);
  });
});

describe('faceted pies', () => {
  it('draws one pie per value, each in its panel, a slice keeping its colour across pies', () => {
    const chart = faceted('pie', { x: 'channel', y: 'amount' }, { field: 'region', columns: 3 });
    const option = buildOption(chart, sales());
    const pies = list(option.series);
    expect(pies).toHaveLength(3);
    expect(pies.every((p) => p.type === 'pie')).toBe(true);
    const lefts = pies.map((p) => Number(p.left));
    expect(lefts[1]).toBeGreaterThan(lefts[0] ?? 0);
    expect(lefts[2]).toBeGreaterThan(lefts[1] ?? 0);
    const colorOf = (pie: AnyRecord | undefined, name: string) =>
      (list(pie?.data).find((d) => d.name === name)?.itemStyle as AnyRecord | undefined)?.color;
    expect(colorOf(pies[0], 'store')).toBeDefined();
    expect(colorOf(pies[1], 'store')).toBe(colorOf(pies[0], 'store'));
    expect(colorOf(pies[2], 'store')).toBe(colorOf(pies[0], 'store'));
    expect(colorOf(pies[0], 'web')).not.toBe(colorOf(pies[0], 'store'));
    expect(Array.isArray(option.legend)).toBe(false);
  });
});

describe('facet limits and errors', () => {
  it('refuses more values than maxPanels with CP_ERR_TOO_MANY_PANELS', () => {
    const chart = faceted('bar', { x: 'month', y: 'amount' }, { field: 'region', maxPanels: 2 });
    const p = problemOf(() => buildOption(chart, sales()));
    expect(p?.code).toBe('CP_ERR_TOO_MANY_PANELS');
    expect(p?.path).toBe('facet.maxPanels');
    expect(p?.message).toMatch(/"region" has 3 values, more than the 2 panels allowed/);
    // At the limit, every value is drawn.
    const ok = faceted('bar', { x: 'month', y: 'amount' }, { field: 'region', maxPanels: 3 });
    expect(list(buildOption(ok, sales()).grid)).toHaveLength(3);
  });

  it('refuses a facet field the data lacks, at facet.field', () => {
    const chart = faceted('bar', { x: 'month', y: 'amount' }, { field: 'regio' });
    const p = problemOf(() => buildOption(chart, sales()));
    expect(p?.code).toBe('CP_ERR_UNKNOWN_COLUMN');
    expect(p?.path).toBe('facet.field');
    expect(p?.message).toContain('columns: region, month, channel, amount');
  });

  it('validates facet in the report, with the path of the bad field', () => {
    const report = (facet: unknown, type = 'bar') => ({
      title: 'T',
      datasets: { s: { source: 'inline', rows: [{ a: 1, r: 'x' }] } },
      charts: { c: { type, data: { from: 's' }, encode: { x: 'a', x2: 'a', y: 'a' }, facet } },
      body: [{ chart: 'c' }],
    });
    const paths = (facet: unknown, type?: string) =>
      problemOf(() => checkReport(validateReport(report(facet, type))));
    expect(paths({ field: 'r', columns: 0 })).toMatchObject({ path: 'charts.c.facet.columns' });
    expect(paths({ field: 'r', columns: 13 })).toMatchObject({ path: 'charts.c.facet.columns' });
    expect(paths({ field: 'r', maxPanels: 101 })).toMatchObject({ path: 'charts.c.facet.maxPanels' });
    expect(paths({ columns: 2 })).toMatchObject({
      code: 'CP_ERR_MISSING_FIELD',
      path: 'charts.c.facet.field',
    });
    expect(paths({ field: 'r', rows: 2 })).toMatchObject({ path: 'charts.c.facet.rows' });
    expect(paths({ field: 'r' }, 'gantt')).toMatchObject({
      code: 'CP_ERR_INVALID_VALUE',
      path: 'charts.c.facet',
    });
  });
});

describe('facet normalization and size', () => {
  it('groups a grouped query by the facet field too, once', () => {
    const query = { from: 's', groupBy: ['month'], aggregate: { n: { op: 'count' as const } } };
    expect(facetQuery(query, 'region').groupBy).toEqual(['month', 'region']);
    expect(facetQuery({ ...query, groupBy: ['region', 'month'] }, 'region').groupBy).toEqual([
      'region',
      'month',
    ]);
    expect(facetQuery({ from: 's', aggregate: query.aggregate }, 'region').groupBy).toEqual(['region']);
    // Rows passed through keep every column.
    expect(facetQuery({ from: 's' }, 'region')).toEqual({ from: 's' });
    const chart = normalizeChart('c', {
      type: 'bar',
      data: query,
      encode: { x: 'month', y: 'n' },
      facet: { field: 'region' },
    });
    expect(chart.facet).toEqual({ field: 'region', columns: 3, maxPanels: 24, autoHeight: true });
    expect(chart.query.groupBy).toEqual(['month', 'region']);
  });

  it('grows with its rows of panels when it sets no height, and keeps a given one', () => {
    const theme = themeFor('default');
    const rows = (regions: string[]) => frameFromRows(revenueRows(undefined, regions));
    const chart = faceted('bar', { x: 'month', y: 'revenue' }, { field: 'region', autoHeight: true });
    const three = facetSized(chart, rows(['a', 'b', 'c']), theme).options.height;
    const six = facetSized(chart, rows(['a', 'b', 'c', 'd', 'e', 'f']), theme).options.height;
    const seven = facetSized(chart, rows(['a', 'b', 'c', 'd', 'e', 'f', 'g']), theme).options.height;
    expect(six - three).toBe(seven - six);
    expect(six - three).toBeGreaterThanOrEqual(180);
    // Sizing again gives the same size.
    const sized = facetSized(chart, rows(['a', 'b', 'c', 'd']), theme);
    expect(facetSized(sized, rows(['a', 'b', 'c', 'd']), theme).options.height).toBe(sized.options.height);
    const fixed = faceted('bar', { x: 'month', y: 'revenue' }, { field: 'region' }, { height: 321 });
    expect(facetSized(fixed, rows(['a', 'b', 'c', 'd']), theme).options.height).toBe(321);
    // The SVG is drawn at that size.
    const svg = renderChartSvg(chart, rows(['a', 'b', 'c', 'd']));
    expect(svg).toContain(`height="${sized.options.height}"`);
  });

  it('makes a live option for interactive HTML, with every panel', () => {
    const chart = faceted('line', { x: 'month', y: 'amount', series: 'channel' }, { field: 'region' });
    const live = liveOption(chart, sales());
    expect(live).toBeDefined();
    expect(live).toContain('"gridIndex":2');
  });

  it('is the same SVG twice', () => {
    const chart = faceted('line', { x: 'month', y: 'amount', series: 'channel' }, { field: 'region' });
    expect(renderChartSvg(chart, sales())).toBe(renderChartSvg(chart, sales()));
  });

  it('draws "No data" over the whole chart without rows', () => {
    const chart = faceted('bar', { x: 'month', y: 'amount' }, { field: 'region' });
    expect(texts(renderChartSvg(chart, frameFromRows([])))).toContain('No data');
  });
});
