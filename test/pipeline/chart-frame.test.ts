import { afterAll, describe, expect, it } from 'vitest';
import { isBoxStatsFrame } from '../../src/data/boxplot.js';
import { emptyFrame, frameFromRows } from '../../src/frame.js';
import { createEngine } from '../../src/index.js';
import { chartFrame } from '../../src/pipeline/chart-frame.js';
import { makeChart, texts } from '../chart/helpers.js';

const observations = (order: number[]) => [
  ...order.map((v) => ({ region: 'EMEA', days: v })),
  ...[11, 12, 13, 14, 15].map((v) => ({ region: 'APAC', days: v })),
];
const EMEA = [30, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('chartFrame', () => {
  it("reduces a box plot's observations to its statistics", () => {
    const chart = makeChart('boxplot', { x: 'region', y: 'days' });
    const frame = frameFromRows(observations(EMEA));
    const stats = chartFrame(chart, frame);
    expect(isBoxStatsFrame(stats)).toBe(true);
    // Two boxes and the one outlier.
    expect(stats.length).toBe(3);
    expect(chartFrame(chart, stats)).toBe(stats);
  });

  it('passes a frame missing a named column unchanged, for the chart to name it', () => {
    const frame = frameFromRows(observations(EMEA));
    expect(chartFrame(makeChart('boxplot', { x: 'area', y: 'days' }), frame)).toBe(frame);
    expect(chartFrame(makeChart('boxplot', { x: 'region', y: 'days' }), emptyFrame)).toBe(emptyFrame);
  });

  it('leaves other charts to downsampling: a short line passes as it is', () => {
    const frame = frameFromRows([{ t: 1, v: 2 }]);
    expect(chartFrame(makeChart('line', { x: 't', y: 'v' }), frame)).toBe(frame);
  });
});

describe('a box plot in a report', () => {
  const engine = createEngine({ cache: false });
  afterAll(() => engine.close());

  it('is keyed by its statistics: observations in another order draw the same chart once', async () => {
    const shuffled = [5, 30, 9, 1, 7, 3, 2, 8, 4, 6];
    const chart = (from: string) => ({
      type: 'boxplot' as const,
      title: 'Delivery days',
      data: { from },
      encode: { x: 'region', y: 'days' },
    });
    const charts = await engine.charts({
      title: 'T',
      datasets: {
        a: { source: 'inline', rows: observations(EMEA) },
        b: { source: 'inline', rows: observations(shuffled) },
      },
      charts: { first: chart('a'), second: chart('b') },
      body: [{ chart: 'first' }, { chart: 'second' }],
    });
    const first = await charts.get('first')!();
    const second = await charts.get('second')!();
    expect(first.status).toBe('rendered');
    expect(second.key).toBe(first.key);
    expect(texts(first.svg ?? '')).toEqual(expect.arrayContaining(['Delivery days', 'EMEA', 'APAC', '30']));
  });
});
