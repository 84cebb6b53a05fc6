import { describe, expect, it } from 'vitest';
import { BoxColumn, boxOf, boxStatsFrame, isBoxStatsFrame } from '../../src/data/boxplot.js';
import { frameFromRows, frameToRows } from '../../src/frame.js';

const sorted = (values: number[]) => Float64Array.from(values).sort();

describe('boxOf', () => {
  it('gives quartiles as median and p90 interpolate them, whiskers at 1.5 IQR, outliers beyond', () => {
    // 1..9 and 30: q1 at rank 2.25, median at 4.5, q3 at 6.75; fences at 3.25 - 6.75 and 7.75 + 6.75.
    const box = boxOf(sorted([30, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 1.5);
    expect(box).toEqual({ n: 10, low: 1, q1: 3.25, median: 5.5, q3: 7.75, high: 9, outliers: [30] });
  });

  it('reaches the multiple of the IQR it is given', () => {
    const values = sorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 16]);
    // IQR 4.5: 16 lies beyond q3 + 1.5 IQR (14.5) but within q3 + 2 IQR (16.75).
    expect(boxOf(values, 1.5)).toMatchObject({ high: 9, outliers: [16] });
    expect(boxOf(values, 2)).toMatchObject({ high: 16, outliers: [] });
  });

  it('with minmax, reaches the extremes and has no outliers', () => {
    expect(boxOf(sorted([30, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'minmax')).toMatchObject({
      low: 1,
      high: 30,
      outliers: [],
    });
  });

  it('lists an outlier repeated once, low ones first', () => {
    const box = boxOf(sorted([-40, -40, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 50, 50]), 1.5);
    expect(box.outliers).toEqual([-40, 50]);
    expect(box).toMatchObject({ n: 14, low: 10, high: 19 });
  });

  it('draws one observation as a box of no height', () => {
    expect(boxOf(sorted([7]), 1.5)).toEqual({ n: 1, low: 7, q1: 7, median: 7, q3: 7, high: 7, outliers: [] });
  });

  it('never ends a whisker inside its box', () => {
    // q1 is interpolated between 1 and 100: the lowest observation within the fence is above it.
    const box = boxOf(sorted([1, 100, 101, 102]), 1.5);
    expect(box.low).toBe(box.q1);
    expect(box.outliers).toEqual([1]);
  });
});

describe('boxStatsFrame', () => {
  const rows = [
    { region: 'EMEA', channel: 'Web', days: 3 },
    { region: 'APAC', channel: 'Web', days: 9 },
    { region: 'EMEA', channel: 'Shop', days: 5 },
    { region: 'EMEA', channel: 'Web', days: 4 },
    { region: 'EMEA', channel: 'Web', days: 'late' },
    { region: 'EMEA', channel: 'Web', days: 40 },
    { region: 'EMEA', channel: 'Web', days: 5 },
    { region: 'EMEA', channel: 'Web', days: 6 },
    { region: 'APAC', channel: 'Shop', days: null },
  ];

  it('gives one row per box in the order groups come, each followed by its outliers', () => {
    const frame = boxStatsFrame(frameFromRows(rows), {
      value: 'days',
      group: 'region',
      series: 'channel',
      whisker: 1.5,
    });
    expect(isBoxStatsFrame(frame)).toBe(true);
    expect(frame.fields).toEqual(['region', 'channel', ...Object.values(BoxColumn)]);
    const out = frameToRows(frame).map((r) => [
      r.region,
      r.channel,
      r[BoxColumn.n],
      r[BoxColumn.median],
      r[BoxColumn.outlier],
    ]);
    // Text and nulls are no observations; APAC/Shop has none, and no box.
    expect(out).toEqual([
      ['EMEA', 'Web', 5, 5, null],
      ['EMEA', 'Web', null, null, 40],
      ['EMEA', 'Shop', 1, 5, null],
      ['APAC', 'Web', 1, 9, null],
    ]);
  });

  it('makes one box of every row without a group', () => {
    const frame = boxStatsFrame(frameFromRows(rows), { value: 'days', whisker: 'minmax' });
    expect(frame.fields).toEqual(Object.values(BoxColumn));
    expect(frameToRows(frame)).toEqual([
      {
        [BoxColumn.n]: 7,
        [BoxColumn.low]: 3,
        [BoxColumn.q1]: 4.5,
        [BoxColumn.median]: 5,
        [BoxColumn.q3]: 7.5,
        [BoxColumn.high]: 40,
        [BoxColumn.outlier]: null,
      },
    ]);
  });

  it('is a small frame however many the observations', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ g: i % 3, v: (i * 7919) % 1000 }));
    const frame = boxStatsFrame(frameFromRows(many), { value: 'v', group: 'g', whisker: 1.5 });
    expect(frame.length).toBe(3);
  });
});
