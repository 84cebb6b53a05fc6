import { describe, expect, it } from 'vitest';
import { MAX_TIME_TICKS, timeTicks } from '../../src/chart/time-ticks.js';

const DAY = 86_400_000;
const utc = (y: number, m: number, d = 1, h = 0) => Date.UTC(y, m - 1, d, h);
/** 6 px a character: a fixed stand-in for measuring text. */
const measure = (s: string) => s.length * 6;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('timeTicks', () => {
  it('puts weekly ticks on Mondays for 60 days, each written as a day', () => {
    const t = timeTicks(utc(2024, 1, 29), utc(2024, 1, 29) + 59 * DAY, 510, measure, 16);
    expect(t.values.length).toBeGreaterThanOrEqual(5);
    expect(t.values.length).toBeLessThanOrEqual(MAX_TIME_TICKS);
    for (const v of t.values) expect(new Date(v).getUTCDay()).toBe(1);
    const gaps = new Set(t.values.slice(1).map((v, i) => v - t.values[i]!));
    expect([...gaps]).toHaveLength(1);
    expect(t.labels[0]).toBe('Jan 29\n2024');
    expect(t.labels.slice(1)).toEqual([
      'Feb 5',
      'Feb 12',
      'Feb 19',
      'Feb 26',
      'Mar 4',
      'Mar 11',
      'Mar 18',
      'Mar 25',
    ]);
  });

  it('steps to two weeks, then months, as the plot narrows', () => {
    const lo = utc(2024, 1, 29);
    const hi = lo + 59 * DAY;
    const narrow = timeTicks(lo, hi, 300, measure, 16);
    expect(narrow.values.length).toBeLessThan(9);
    expect(narrow.values[1]! - narrow.values[0]!).toBe(14 * DAY);
    const tiny = timeTicks(lo, hi, 120, measure, 16);
    expect(tiny.values.map(iso)).toEqual(['2024-02-01', '2024-03-01']);
  });

  it('aligns months to quarters and half years, written as months', () => {
    const t = timeTicks(utc(2022, 2, 10), utc(2024, 8, 1), 510, measure, 16);
    const months = t.values.map((v) => new Date(v).getUTCMonth());
    const step = (months[1]! - months[0]! + 12) % 12;
    expect([3, 6]).toContain(step);
    for (const m of months) expect(m % step).toBe(0);
    expect(t.labels.every((l) => /^[A-Z][a-z]{2}(\n\d{4})?$/.test(l))).toBe(true);
  });

  it('writes years alone on a long span, at round years', () => {
    const t = timeTicks(utc(1990, 1), utc(2019, 1), 510, measure, 16);
    expect(t.labels).toEqual(['1990', '1995', '2000', '2005', '2010', '2015']);
  });

  it('writes hours as times, with the date under the first and each new day', () => {
    const t = timeTicks(utc(2024, 5, 3), utc(2024, 5, 4, 23), 510, measure, 16);
    expect(t.labels[0]).toBe('00:00\nMay 3 2024');
    expect(t.labels).toContain('00:00\nMay 4');
    const gaps = new Set(t.values.slice(1).map((v, i) => v - t.values[i]!));
    expect([...gaps]).toHaveLength(1);
  });

  it('never gives more than the maximum number of ticks, however wide', () => {
    const t = timeTicks(utc(2020, 1), utc(2024, 1), 100_000, measure, 16);
    expect(t.values.length).toBeLessThanOrEqual(MAX_TIME_TICKS);
  });
});
