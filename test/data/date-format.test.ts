import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/data/bucket.js';
import { checkDateFormat, compileDateFormat, DateFormatError } from '../../src/data/date-format.js';

const read = (format: string, text: string) => compileDateFormat(format)(text);

describe('compileDateFormat: directives', () => {
  it('%Y %m %d: four-digit year, months and days with or without a zero', () => {
    expect(read('%Y-%m-%d', '2024-03-05')).toBe('2024-03-05');
    expect(read('%Y-%m-%d', '2024-3-5')).toBe('2024-03-05');
    expect(read('%d/%m/%Y', '05/03/2024')).toBe('2024-03-05');
    expect(read('%Y%m%d', '20240305')).toBe('2024-03-05');
    expect(read('%Y-%m-%d', '24-03-05')).toBeNull();
  });

  it('%y: 69-99 are 1969-1999, 00-68 are 2000-2068', () => {
    expect(read('%m/%d/%y', '03/05/24')).toBe('2024-03-05');
    expect(read('%m/%d/%y', '03/05/68')).toBe('2068-03-05');
    expect(read('%m/%d/%y', '03/05/69')).toBe('1969-03-05');
    expect(read('%m/%d/%y', '03/05/2024')).toBeNull();
  });

  it('%e: a day padded with a space', () => {
    expect(read('%b %e %Y', 'Jan  1 2000')).toBe('2000-01-01');
    expect(read('%e.%m.%Y', ' 1.02.2000')).toBe('2000-02-01');
  });

  it('%b %B: English month names, abbreviated or full, in any case', () => {
    expect(read('%b %d %Y', 'Jan 1 2000')).toBe('2000-01-01');
    expect(read('%b %d %Y', 'Jun 12 1998')).toBe('1998-06-12');
    expect(read('%B %d, %Y', 'September 5, 2001')).toBe('2001-09-05');
    expect(read('%B %d, %Y', 'SEP 5, 2001')).toBe('2001-09-05');
    expect(read('%b %d %Y', 'may 1 2000')).toBe('2000-05-01');
    expect(read('%b %d %Y', 'Sept 5 2001')).toBeNull();
    expect(read('%b %d %Y', 'Foo 5 2001')).toBeNull();
  });

  it('%a %A: weekday names, which must be the date’s', () => {
    expect(read('%a, %d %b %Y', 'Tue, 05 Mar 2024')).toBe('2024-03-05');
    expect(read('%A %d %B %Y', 'tuesday 5 March 2024')).toBe('2024-03-05');
    expect(read('%a, %d %b %Y', 'Wed, 05 Mar 2024')).toBeNull();
  });

  it('%H %M %S: a 24-hour time makes a UTC date-time', () => {
    expect(read('%Y-%m-%d %H:%M:%S', '2024-03-05 14:07:09')).toBe('2024-03-05T14:07:09Z');
    expect(read('%Y-%m-%d %H:%M', '2024-03-05 9:30')).toBe('2024-03-05T09:30:00Z');
    expect(read('%Y-%m-%d %H:%M', '2024-03-05 24:00')).toBeNull();
    expect(read('%Y-%m-%d %H:%M', '2024-03-05 12:60')).toBeNull();
    expect(read('%Y-%m-%d %H:%M:%S', '2024-03-05 12:00:60')).toBeNull();
  });

  it('%I %p: a 12-hour clock', () => {
    expect(read('%Y-%m-%d %I:%M %p', '2024-03-05 12:30 AM')).toBe('2024-03-05T00:30:00Z');
    expect(read('%Y-%m-%d %I:%M %p', '2024-03-05 12:30 pm')).toBe('2024-03-05T12:30:00Z');
    expect(read('%Y-%m-%d %I:%M %p', '2024-03-05 1:05 PM')).toBe('2024-03-05T13:05:00Z');
    expect(read('%Y-%m-%d %I:%M%p', '2024-03-05 11:59PM')).toBe('2024-03-05T23:59:00Z');
    expect(read('%Y-%m-%d %I:%M %p', '2024-03-05 13:00 PM')).toBeNull();
    expect(read('%Y-%m-%d %I:%M %p', '2024-03-05 0:00 AM')).toBeNull();
    expect(read('%Y-%m-%d %I:%M %p', '2024-03-05 1:00 XM')).toBeNull();
  });

  it('%L %f: milliseconds and microseconds', () => {
    expect(read('%Y-%m-%dT%H:%M:%S.%L', '2024-03-05T14:00:00.250')).toBe('2024-03-05T14:00:00.250Z');
    expect(read('%Y-%m-%dT%H:%M:%S.%f', '2024-03-05T14:00:00.250001')).toBe('2024-03-05T14:00:00.250001Z');
    expect(read('%Y-%m-%dT%H:%M:%S.%L', '2024-03-05T14:00:00.000')).toBe('2024-03-05T14:00:00Z');
    expect(read('%Y-%m-%dT%H:%M:%S.%L', '2024-03-05T14:00:00.25')).toBeNull();
  });

  it('%j: the day of the year, checked against the year', () => {
    expect(read('%Y-%j', '2024-060')).toBe('2024-02-29');
    expect(read('%Y-%j', '2023-060')).toBe('2023-03-01');
    expect(read('%Y-%j', '2024-366')).toBe('2024-12-31');
    expect(read('%Y-%j', '2023-366')).toBeNull();
    expect(read('%Y-%j', '2023-000')).toBeNull();
    expect(read('%Y-%m-%d (%j)', '2024-03-01 (61)')).toBe('2024-03-01');
    expect(read('%Y-%m-%d (%j)', '2024-03-01 (62)')).toBeNull();
  });

  it('%Z %z: offsets, kept as ±hh:mm; Z is UTC', () => {
    const f = '%Y-%m-%d %H:%M%Z';
    expect(read(f, '2024-03-05 14:00Z')).toBe('2024-03-05T14:00:00Z');
    expect(read(f, '2024-03-05 14:00+0200')).toBe('2024-03-05T14:00:00+02:00');
    expect(read(f, '2024-03-05 14:00-07:30')).toBe('2024-03-05T14:00:00-07:30');
    expect(read('%Y-%m-%d %H:%M %z', '2024-03-05 14:00 +05')).toBe('2024-03-05T14:00:00+05:00');
    expect(read(f, '2024-03-05 14:00+2400')).toBeNull();
    expect(read(f, '2024-03-05 14:00 CET')).toBeNull();
  });

  it('%%, literal text and padding flags', () => {
    expect(read('%Y%%%m', '2024%03')).toBe('2024-03-01');
    expect(read('week of %d.%m.%Y', 'week of 5.3.2024')).toBe('2024-03-05');
    expect(read('%-d/%-m/%Y', '5/3/2024')).toBe('2024-03-05');
    expect(read('%_d/%0m/%Y', ' 5/03/2024')).toBe('2024-03-05');
    expect(read('week of %d.%m.%Y', 'Week of 5.3.2024')).toBeNull();
  });

  it('defaults missing parts as d3 does: 1900, January, the 1st', () => {
    expect(read('%b %Y', 'Mar 2024')).toBe('2024-03-01');
    expect(read('%Y', '2024')).toBe('2024-01-01');
    expect(read('%b %d', 'Mar 5')).toBe('1900-03-05');
  });
});

