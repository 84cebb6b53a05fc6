import { afterAll, describe, expect, it } from 'vitest';
import { buildOption } from '../../src/chart/render.js';
import { themes } from '../../src/chart/theme.js';
import { frameFromRows, type Row } from '../../src/frame.js';
import { createEngine, type ReportInput } from '../../src/index.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import { ChartSpec } from '../../src/spec/schema.js';

// `encode.y: [p90, median]` lists its series, and colours them, in the order written; charts
// with a `series` column keep theirs sorted.

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

async function chartSvgs(report: ReportInput): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [id, get] of await engine.charts(report)) out[id] = (await get()).svg;
  return out;
}

/** Legend entries of an SVG, in the order they are drawn (left to right on its lowest row). */
function legend(svg: string, names: readonly string[]): string[] {
  const found = [
    ...svg.matchAll(/<text\b[^>]*transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>([^<]*)<\/text>/g),
  ]
    .filter((m) => names.includes(m[3] ?? ''))
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), name: m[3] ?? '' }));
  const bottom = Math.max(...found.map((f) => f.y));
  return found
    .filter((f) => f.y === bottom)
    .sort((a, b) => a.x - b.x)
    .map((f) => f.name);
}

/** The fill of the legend icon drawn just before `name`. */
const iconColor = (svg: string, name: string) =>
  new RegExp(`fill="(#[0-9a-f]{6})"[^>]*></path>\\s*<text[^>]*>${name}</text>`).exec(svg)?.[1];

const rows: Row[] = ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01'].flatMap((month, m) =>
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => ({
    month,
    region: k % 2 ? 'North' : 'South',
    v: 10 * k + 5 * m,
  })),
);

const quantiles = {
  groupBy: ['month'],
  aggregate: {
    p90: { op: 'p90', field: 'v' },
    median: { op: 'median', field: 'v' },
    mean: { op: 'avg', field: 'v' },
  },
};

const written = ['p90', 'median', 'mean'];

function report(charts: Record<string, unknown>): ReportInput {
  return {
    title: 'Written order',
    datasets: { d: { source: 'inline', rows } },
    charts,
    body: Object.keys(charts).map((chart) => ({ chart })),
  } as unknown as ReportInput;
}

const yList = (type: string, options: Record<string, unknown> = {}) => ({
  type,
  data: { from: 'd', ...quantiles },
  encode: { x: 'month', y: written },
  options: { legend: 'bottom', ...options },
});

describe('a list of y columns', () => {
  it('lists and colours its series in the order written, in every chart type that takes one', async () => {
    const svgs = await chartSvgs(
      report({
        line: yList('line'),
        bar: yList('bar'),
        area: yList('area'),
        scatter: yList('scatter'),
      }),
    );
    const palette = themes.default.palette;
    for (const [id, svg] of Object.entries(svgs)) {
      expect(legend(svg, written), id).toEqual(written);
      expect(
        written.map((n) => iconColor(svg, n)),
        id,
      ).toEqual(palette.slice(0, 3));
    }
  });

  it('lists the boxes of a box plot in the order written', async () => {
    const svgs = await chartSvgs(
      report({
        box: {
          type: 'boxplot',
          data: { from: 'd', calculate: { twice: 'v * 2', half: 'v / 2' } },
          encode: { x: 'region', y: ['twice', 'v', 'half'] },
          options: { legend: 'bottom' },
        },
      }),
    );
    expect(legend(svgs.box ?? '', ['twice', 'v', 'half'])).toEqual(['twice', 'v', 'half']);
  });

  it('keeps the written order in the shared legend of small multiples', async () => {
    const svgs = await chartSvgs(
      report({
        faceted: {
          ...yList('line'),
          data: { from: 'd', ...quantiles, groupBy: ['month', 'region'] },
          facet: { field: 'region' },
        },
      }),
    );
    expect(legend(svgs.faceted ?? '', written)).toEqual(written);
  });

  it('leaves the sorted order, and the colours, of a series column alone', async () => {
    // The y list's series column is named "series"; so is this chart's own column.
    const named = rows.map((r) => ({ ...r, series: r.region === 'North' ? 'zeta' : 'alpha' }));
    const svgs = await chartSvgs({
      ...report({
        quantiles: yList('line'),
        plain: {
          type: 'line',
          data: { from: 'n', groupBy: ['month', 'series'], aggregate: { v: { op: 'sum', field: 'v' } } },
          encode: { x: 'month', y: 'v', series: 'series' },
          options: { legend: 'bottom' },
        },
      }),
      datasets: { d: { source: 'inline', rows }, n: { source: 'inline', rows: named } },
    } as unknown as ReportInput);
    const plain = svgs.plain ?? '';
    expect(legend(plain, ['alpha', 'zeta'])).toEqual(['alpha', 'zeta']);
    // The y list's names take no place in the report's colours of the field.
    const palette = themes.default.palette;
    expect([iconColor(plain, 'alpha'), iconColor(plain, 'zeta')]).toEqual(palette.slice(0, 2));
    expect(legend(svgs.quantiles ?? '', written)).toEqual(written);
  });

  it('orders the series of the option, and puts the order in the normalized chart', () => {
    const chart = normalizeChart('c', ChartSpec.parse(yList('bar')));
    expect(chart.seriesNames).toEqual(written);
    const frame = frameFromRows(
      ['2024-01-01', '2024-02-01'].flatMap((month) =>
        written.map((series, i) => ({ month, series, value: i + 1 })),
      ),
    );
    const option = buildOption(chart, frame) as { series: { name: string }[] };
    expect(option.series.map((s) => s.name)).toEqual(written);
    const single = normalizeChart(
      'c',
      ChartSpec.parse({ ...yList('bar'), encode: { x: 'month', y: 'p90' } }),
    );
    expect(single.seriesNames).toBeUndefined();
  });
});
