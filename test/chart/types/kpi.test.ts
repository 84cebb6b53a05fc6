import { describe, expect, it } from 'vitest';
import { measureText } from '../../../src/chart/metrics.js';
import { svgToPng } from '../../../src/chart/png.js';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { deltaText } from '../../../src/chart/types/kpi.js';
import { FONT_STACK } from '../../../src/font.js';
import { frameFromRows } from '../../../src/frame.js';
import { makeChart, stroked, texts } from '../helpers.js';

const theme = themes.default;
const MONTHS = ['2025-09-01', '2025-10-01', '2025-11-01', '2025-12-01'];
const revenue = [1_800_000, 1_900_000, 2_000_000, 2_100_000];
const frame = frameFromRows(MONTHS.map((month, i) => ({ month, revenue: revenue[i]!, target: 2_200_000 })));
const kpi = (options = {}, encode = {}) =>
  makeChart('kpi', { x: 'month', y: 'revenue', ...encode }, options, { title: 'Revenue' });

type Graphic = {
  type: string;
  style: { text?: string; fill?: string; font?: string };
  shape?: { points?: number[][] };
};
const graphics = (options = {}, encode = {}, f = frame) =>
  buildOption(kpi(options, encode), f).graphic as Graphic[];
const textOf = (g: Graphic[]) => g.filter((e) => e.type === 'text').map((e) => e.style.text);
/** The arrow's tip: up when its lone vertex lies above the other two. */
const arrow = (g: Graphic[]) => {
  const points = g.find((e) => e.type === 'polygon')?.shape?.points;
  if (!points) return undefined;
  const [a, , tip] = points as [number[], number[], number[]];
  return { up: tip[1]! < a[1]!, fill: g.find((e) => e.type === 'polygon')?.style.fill };
};

describe('kpi', () => {
  it('writes the last row as a big number under its label, with its change against the row before', () => {
    const g = graphics();
    expect(textOf(g)).toEqual(['Revenue', '2.10M', '+5.0%', 'vs Nov']);
    const number = g.find((e) => e.style.text === '2.10M')!;
    expect(number.style.font).toMatch(/^700 \d+(\.5)?px Inter/);
    expect(number.style.fill).toBe(theme.text);
    expect(g.find((e) => e.style.text === '+5.0%')!.style.fill).toBe(theme.positive);
    expect(arrow(g)).toEqual({ up: true, fill: theme.positive });
    const svg = renderChartSvg(kpi(), frame);
    expect(texts(svg)).toEqual(['Revenue', '2.10M', '+5.0%', 'vs Nov']);
    expect(svg).toMatch(/font-family:Inter, sans-serif;font-weight:700;/);
  });

  it('draws a fall in the negative colour, or in the positive one when lower is better', () => {
    const falling = frameFromRows([{ cost: 120 }, { cost: 90 }]);
    const chart = (options = {}) => makeChart('kpi', { y: 'cost' }, options);
    const worse = buildOption(chart(), falling).graphic as Graphic[];
    expect(textOf(worse)).toEqual(['90', '−25.0%', 'vs previous']);
    expect(arrow(worse)).toEqual({ up: false, fill: theme.negative });
    const better = buildOption(chart({ better: 'lower' }), falling).graphic as Graphic[];
    expect(arrow(better)).toEqual({ up: false, fill: theme.positive });
  });

  it('names the row compared with by its date, with the year when it is another year', () => {
    const turn = frameFromRows([
      { month: '2024-12-01', revenue: 10 },
      { month: '2025-01-01', revenue: 11 },
    ]);
    expect(textOf(graphics({}, {}, turn))).toEqual(['Revenue', '11', '+10.0%', 'vs Dec 2024']);
    const quarters = frameFromRows([
      { q: '2025-04-01', revenue: 10 },
      { q: '2025-07-01', revenue: 12 },
    ]);
    expect(textOf(graphics({}, { x: 'q' }, quarters))).toContain('vs Q2 2025');
  });

  it('compares with the first row, a number, the y2 cell of the last row, or nothing', () => {
    expect(textOf(graphics({ compare: 'first' }))).toEqual(['Revenue', '2.10M', '+16.7%', 'vs Sep']);
    expect(textOf(graphics({ compare: 2_000_000 }))).toEqual(['Revenue', '2.10M', '+5.0%', 'vs 2.00M']);
    expect(textOf(graphics({}, { y2: 'target' }))).toEqual(['Revenue', '2.10M', '−4.5%', 'vs target']);
    expect(textOf(graphics({ compare: 'none' }))).toEqual(['Revenue', '2.10M']);
    expect(textOf(graphics({ compareLabel: 'month on month' }))).toContain('month on month');
  });

  it('writes the change as asked', () => {
    expect(textOf(graphics({ delta: 'absolute' }))).toContain('+100k');
    expect(textOf(graphics({ delta: 'both', numberFormat: '$,.0f' }))).toContain('+$100,000 (+5.0%)');
    expect(deltaText(5, 0, 'percent', String)).toBe('+5');
    // A share changes by percentage points.
    const share = frameFromRows([{ m: 0.3 }, { m: 0.289 }]);
    const margin = buildOption(
      makeChart('kpi', { y: 'm' }, { numberFormat: '.1%', delta: 'absolute' }),
      share,
    );
    expect(textOf(margin.graphic as Graphic[])).toEqual(['28.9%', '−1.1 pts', 'vs previous']);
    expect(deltaText(3, 3, 'percent', String)).toBe('0.0%');
  });

  it('draws every row as a sparkline under the number, its last point marked', () => {
    const option = buildOption(kpi(), frame);
    const series = option.series as { type: string; data: unknown[] }[];
    expect(series.map((s) => s.type)).toEqual(['line', 'scatter']);
    expect(series[0]!.data).toEqual(revenue);
    expect(series[1]!.data).toEqual([[3, 2_100_000]]);
    expect(stroked(renderChartSvg(kpi(), frame), theme.palette[0]!)).toHaveLength(1);
    expect(buildOption(kpi({ sparkline: false }), frame).series).toBeUndefined();
    // One row: no sparkline and nothing to compare with.
    const one = frameFromRows([{ month: '2025-12-01', revenue: 5 }]);
    expect(buildOption(kpi(), one).series).toBeUndefined();
    expect(textOf(graphics({}, {}, one))).toEqual(['Revenue', '5']);
  });

  it('reads the last row that has a number', () => {
    const gaps = frameFromRows([{ v: 10 }, { v: 12 }, { v: null }]);
    expect(textOf(buildOption(makeChart('kpi', { y: 'v' }), gaps).graphic as Graphic[])).toEqual([
      '12',
      '+20.0%',
      'vs previous',
    ]);
  });

  it('shrinks the number to fit a narrow card, and renders to PNG', () => {
    const wide = frameFromRows([{ v: 123_456_789.5 }]);
    for (const width of [120, 260]) {
      const g = buildOption(makeChart('kpi', { y: 'v' }, { width, numberFormat: '$,.2f' }), wide)
        .graphic as Graphic[];
      const number = g.find((e) => e.style.text === '$123,456,789.50')!;
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(number.style.font ?? '')?.[1]);
      expect(measureText('$123,456,789.50', `700 ${size}px ${FONT_STACK}`).width).toBeLessThanOrEqual(
        width - 12,
      );
    }
    const png = svgToPng(renderChartSvg(kpi({ theme: 'dark' }), frame));
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');
  });
});