describe('compileDateFormat: what is not a date', () => {
  it('refuses impossible calendar dates', () => {
    const f = compileDateFormat('%b %d %Y');
    expect(f('Feb 30 2000')).toBeNull();
    expect(f('Feb 29 2001')).toBeNull();
    expect(f('Feb 29 2000')).toBe('2000-02-29');
    expect(f('Feb 29 1900')).toBeNull();
    expect(f('Apr 31 2000')).toBeNull();
    expect(f('Jan 0 2000')).toBeNull();
    expect(read('%Y-%m-%d', '2024-13-01')).toBeNull();
    expect(read('%Y-%m-%d', '2024-00-10')).toBeNull();
    expect(read('%Y-%m-%d', '0099-01-01')).toBeNull();
  });

  it('needs the whole text, but not its surrounding spaces', () => {
    const f = compileDateFormat('%b %d %Y');
    expect(f('  Jan 1 2000 ')).toBe('2000-01-01');
    expect(f('Jan 1 2000x')).toBeNull();
    expect(f('Jan 1 20000')).toBeNull();
    expect(f('Jan 1')).toBeNull();
    expect(f('')).toBeNull();
    expect(f('Jan1 2000')).toBeNull();
  });

  it('gives ISO text that the rest of chartpress reads as the same instant', () => {
    const cases: [string, string, number][] = [
      ['%b %d %Y', 'Jun 12 1998', Date.UTC(1998, 5, 12)],
      ['%d/%m/%Y %H:%M', '31/12/1999 23:59', Date.UTC(1999, 11, 31, 23, 59)],
      ['%Y-%m-%d %H:%M:%S.%L%Z', '2024-03-05 14:00:00.125+01:00', Date.UTC(2024, 2, 5, 13, 0, 0, 125)],
    ];
    for (const [format, text, ms] of cases) expect(parseIsoDate(read(format, text)!), text).toBe(ms);
  });

  it('a parser can be reused for many cells, each read afresh', () => {
    const f = compileDateFormat('%Y-%m-%d %H:%M %p');
    expect(f('2024-03-05 1:00 PM')).toBe('2024-03-05T13:00:00Z');
    expect(f('2024-03-05 1:00 AM')).toBe('2024-03-05T01:00:00Z');
  });
});

describe('checkDateFormat', () => {
  it('names an unknown directive, a lone % and a format without directives', () => {
    expect(checkDateFormat('%b %d %Y')).toBeUndefined();
    expect(checkDateFormat('%Y-%Q')).toBe('unknown directive "%Q" in date format "%Y-%Q"');
    expect(checkDateFormat('%Y-%-q')).toContain('"%-q"');
    expect(checkDateFormat('%Y%')).toContain('lone "%"');
    expect(checkDateFormat('date')).toContain('has no directive');
    expect(() => compileDateFormat('%c')).toThrow(DateFormatError);
  });
});
