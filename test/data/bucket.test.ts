import { describe, expect, it } from 'vitest';
import { bucketValue, parseIsoDate } from '../../src/data/bucket.js';

describe('parseIsoDate', () => {
  it('reads dates and date-times as UTC, honouring offsets', () => {
    expect(parseIsoDate('2024-03-05')).toBe(Date.UTC(2024, 2, 5));
    expect(parseIsoDate('2024-03-05T14:37:12Z')).toBe(Date.UTC(2024, 2, 5, 14, 37, 12));
    expect(parseIsoDate('2024-03-05T14:37:12.250Z')).toBe(Date.UTC(2024, 2, 5, 14, 37, 12, 250));
    expect(parseIsoDate('2024-03-05 14:37')).toBe(Date.UTC(2024, 2, 5, 14, 37));
    expect(parseIsoDate('2024-03-05T14:37:00')).toBe(Date.UTC(2024, 2, 5, 14, 37));
    expect(parseIsoDate('2024-03-05T14:37:00+02:00')).toBe(Date.UTC(2024, 2, 5, 12, 37));
    expect(parseIsoDate('2024-03-05T14:37:00-0530')).toBe(Date.UTC(2024, 2, 5, 20, 7));
    expect(parseIsoDate('2024-03')).toBe(Date.UTC(2024, 2, 1));
    expect(parseIsoDate('2024')).toBe(Date.UTC(2024, 0, 1));
    expect(parseIsoDate(' 2024-03-05t14:37z ')).toBe(Date.UTC(2024, 2, 5, 14, 37));
    expect(parseIsoDate('2024-03-05T14:37:00+02')).toBe(Date.UTC(2024, 2, 5, 12, 37));
    expect(parseIsoDate('2024-03-05T14:37:00,5-01:30')).toBe(Date.UTC(2024, 2, 5, 16, 7, 0, 500));
    expect(parseIsoDate('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(parseIsoDate('1900-02-29')).toBeNull();
  });

  it('refuses what is not a real ISO date', () => {
    for (const s of [
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '24-03-05',
      'March 5',
      '',
      '2024-03-05T25:00',
      '2024-03-05T14',
      '2024-03-05T14:3',
      '2024-03-05T14:37:1',
      '2024-03-05T14:37:00.Z',
      '2024-03-05T14:37:00+02:0',
      '2024-03-05T14:37:00Zx',
      '2024-03-05X14:37',
      '2024-3-05',
      '2024-03-5',
      '12024-03-05',
      '0099-01-01',
    ]) {
      expect(parseIsoDate(s), s).toBeNull();
    }
    expect(parseIsoDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('bucketValue', () => {
  it('hour: the start of the hour, as a UTC date-time', () => {
    expect(bucketValue('2024-03-05T14:37:12Z', 'hour')).toBe('2024-03-05T14:00:00Z');
    expect(bucketValue('2024-03-05T14:00:00Z', 'hour')).toBe('2024-03-05T14:00:00Z');
    expect(bucketValue('2024-03-05T14:37:00+02:00', 'hour')).toBe('2024-03-05T12:00:00Z');
    expect(bucketValue('2024-03-05 23:59', 'hour')).toBe('2024-03-05T23:00:00Z');
    expect(bucketValue('2024-03-05', 'hour')).toBe('2024-03-05T00:00:00Z');
  });

  it('day: the UTC date', () => {
    expect(bucketValue('2024-03-05T23:59:59Z', 'day')).toBe('2024-03-05');
    expect(bucketValue('2024-03-05T23:30:00-02:00', 'day')).toBe('2024-03-06');
    expect(bucketValue('2024-03-05', 'day')).toBe('2024-03-05');
  });

  it('week: the Monday starting the ISO week', () => {
    // 2024-03-04 is a Monday.
    for (const d of ['04', '05', '06', '07', '08', '09', '10']) {
      expect(bucketValue(`2024-03-${d}`, 'week')).toBe('2024-03-04');
    }
    expect(bucketValue('2024-03-10T23:59:59Z', 'week')).toBe('2024-03-04');
    expect(bucketValue('2024-03-11T00:00:00Z', 'week')).toBe('2024-03-11');
    // Weeks cross month and year ends.
    expect(bucketValue('2025-01-01', 'week')).toBe('2024-12-30');
    expect(bucketValue('2023-01-01', 'week')).toBe('2022-12-26');
    expect(bucketValue('2024-03-01', 'week')).toBe('2024-02-26');
  });

  it('week: matches a day-by-day reference over seven years', () => {
    const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      let monday = t;
      while (names[new Date(monday).getUTCDay()] !== 'Mon') monday -= 86_400_000;
      const day = new Date(t).toISOString().slice(0, 10);
      expect(bucketValue(day, 'week')).toBe(new Date(monday).toISOString().slice(0, 10));
    }
  });

  it('month, quarter, year: the first day of the period', () => {
    expect(bucketValue('2024-02-29T23:00:00Z', 'month')).toBe('2024-02-01');
    expect(bucketValue('2024-12-31', 'month')).toBe('2024-12-01');
    expect(bucketValue('2024-01-01', 'quarter')).toBe('2024-01-01');
    expect(bucketValue('2024-03-31T23:59:59Z', 'quarter')).toBe('2024-01-01');
    expect(bucketValue('2024-04-01', 'quarter')).toBe('2024-04-01');
    expect(bucketValue('2024-06-30', 'quarter')).toBe('2024-04-01');
    expect(bucketValue('2024-07-01', 'quarter')).toBe('2024-07-01');
    expect(bucketValue('2024-09-30', 'quarter')).toBe('2024-07-01');
    expect(bucketValue('2024-10-01', 'quarter')).toBe('2024-10-01');
    expect(bucketValue('2024-12-31', 'quarter')).toBe('2024-10-01');
    expect(bucketValue('2024-12-31T23:59:59Z', 'year')).toBe('2024-01-01');
    expect(bucketValue('2024-12-31T23:30:00-01:00', 'year')).toBe('2025-01-01');
  });

  it('gives null for cells that are not ISO date strings', () => {
    expect(bucketValue('not a date', 'day')).toBeNull();
    expect(bucketValue('2024-02-30', 'month')).toBeNull();
    expect(bucketValue('', 'month')).toBeNull();
    expect(bucketValue(20240305, 'day')).toBeNull();
    expect(bucketValue(null, 'day')).toBeNull();
    expect(bucketValue(true, 'year')).toBeNull();
  });
});
