import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { echarts } from '../../src/chart/echarts.js';
import { buildOption, CHART_RENDERER_VERSION, renderChartSvg } from '../../src/chart/render.js';
import { DRAWING_REVISION } from '../../src/chart/revision.js';
import { themes } from '../../src/chart/theme.js';
import { ChartpressError } from '../../src/errors.js';
import { emptyFrame, frameFromRows } from '../../src/frame.js';
import { ChartType, ThemeName } from '../../src/spec/schema.js';
import { count, filled, makeChart, revenueFrame, stroked, symbols, texts } from './helpers.js';

/** `#rrggbb` as ECharts writes a computed colour: `rgb(r,g,b)`. */
const rgb = (hex: string) =>
  `rgb\\(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(',')}\\)`;

const bar = (options = {}, title?: string) =>
  makeChart(
    'bar',
    { x: 'month', y: 'revenue', series: 'region' },
    options,
    title === undefined ? {} : { title },
  );

/** A chart of every type over data that suits it. */
const everyType = () => {
  const frame = frameFromRows([
    { d: '2024-01-01', e: '2024-02-01', k: 'a', v: 3, w: 4 },
    { d: '2024-02-01', e: '2024-03-01', k: 'b', v: 5, w: 2 },
  ]);
  const encodes: Record<ChartType, Record<string, string>> = {
    bar: { x: 'k', y: 'v' },
    line: { x: 'd', y: 'v' },
    area: { x: 'd', y: 'v' },
    pie: { x: 'k', y: 'v' },
    scatter: { x: 'v', y: 'w' },
    sparkline: { y: 'v' },
    gantt: { x: 'd', x2: 'e', y: 'k' },
    combo: { x: 'k', y: 'v', y2: 'w' },
    heatmap: { x: 'k', y: 'd', color: 'v' },
    boxplot: { x: 'k', y: 'v' },
    kpi: { x: 'd', y: 'v' },
  };
  return (Object.keys(ChartType) as ChartType[]).map((type) => ({ type, frame, encode: encodes[type] }));
};

