import { afterAll, describe, expect, it } from 'vitest';
import { measureText } from '../../src/chart/metrics.js';
import { buildOption, renderChartSvg } from '../../src/chart/render.js';
import { themes } from '../../src/chart/theme.js';
import { FONT_STACK } from '../../src/font.js';
import { frameFromRows, type Row } from '../../src/frame.js';
import { createEngine, type ReportInput } from '../../src/index.js';
import { sparklineTitle } from '../../src/spec/defaults.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import { ChartSpec } from '../../src/spec/schema.js';
import { makeChart, stroked, texts } from './helpers.js';

// Defects seen in reports on real data: legends in the order rows came in, lines that break
// where only they lack a point, rule labels over the data, sparkline titles dropped, bin labels
// with an ASCII hyphen, a scatter's x axis ignoring its number format.

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

/** The SVG of every chart of a report, by id, drawn through the engine. */
async function chartSvgs(report: ReportInput): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [id, get] of await engine.charts(report)) out[id] = (await get()).svg;
  return out;
}

/** Legend entries of an SVG, in the order they are drawn (left to right on one row). */
function legend(svg: string, names: readonly string[]): string[] {
  const found = [
    ...svg.matchAll(/<text\b[^>]*transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>([^<]*)<\/text>/g),
  ]
    .filter((m) => names.includes(m[3] ?? ''))
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), name: m[3] ?? '' }));
  // The legend row is the lowest row of these names.
  const bottom = Math.max(...found.map((f) => f.y));
  return found
    .filter((f) => f.y === bottom)
    .sort((a, b) => a.x - b.x)
    .map((f) => f.name);
}

describe('series and legends follow the colour order', () => {
  // Japan shows first in the rows (it alone has 3 cylinders), as it did in the cars report.
  const rows: Row[] = [
    { cyl: 3, year: '1970-01-01', origin: 'Japan', n: 4 },
    { cyl: 4, year: '1970-01-01', origin: 'Europe', n: 60 },
    { cyl: 4, year: '1971-01-01', origin: 'Japan', n: 70 },
    { cyl: 4, year: '1971-01-01', origin: 'USA', n: 70 },
    { cyl: 6, year: '1972-01-01', origin: 'USA', n: 74 },
    { cyl: 6, year: '1972-01-01', origin: 'Europe', n: 4 },
  ];
  const chart = (type: string, encode: Record<string, string>, options: Record<string, unknown> = {}) => ({
    type,
    data: { from: 'cars' },
    encode,
    options: { legend: 'bottom', ...options },
  });
  const report = {
    title: 'Order',
    datasets: { cars: { source: 'inline', rows } },
    charts: {
      bar: chart('bar', { x: 'cyl', y: 'n', series: 'origin' }, { stacked: true }),
      line: chart('line', { x: 'year', y: 'n', series: 'origin' }),
      area: chart('area', { x: 'year', y: 'n', series: 'origin' }),
      scatter: chart('scatter', { x: 'cyl', y: 'n', color: 'origin' }),
      gantt: chart('gantt', { x: 'cyl', x2: 'n', y: 'origin', series: 'origin' }),
    },
    body: ['bar', 'line', 'area', 'scatter', 'gantt'].map((c) => ({ chart: c })),
  } as unknown as ReportInput;

  it('lists Europe, Japan, USA in every chart type, each in its report colour', async () => {
    const svgs = await chartSvgs(report);
    const names = ['Europe', 'Japan', 'USA'];
    const palette = themes.default.palette;
    for (const [id, svg] of Object.entries(svgs)) {
      expect(legend(svg, names), id).toEqual(names);
      // Each legend entry's icon (drawn just before its text) has the value's sorted colour.
      const icon = (name: string) =>
        new RegExp(`fill="(#[0-9a-f]{6})"[^>]*></path>\\s*<text[^>]*>${name}</text>`).exec(svg)?.[1];
      expect(names.map(icon), id).toEqual(palette.slice(0, 3));
    }
  });

  it('keeps the category axis in the order of the rows', () => {
    const frame = frameFromRows([
      { make: 'Volvo', origin: 'USA', n: 1 },
      { make: 'Audi', origin: 'Europe', n: 2 },
    ]);
    const option = buildOption(makeChart('bar', { x: 'make', y: 'n', series: 'origin' }), frame) as {
      xAxis: { data: string[] };
      series: { name: string }[];
    };
    expect(option.xAxis.data).toEqual(['Volvo', 'Audi']);
    expect(option.series.map((s) => s.name)).toEqual(['Europe', 'USA']);
  });
});

describe('gaps in a line', () => {
  // Every series lacks Mar (so the lines join there); only "b" lacks May.
  const rows: Row[] = ['01', '02', '04', '05', '06'].flatMap((m) =>
    ['a', 'b']
      .filter((s) => !(s === 'b' && m === '05'))
      .map((s) => ({ month: `2024-${m}-01`, s, v: s === 'a' ? Number(m) : 10 + Number(m) })),
  );
  const frame = frameFromRows(rows);
  const moves = (path: string) => (/d="([^"]+)"/.exec(path)?.[1] ?? '').split('M').length - 1;
  const blue = themes.default.palette[1]!;

  it('joins a series across a point only it lacks, by default', () => {
    const svg = renderChartSvg(makeChart('line', { x: 'month', y: 'v', series: 's' }), frame);
    const lines = stroked(svg, blue);
    expect(lines).toHaveLength(1);
    expect(moves(lines[0]!)).toBe(1);
    const area = buildOption(
      makeChart('area', { x: 'month', y: 'v', series: 's' }, { stacked: false }),
      frame,
    );
    expect((area.series as { connectNulls?: boolean }[]).every((s) => s.connectNulls === true)).toBe(true);
  });

  it('breaks there with gaps: break, and by default when the query fills buckets', () => {
    const svg = renderChartSvg(
      makeChart('line', { x: 'month', y: 'v', series: 's' }, { gaps: 'break' }),
      frame,
    );
    const broken = stroked(svg, blue);
    expect(broken.reduce((n, p) => n + moves(p), 0)).toBe(2);
    const spec = (fill?: 'null') =>
      ChartSpec.parse({
        type: 'line',
        data: { from: 'd', groupBy: [{ field: 'month', bucket: 'month' }], ...(fill ? { fill } : {}) },
        encode: { x: 'month', y: 'v' },
      });
    expect(normalizeChart('c', spec()).options).toMatchObject({ gaps: 'connect' });
    expect(normalizeChart('c', spec('null')).options).toMatchObject({ gaps: 'break' });
    expect(ChartSpec.safeParse({ ...spec(), options: { gaps: 'bridge' } }).success).toBe(false);
  });
});

