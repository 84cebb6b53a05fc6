import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketValue } from '../../src/data/bucket.js';
import { Bucketer, isoKey } from '../../src/data/bucketer.js';
import { UTC, type Zone, zoneNamed } from '../../src/data/zone.js';
import type { TimeBucket } from '../../src/spec/schema.js';
import { rng } from './helpers.js';

const BUCKETS: TimeBucket[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];
const MINUTE = 60_000;

/** Every minute (at a random second, written in a random form) from `from` for `minutes`. */
function minutes(from: string, count: number, seed: number): string[] {
  const rand = rng(seed);
  const start = Date.parse(from);
  const forms = [
    (iso: string) => `${iso.slice(0, 19)}Z`,
    (iso: string) => iso,
    (iso: string) => iso.slice(0, 19),
    (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`,
    (iso: string) => `${iso.slice(0, 10)}t${iso.slice(11, 23)}z`,
  ];
  const out: string[] = [];
  for (let m = 0; m < count; m++) {
    const iso = new Date(start + m * MINUTE + Math.floor(rand() * 60_000)).toISOString();
    out.push(forms[Math.floor(rand() * forms.length)]!(iso));
  }
  // Shuffled, so that the text that first fills a day or slot varies.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The texts where bucketing one remembered result per key and bucketing each text differ. */
function mismatches(texts: readonly string[], zone: Zone): string[] {
  const wrong: string[] = [];
  for (const bucket of BUCKETS) {
    const b = new Bucketer(bucket, zone);
    for (const t of texts) {
      if (b.of(t) !== bucketValue(t, bucket, zone)) wrong.push(`${bucket} ${zone.name} ${t}`);
    }
  }
  return wrong;
}

// Hours around offset changes and midnights: each zone's own, and the year's end.
const edges: Record<string, string[]> = {
  UTC: ['2023-12-31T18:00:00Z', '2024-02-28T20:00:00Z'],
  'Europe/Paris': [
    '2024-03-30T20:00:00Z',
    '2024-10-26T20:00:00Z',
    '1900-01-01T20:00:00Z',
    '1911-03-10T20:00:00Z',
  ],
  'America/St_Johns': ['2024-03-10T00:00:00Z', '2024-11-02T22:00:00Z', '2023-12-31T22:00:00Z'],
  'Asia/Kathmandu': ['2023-12-31T12:00:00Z', '1985-12-31T12:00:00Z'],
  'Australia/Lord_Howe': ['2024-04-06T10:00:00Z', '2024-10-05T10:00:00Z'],
  'Pacific/Chatham': ['2024-04-06T08:00:00Z', '2024-09-28T08:00:00Z'],
  'Africa/Monrovia': ['1971-12-31T18:00:00Z', '1972-01-06T18:00:00Z'],
  'Asia/Kolkata': ['2024-02-28T12:00:00Z'],
};

describe('Bucketer', () => {
  for (const [name, starts] of Object.entries(edges)) {
    it(`buckets every minute near offset changes and midnights as bucketValue does: ${name}`, () => {
      const zone = name === 'UTC' ? UTC : zoneNamed(name)!;
      const texts = starts.flatMap((s, i) => minutes(s, 12 * 60, i + 1));
      expect(mismatches(texts, zone)).toEqual([]);
    });
  }

  it('keeps invalid dates out, whatever valid text of their day came first', () => {
    for (const zone of [UTC, zoneNamed('Europe/Paris')!]) {
      const day = new Bucketer('day', zone);
      expect(day.of('2024-02-29T10:00:00Z')).toBe('2024-02-29');
      expect(day.of('2023-02-29T10:00:00Z')).toBeNull();
      expect(day.of('2023-02-28T10:00:00Z')).toBe('2023-02-28');
      expect(day.of('2023-02-28T24:00:00Z')).toBeNull();
      expect(day.of('2023-02-28T23:60:00Z')).toBeNull();
      expect(day.of('2023-02-28T23:00:61Z')).toBeNull();
      expect(day.of('1900-02-29T12:00:00Z')).toBeNull();
      expect(day.of('2000-02-29T12:00:00Z')).toBe('2000-02-29');
    }
  });

  it('reads a fraction of a second that rounds up to the next day', () => {
    const day = new Bucketer('day');
    expect(day.of('2024-01-01T23:59:59.5Z')).toBe('2024-01-01');
    expect(day.of('2024-01-01T23:59:59.99999999999999999Z')).toBe('2024-01-02');
  });

  it('reads an offset other than Z, which can change the day: 23:30 at +05:00 is 18:30 UTC', () => {
    const day = new Bucketer('day');
    expect(day.of('2024-01-15T10:00:00Z')).toBe('2024-01-15');
    expect(day.of('2024-01-15T23:30:00-05:00')).toBe('2024-01-16');
    expect(day.of('2024-01-16T01:30:00+05:00')).toBe('2024-01-15');
    const paris = new Bucketer('day', zoneNamed('Europe/Paris')!);
    expect(paris.of('2024-01-15T23:30:00Z')).toBe('2024-01-16');
    expect(paris.of('2024-01-15T23:30:00+05:00')).toBe('2024-01-15');
  });

  it('gives what bucketValue gives for any text', () => {
    const piece = fc.constantFrom(
      '2024',
      '2023',
      '0099',
      '-',
      '02',
      '29',
      '13',
      '00',
      'T',
      ' ',
      ':',
      '59',
      '60',
      '23',
      '.',
      ',',
      '5',
      '123456789',
      'Z',
      'z',
      '+05:30',
      '-03',
      ' ',
    );
    const text = fc.array(piece, { minLength: 1, maxLength: 14 }).map((p) => p.join(''));
    const near = fc
      .tuple(fc.integer({ min: -1e12, max: 4e12 }), fc.constantFrom(10, 13, 16, 19, 21, 23, 24))
      .map(([ms, n]) => new Date(ms).toISOString().slice(0, n));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(text, near), { maxLength: 30 }),
        fc.constantFrom(...BUCKETS),
        fc.constantFrom('UTC', 'Europe/Paris', 'America/St_Johns', 'Asia/Kathmandu'),
        (texts, bucket, name) => {
          const zone = name === 'UTC' ? UTC : zoneNamed(name)!;
          const b = new Bucketer(bucket, zone);
          for (const t of texts) expect(b.of(t)).toBe(bucketValue(t, bucket, zone));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('isoKey', () => {
  it('names the UTC day, hour or quarter hour of a time without an offset', () => {
    expect(isoKey('2024-03-05T14:47:09Z', 'day')).toBe(20240305);
    expect(isoKey('2024-03-05 14:47', 'hour')).toBe(2024030514);
    expect(isoKey('2024-03-05t14:47:09.123z', 'slot')).toBe(2024030514 * 4 + 3);
    expect(isoKey('2023-02-29T10:00:00Z', 'day')).toBe(20230229);
  });

  it('has none for other texts: offsets, long fractions, spaces, dates alone, bad times', () => {
    for (const text of [
      '2024-03-05T14:47:09+01:00',
      '2024-03-05T14:47:09-0330',
      '2024-01-01T23:59:59.99999999999999999Z',
      '2024-01-01T23:59:59.9999999999Z',
      ' 2024-03-05T14:47:09Z',
      '2024-03-05T14:47:09Z ',
      '2024-03-05',
      '2024-03-05T24:00:00Z',
      '2024-03-05T14:47.5Z',
      '2024-03-05T14:47:09.Z',
      '2024/03/05T14:47:09Z',
      // Seconds cut short: a colon with nothing after it.
      '2024-03-05T14:47:',
      '2024-03-05T14:47:5',
    ]) {
      expect(isoKey(text, 'day'), text).toBe(-1);
    }
  });
});
