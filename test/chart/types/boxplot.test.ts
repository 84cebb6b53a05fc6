import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import type { ChartpressError } from '../../../src/errors.js';
import { frameFromRows, type Row } from '../../../src/frame.js';
import { chartFrame } from '../../../src/pipeline/chart-frame.js';
import { makeChart, texts } from '../helpers.js';

const [c0, c1] = themes.default.palette;

/** Delivery days: EMEA 1..9 and an outlier at 30; APAC 11..19; each split by channel when asked. */
function deliveries(): Row[] {
  const rows: Row[] = [];
  for (const v of [30, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    rows.push({ region: 'EMEA', channel: v % 2 ? 'Web' : 'Shop', days: v });
  for (let v = 11; v <= 19; v++) rows.push({ region: 'APAC', channel: v % 2 ? 'Web' : 'Shop', days: v });
  return rows;
}
const raw = frameFromRows(deliveries());
const boxplot = (encode = {}, options = {}) =>
  makeChart('boxplot', { x: 'region', y: 'days', ...encode }, options, { title: 'Delivery days' });

type Series = { type: string; name: string; data: { value: number[] }[] };

/** The outliers: rings stroked in the series' colour. */
const circles = (svg: string, stroke: string) =>
  [...svg.matchAll(/<circle\b[^>]*>/g)].filter((m) => m[0].includes(`stroke="${stroke}"`));

describe('boxplot', () => {
  it('draws a box per group from its observations: quartiles, whiskers at 1.5 IQR, outliers', () => {
    const option = buildOption(boxplot(), raw);
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['EMEA', 'APAC'] });
    expect(option.yAxis).toMatchObject({ type: 'value' });
    const series = option.series as Series[];
    expect(series.map((s) => [s.type, s.name])).toEqual([['custom', 'days']]);
    // [category, low, q1, median, q3, high]
    expect(series[0]!.data.map((d) => d.value)).toEqual([
      [0, 1, 3.25, 5.5, 7.75, 9],
      [1, 11, 13, 15, 17, 19],
    ]);
    const svg = renderChartSvg(boxplot(), raw);
    expect(circles(svg, c0!)).toHaveLength(1);
    expect(texts(svg)).toEqual(expect.arrayContaining(['EMEA', 'APAC', 'Delivery days', '30']));
    // One series: no legend.
    expect(option.legend).toMatchObject({ show: false });
  });

  it('draws the same from the statistics the pipeline computes as from the observations', () => {
    const chart = boxplot();
    const stats = chartFrame(chart, raw);
    expect(stats.length).toBe(3);
    expect(renderChartSvg(chart, stats)).toBe(renderChartSvg(chart, raw));
  });

  it('puts the boxes of each series side by side, with a legend', () => {
    const chart = boxplot({ series: 'channel' });
    const option = buildOption(chart, raw);
    const series = option.series as Series[];
    expect(series.map((s) => s.name)).toEqual(['Shop', 'Web']);
    expect(option.legend).toMatchObject({ show: true });
    const svg = renderChartSvg(chart, raw);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Shop', 'Web']));
    const boxesOf = (stroke: string) =>
      [...svg.matchAll(/<path d="M([\d.]+) [\d.]+l[^"]+Z" fill="#[0-9a-f]{6}" stroke="([^"]+)"/g)]
        .filter((m) => m[2] === stroke)
        .map((m) => Number(m[1]));
    const shop = boxesOf(c0!);
    const web = boxesOf(c1!);
    expect(shop).toHaveLength(2);
    expect(web).toHaveLength(2);
    // In each group, the Shop box stands left of the Web box.
    expect(shop[0]!).toBeLessThan(web[0]!);
    expect(shop[1]!).toBeLessThan(web[1]!);
  });

  it('reaches the extremes with whisker minmax, and hides outliers with outliers false', () => {
    const minmax = (buildOption(boxplot({}, { whisker: 'minmax' }), raw).series as Series[])[0]!;
    expect(minmax.data[0]!.value).toEqual([0, 1, 3.25, 5.5, 7.75, 30]);
    expect(circles(renderChartSvg(boxplot({}, { whisker: 'minmax' }), raw), c0!)).toHaveLength(0);
    const hidden = buildOption(boxplot({}, { outliers: false }), raw);
    expect(circles(renderChartSvg(boxplot({}, { outliers: false }), raw), c0!)).toHaveLength(0);
    // The axis then need not reach the outlier.
    expect((hidden.yAxis as { max: number }).max).toBeLessThan(30);
  });

  it('makes one box of every row without x, named by y', () => {
    const option = buildOption(makeChart('boxplot', { y: 'days' }), raw);
    expect(option.xAxis).toMatchObject({ data: ['days'] });
    expect((option.series as Series[])[0]!.data).toHaveLength(1);
  });

  it('refuses a column without numbers, and names a missing one', () => {
    const problem = (encode: Record<string, string>) => {
      try {
        buildOption(makeChart('boxplot', encode), raw);
      } catch (e) {
        return (e as ChartpressError).problems[0];
      }
      return undefined;
    };
    expect(problem({ x: 'region', y: 'channel' })).toMatchObject({
      code: 'CP_ERR_INVALID_VALUE',
      path: 'encode.y',
    });
    expect(problem({ x: 'regio', y: 'days' })).toMatchObject({
      code: 'CP_ERR_UNKNOWN_COLUMN',
      path: 'encode.x',
    });
  });
});