describe('renderChartSvg', () => {
  it('renders an SVG of the chart size with the title', () => {
    const svg = renderChartSvg(
      bar({ width: 640, height: 360, subtitle: 'FY 2024' }, 'Revenue by region'),
      revenueFrame(),
    );
    expect(svg).toMatch(/^<svg width="640" height="360"/);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Revenue by region', 'FY 2024']));
  });

  it('names Inter for all text and never a serif font', () => {
    const svg = renderChartSvg(bar({ xTitle: 'Month', yTitle: 'Revenue' }, 'T'), revenueFrame());
    const families = [...svg.matchAll(/font-family:([^;"]+)/g)].map((m) => m[1]);
    expect(families.length).toBeGreaterThan(10);
    expect(new Set(families)).toEqual(new Set(['Inter, sans-serif']));
    expect(svg).not.toMatch(/Times|Georgia|font: /);
  });

  it('renders every type in every theme: its marks in the palette, its text colours, its background', () => {
    // Two rows: marks drawn in the theme's first colour (a pie's second slice in the second).
    const marks: Record<ChartType, (svg: string, palette: readonly string[]) => number[]> = {
      bar: (svg, [c]) => [filled(svg, c!).length],
      line: (svg, [c]) => [stroked(svg, c!).length, symbols(svg, c!).length],
      area: (svg, [c]) => [filled(svg, c!).length, stroked(svg, c!).length],
      pie: (svg, [a, b]) => [filled(svg, a!).length, filled(svg, b!).length],
      scatter: (svg, [c]) => [symbols(svg, c!).length],
      sparkline: (svg, [c]) => [stroked(svg, c!).length],
      gantt: (svg, [c]) => [filled(svg, c!).length],
      combo: (svg, [a, b]) => [filled(svg, a!).length, stroked(svg, b!).length],
      // The highest cell is painted in the first colour (ECharts writes the scale's colours as rgb()).
      heatmap: (svg, [c]) => [count(svg, new RegExp(`<path [^>]*fill="${rgb(c!)}"`))],
      // A box: its rectangle filled with a tint and stroked in the colour.
      boxplot: (svg, [c]) => [count(svg, new RegExp(`<path d="M[^"]+Z" fill="#[0-9a-f]{6}" stroke="${c}"`))],
      kpi: (svg, [c]) => [stroked(svg, c!).length],
    };
    const expected: Record<ChartType, number[]> = {
      bar: [2],
      line: [1, 2],
      area: [1, 1],
      pie: [1, 1],
      scatter: [2],
      sparkline: [1],
      gantt: [2],
      combo: [2, 1],
      heatmap: [1],
      boxplot: [2],
      kpi: [1],
    };
    const background = (svg: string) =>
      /^<svg[^>]*>\n<rect width="\d+" height="\d+" x="0" y="0" fill="([^"]+)"/.exec(svg)?.[1];
    for (const { type, frame, encode } of everyType()) {
      for (const name of Object.keys(ThemeName) as ThemeName[]) {
        const theme = themes[name];
        const at = `${type}/${name}`;
        const chart = makeChart(type, encode, { theme: name }, { title: 'Sales' });
        const svg = renderChartSvg(chart, frame);
        const { width, height } = chart.options as { width: number; height: number };
        expect(svg, at).toMatch(new RegExp(`^<svg width="${width}" height="${height}"`));
        expect(marks[type](svg, theme.palette), at).toEqual(expected[type]);
        // No other theme's first colour leaks in.
        for (const other of Object.values(themes))
          if (other.palette[0] !== theme.palette[0]) expect(filled(svg, other.palette[0]!), at).toEqual([]);
        // Dark paints its background; the light themes leave the page showing through.
        expect(background(svg), at).toBe(theme.background === 'transparent' ? 'none' : theme.background);
        if (type === 'kpi') {
          // A card: its label muted, its number in the text colour, no axes.
          expect(texts(svg), at).toEqual(['Sales', '5', '+66.7%', 'vs Jan']);
          expect(svg, at).toMatch(new RegExp(`<text [^>]*fill="${theme.mutedText}"[^>]*>Sales</text>`));
          expect(svg, at).toMatch(new RegExp(`<text [^>]*fill="${theme.text}"[^>]*>5</text>`));
          continue;
        }
        if (type === 'sparkline') {
          // No axes: nothing but the line, its markers and its small title, in the muted colour.
          expect(texts(svg), at).toEqual(['Sales']);
          expect(svg, at).toMatch(new RegExp(`<text [^>]*fill="${theme.mutedText}"[^>]*>Sales</text>`));
          continue;
        }
        expect(svg, at).toMatch(new RegExp(`<text [^>]*fill="${theme.text}"[^>]*>Sales</text>`));
        // Axis labels and legend text in the theme's muted colour.
        expect(svg, at).toMatch(new RegExp(`<text [^>]*fill="${theme.mutedText}"[^>]*>[^<]+</text>`));
      }
    }
  });

  it('writes axis titles', () => {
    const t = texts(renderChartSvg(bar({ xTitle: 'Month', yTitle: 'Revenue (USD)' }), revenueFrame()));
    expect(t).toEqual(expect.arrayContaining(['Month', 'Revenue (USD)']));
  });

  it('formats the value axis with numberFormat', () => {
    const t = texts(renderChartSvg(bar({ numberFormat: '$,.0f' }), revenueFrame()));
    expect(t.some((s) => /^\$\d{2,3},000$/.test(s))).toBe(true);
  });

  it('abbreviates large values without a numberFormat', () => {
    const frame = frameFromRows([{ k: 'a', v: 12_000_000 }]);
    const t = texts(renderChartSvg(makeChart('bar', { x: 'k', y: 'v' }), frame));
    expect(t.some((s) => /^\d+M$/.test(s))).toBe(true);
  });

  it('rotates category labels by labelRotate', () => {
    const svg = renderChartSvg(bar({ labelRotate: 45 }), revenueFrame());
    expect(svg).toMatch(/rotate\(-45\)|matrix\(0\.70\d+,-0\.70\d+/);
  });

  it('hides the legend with legend none and places it where asked', () => {
    const none = texts(renderChartSvg(bar({ legend: 'none' }), revenueFrame()));
    expect(none).not.toContain('EMEA');
    for (const legend of ['top', 'bottom', 'left', 'right'] as const) {
      expect(texts(renderChartSvg(bar({ legend }), revenueFrame()))).toContain('EMEA');
    }
  });

  it('uses the given colours', () => {
    const svg = renderChartSvg(bar({ colors: ['#123456', '#abcdef', '#fedcba'] }), revenueFrame());
    expect(filled(svg, '#123456')).toHaveLength(6);
    expect(filled(svg, '#fedcba')).toHaveLength(6);
  });

  it('turns grid lines off with grid false', () => {
    const lines = (svg: string) =>
      (svg.match(new RegExp(`stroke="${themes.default.splitLine}"`, 'g')) ?? []).length;
    expect(lines(renderChartSvg(bar(), revenueFrame()))).toBeGreaterThan(2);
    expect(lines(renderChartSvg(bar({ grid: false }), revenueFrame()))).toBe(0);
  });

  it('merges the raw echarts option last', () => {
    const chart = bar(
      { echarts: { title: { text: 'Override' }, series: [{}, { name: 'Renamed' }] } },
      'Original',
    );
    const t = texts(renderChartSvg(chart, revenueFrame()));
    expect(t).toContain('Override');
    expect(t).not.toContain('Original');
    expect(t).toContain('Renamed');
    expect(t).toContain('EMEA');
  });

  it('is deterministic, also with other charts rendered in between', () => {
    const chart = makeChart('area', { x: 'month', y: 'revenue', series: 'region' }, {}, { title: 'Mix' });
    const first = renderChartSvg(chart, revenueFrame());
    renderChartSvg(bar(), revenueFrame());
    renderChartSvg(makeChart('pie', { x: 'region', y: 'revenue' }), revenueFrame());
    expect(renderChartSvg(chart, revenueFrame())).toBe(first);
    expect(first).toContain('clip-path="url(#cp-0)"');
    expect(first).not.toMatch(/zr\d+-/);
  });

  it('draws "No data" for an empty frame instead of failing', () => {
    for (const type of Object.keys(ChartType) as ChartType[]) {
      const svg = renderChartSvg(
        makeChart(type, { x: 'nope', y: 'nada' }, {}, { title: 'Empty' }),
        emptyFrame,
      );
      expect(texts(svg), type).toContain('No data');
    }
    expect(texts(renderChartSvg(bar({}, 'Empty'), emptyFrame))).toContain('Empty');
  });

  it('throws CP_ERR_UNKNOWN_COLUMN naming the column and listing the columns', () => {
    const chart = makeChart('bar', { x: 'month', y: 'revenu' }, {}, { id: 'sales' });
    let error: unknown;
    try {
      renderChartSvg(chart, revenueFrame());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChartpressError);
    const problem = (error as ChartpressError).problems[0]!;
    expect(problem.code).toBe('CP_ERR_UNKNOWN_COLUMN');
    expect(problem.message).toBe('encode.y: column "revenu" not found; columns: month, region, revenue');
    expect(problem.path).toBe('encode.y');
  });

  it('throws CP_ERR_MISSING_FIELD when a required channel is not encoded', () => {
    expect(() => buildOption(makeChart('bar', { x: 'month' }), revenueFrame())).toThrow(
      /CP_ERR_MISSING_FIELD/,
    );
  });

  it('refuses a series type that is not available', () => {
    const chart = bar({ echarts: { series: [{ type: 'nosuchseries' }] } });
    expect(() => buildOption(chart, revenueFrame())).toThrow(/CP_ERR_CHART_RENDER.*nosuchseries/);
  });

  it('stacks title, subtitle, legend and plot without overlap, also when small', () => {
    for (const size of [{}, { width: 300, height: 200 }]) {
      const svg = renderChartSvg(
        bar({ ...size, legend: 'top', subtitle: 'FY 2024', xTitle: 'Month', yTitle: 'USD' }, 'Revenue'),
        revenueFrame(),
      );
      const top = (text: string) => {
        const el = [...svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)].find((m) => m[2] === text)?.[1] ?? '';
        const dy = Number(/ y="([\d.-]+)"/.exec(el)?.[1] ?? 0);
        return Number(/translate\([\d.-]+ ([\d.-]+)\)/.exec(el)?.[1]) + dy;
      };
      expect(top('FY 2024')).toBeGreaterThan(top('Revenue') + 10);
      expect(top('EMEA')).toBeGreaterThan(top('FY 2024') + 8);
      const plotTop = Math.min(
        ...[...svg.matchAll(/<path d="M[\d.]+ ([\d.]+)L[\d.]+ [\d.]+" fill="none"/g)].map((m) =>
          Number(m[1]),
        ),
      );
      expect(plotTop).toBeGreaterThan(top('EMEA') + 8);
      // Every text starts inside the chart.
      const { width = 600, height = 400 } = size as { width?: number; height?: number };
      for (const m of svg.matchAll(/translate\(([\d.-]+) ([\d.-]+)\)/g)) {
        expect(Number(m[1])).toBeGreaterThanOrEqual(0);
        expect(Number(m[1])).toBeLessThanOrEqual(width);
        expect(Number(m[2])).toBeGreaterThanOrEqual(0);
        expect(Number(m[2])).toBeLessThanOrEqual(height);
      }
    }
  });

  it('names, for cache keys, the version of the ECharts that draws, as installed', () => {
    const installed = createRequire(import.meta.url)('echarts/package.json') as { version: string };
    expect(echarts.version).toBe(installed.version);
    // With the revision of chartpress' own drawing: either changing changes the pictures.
    expect(CHART_RENDERER_VERSION).toBe(`echarts@${installed.version}+draw.${DRAWING_REVISION}`);
  });
});
