import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketValue, parseIsoDate } from '../../src/data/bucket.js';
import { zoneNamed } from '../../src/data/zone.js';

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

describe('parseIsoDate, against dates built from their parts', () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  /** An ISO date or date-time in every accepted spelling, with the instant it names. */
  const isoDate = fc
    .record({
      year: fc.integer({ min: 100, max: 9999 }),
      month: fc.integer({ min: 0, max: 11 }),
      day: fc.integer({ min: 1, max: 31 }),
      time: fc.option(
        fc.record({
          sep: fc.constantFrom('T', 't', ' '),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.option(
            fc.record({
              second: fc.integer({ min: 0, max: 59 }),
              fraction: fc.option(
                fc.record({ dot: fc.constantFrom('.', ','), digits: fc.stringMatching(/^[0-9]{1,6}$/) }),
              ),
            }),
          ),
          zone: fc.oneof(
            fc.constantFrom('', 'Z', 'z'),
            fc.record({
              sign: fc.constantFrom('+', '-'),
              hours: fc.integer({ min: 0, max: 14 }),
              minutes: fc.integer({ min: 0, max: 59 }),
              form: fc.constantFrom('hh', 'hhmm', 'hh:mm'),
            }),
          ),
        }),
      ),
      space: fc.constantFrom('', ' '),
    })
    .map(({ year, month, day: rawDay, time, space }) => {
      // Any day of the month: past its last day, the last day.
      const day = Math.min(rawDay, new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
      let text = `${pad(year, 4)}-${pad(month + 1)}-${pad(day)}`;
      let ms = Date.UTC(year, month, day);
      if (time) {
        text += `${time.sep}${pad(time.hour)}:${pad(time.minute)}`;
        let second = 0;
        let milli = 0;
        if (time.second) {
          second = time.second.second;
          text += `:${pad(second)}`;
          if (time.second.fraction) {
            text += `${time.second.fraction.dot}${time.second.fraction.digits}`;
            milli = Number(time.second.fraction.digits.padEnd(3, '0').slice(0, 3));
          }
        }
        ms = Date.UTC(year, month, day, time.hour, time.minute, second, milli);
        const z = time.zone;
        if (typeof z === 'string') text += z;
        else {
          const minutes = z.form === 'hh' ? 0 : z.minutes;
          text += `${z.sign}${pad(z.hours)}${z.form === 'hh' ? '' : z.form === 'hhmm' ? pad(minutes) : `:${pad(minutes)}`}`;
          ms -= (z.sign === '-' ? -1 : 1) * (z.hours * 60 + minutes) * 60_000;
        }
      }
      return { text: `${space}${text}${space}`, ms };
    });

  it('reads every spelling of a real date to its instant', () => {
    fc.assert(
      fc.property(isoDate, ({ text, ms }) => {
        expect(parseIsoDate(text)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses the day after the last of each month, and February 29 outside leap years', () => {
    for (const year of [1900, 2000, 2023, 2024]) {
      for (let month = 0; month < 12; month++) {
        const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
        const at = (day: number) => `${year}-${pad(month + 1)}-${pad(day)}`;
        expect(parseIsoDate(at(last)), at(last)).toBe(Date.UTC(year, month, last));
        expect(parseIsoDate(at(last + 1)), at(last + 1)).toBeNull();
      }
    }
    expect(parseIsoDate('2024-03-00')).toBeNull();
  });

  it('refuses a time, second or offset out of range', () => {
    for (const s of [
      '2024-03-05T24:00',
      '2024-03-05T23:60',
      '2024-03-05T-1:00',
      '2024-03-05T12:-1',
      '2024-03-05T12:00:60',
      '2024-03-05T12:00:-1',
      '2024-03-05T12:00:00+2:00',
      '2024-03-05T12:00:00+02:5',
      '2024-03-05T12:00:00+02:000',
      '2024-03-05T12:00:00+0a:00',
      '2024-03-05T12:00:00+02:a0',
      '2024-03-05T12:00:00*02:00',
      '2024-03-05T12:00:00.',
      '2024-03-05T12:00:00.x',
      '2024-03-05T12:00Z1',
      '2024-03-0',
      '2024-03-',
      '2024-1',
      '2024-',
      '202',
      'abcd-03-05',
      '2024/03/05',
      '2024-03/05',
      '2024/03',
      '2024-03-1/',
      '2024-03-05T1/:00',
      '2024-03-05T14x37',
      '2024-03-05T12:00:00+02:',
      '2024-03-05T12:00:00+02000',
      '2024-03-05T12:00:00+02x30',
    ]) {
      expect(parseIsoDate(s), s).toBeNull();
    }
    expect(parseIsoDate('2024-03-05T00:00:59')).toBe(Date.UTC(2024, 2, 5, 0, 0, 59));
    // The first year read as written (Date.UTC would take 0-99 as 1900-1999).
    expect(parseIsoDate('0100-01-01')).toBe(new Date('0100-01-01T00:00:00Z').getTime());
    expect(parseIsoDate('2024-03-05T12:00:00.999999Z')).toBe(Date.UTC(2024, 2, 5, 12, 0, 0, 999));
  });
});

describe('bucketValue, at the edges', () => {
  it('writes years before 1000 with four digits', () => {
    expect(bucketValue('0999-05-05', 'month')).toBe('0999-05-01');
    expect(bucketValue('0100-01-01T10:00:00Z', 'year')).toBe('0100-01-01');
  });

  it('keeps a date alone on its day in every zone, spaces around it or not', () => {
    const newYork = zoneNamed('America/New_York')!;
    expect(bucketValue(' 2024-03-05 ', 'day', newYork)).toBe('2024-03-05');
    expect(bucketValue('2024-03-05', 'day', newYork)).toBe('2024-03-05');
    // A date-time is an instant: midnight UTC is the evening before in New York.
    expect(bucketValue('2024-03-05T00:00Z', 'day', newYork)).toBe('2024-03-04');
  });
});