describe('rule labels', () => {
  it('sit right of the plot, clear of a line that ends on the rule', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      day: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
      delay: i < 26 ? 10 + (i % 5) * 3 : 0.5,
    }));
    const { daily } = await chartSvgs({
      title: 'Rules',
      datasets: { d: { source: 'inline', rows } },
      charts: {
        daily: {
          type: 'line',
          data: { from: 'd' },
          encode: { x: 'day', y: 'delay' },
          options: { rules: [{ y: 0, label: 'on time' }] },
        },
      },
      body: [{ chart: 'daily' }],
    } as unknown as ReportInput);
    const svg = daily ?? '';
    const rule = /<path d="M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)"[^>]*stroke-dasharray/.exec(svg);
    const label =
      /<text\b[^>]*x="([\d.]+)" transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>on time<\/text>/.exec(svg);
    expect(rule).not.toBeNull();
    expect(label).not.toBeNull();
    const ruleEnd = Number(rule?.[3]);
    const left = Number(label?.[2]) + Number(label?.[1]);
    // Past the plot's right edge, where the line ends, and inside the chart.
    expect(left).toBeGreaterThan(ruleEnd);
    expect(left + measureText('on time', `11px ${FONT_STACK}`).width).toBeLessThanOrEqual(600);
  });
});

describe('a sparkline title', () => {
  it('is written above the line, and the sparkline grows by its line', async () => {
    const rows = Array.from({ length: 24 }, (_, i) => ({ i, v: 10 + Math.sin(i / 3) * 5 }));
    const spark = (title?: string) => ({
      type: 'sparkline',
      ...(title ? { title } : {}),
      data: { from: 'd' },
      encode: { y: 'v' },
      options: { width: 150, height: 40 },
    });
    const report = {
      title: 'Sparks',
      datasets: { d: { source: 'inline', rows } },
      charts: { titled: spark('Closing price'), plain: spark() },
      body: [
        {
          row: [
            { chart: 'titled', caption: 'AAPL' },
            { chart: 'plain', caption: 'GOOG' },
          ],
        },
      ],
    } as unknown as ReportInput;
    const charts = await engine.charts(report);
    const titled = await charts.get('titled')!();
    const plain = await charts.get('plain')!();
    expect(texts(titled.svg)).toContain('Closing price');
    expect(texts(plain.svg)).toEqual([]);
    expect([titled.width, titled.height]).toEqual([150, 40 + sparklineTitle.lineHeight]);
    expect(titled.svg).toMatch(new RegExp(`height="${40 + sparklineTitle.lineHeight}"`));
    // The line starts below the title's line.
    const top = (svg: string) =>
      Math.min(
        ...[...svg.matchAll(/<path d="M([^"]+)" fill="none"[^>]*stroke-width="1.5"/g)].flatMap((m) =>
          [...(m[1] ?? '').matchAll(/[ML]?[\d.]+ ([\d.]+)/g)].map((p) => Number(p[1])),
        ),
      );
    expect(top(titled.svg)).toBeGreaterThanOrEqual(sparklineTitle.lineHeight);
    expect(top(plain.svg)).toBeLessThan(sparklineTitle.lineHeight);
    const pdf = await engine.render(report, { format: 'pdf' });
    expect(pdf.problems).toEqual([]);
  });
});

describe('numbers on a category axis', () => {
  it('write bins with the minus sign of value axes and tables', () => {
    const frame = frameFromRows([-30, -15, 0, 15].map((minutes, i) => ({ minutes, flights: 100 + i })));
    const svg = renderChartSvg(makeChart('bar', { x: 'minutes', y: 'flights' }), frame);
    expect(texts(svg)).toEqual(expect.arrayContaining(['−30', '−15', '0', '15']));
    expect(texts(svg)).not.toContain('-30');
  });
});

describe("a scatter's numberFormat", () => {
  it('writes both value axes and the tooltip', () => {
    const frame = frameFromRows([
      { miles: 120, delay: -12.5 },
      { miles: 2_600, delay: 310.25 },
      { miles: 4_500, delay: 15 },
    ]);
    const chart = makeChart('scatter', { x: 'miles', y: 'delay' }, { numberFormat: ',.0f' });
    const svg = renderChartSvg(chart, frame);
    expect(texts(svg)).toEqual(expect.arrayContaining(['1,000', '4,000']));
    expect(texts(svg).filter((t) => /\d\.\d/.test(t))).toEqual([]);
    const tooltip = buildOption(chart, frame).tooltip as { valueFormatter: (v: unknown) => string };
    expect(tooltip.valueFormatter([2_600, 310.25])).toBe('2,600, 310');
  });
});
