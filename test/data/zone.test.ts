import { describe, expect, it } from 'vitest';
import { bucketOfInstant, bucketValue, nextBucket, parseIsoDate } from '../../src/data/bucket.js';
import { QueryAccumulator } from '../../src/data/query.js';
import { formatOffset, UTC, zoneNamed } from '../../src/data/zone.js';
import { run } from './helpers.js';

const paris = zoneNamed('Europe/Paris')!;
const newYork = zoneNamed('America/New_York')!;
const HOUR = 3_600_000;

const formats = new Map<string, Intl.DateTimeFormat>();
/** Local wall-clock time by the runtime's own formatting, as `YYYY-MM-DD HH:mm:ss`. */
function local(ms: number, timeZone: string): string {
  let f = formats.get(timeZone);
  if (!f) {
    const opts = { timeZone, dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' } as const;
    f = new Intl.DateTimeFormat('sv-SE', opts);
    formats.set(timeZone, f);
  }
  return f.format(ms);
}

describe('zoneNamed', () => {
  it('knows IANA zones and UTC, and nothing else', () => {
    expect(zoneNamed('UTC')).toBe(UTC);
    expect(zoneNamed('utc')).toBe(UTC);
    expect(zoneNamed('Europe/Paris')?.name).toBe('Europe/Paris');
    expect(zoneNamed('Europe/Pariss')).toBeUndefined();
    expect(zoneNamed('Mars/Olympus')).toBeUndefined();
  });

  it('gives offsets across a change, and odd offsets', () => {
    expect(paris.offsetAt(Date.UTC(2024, 2, 31, 0, 59))).toBe(HOUR);
    expect(paris.offsetAt(Date.UTC(2024, 2, 31, 1, 0))).toBe(2 * HOUR);
    expect(newYork.offsetAt(Date.UTC(2024, 10, 3, 5, 59))).toBe(-4 * HOUR);
    expect(newYork.offsetAt(Date.UTC(2024, 10, 3, 6, 0))).toBe(-5 * HOUR);
    expect(zoneNamed('Asia/Kathmandu')!.offsetAt(Date.UTC(2024, 0, 1))).toBe(5.75 * HOUR);
    expect(formatOffset(5.75 * HOUR)).toBe('+05:45');
    expect(formatOffset(-5 * HOUR)).toBe('-05:00');
  });
});

describe('time buckets in a zone', () => {
  it('day buckets are cut at local midnight: 23 and 25 hour days at the changes', () => {
    for (const [zone, short, long] of [
      [paris, '2024-03-31', '2024-10-27'],
      [newYork, '2024-03-10', '2024-11-03'],
    ] as const) {
      const hours = new Map<string, number>();
      for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += HOUR) {
        const day = bucketOfInstant(t, 'day', zone);
        hours.set(day, (hours.get(day) ?? 0) + 1);
      }
      expect(hours.get(short), zone.name).toBe(23);
      expect(hours.get(long), zone.name).toBe(25);
      const others = [...hours].filter(
        ([d]) => d !== short && d !== long && d > '2024-01-01' && d < '2024-12-31',
      );
      expect(others.every(([, n]) => n === 24)).toBe(true);
    }
  });

  it('match the local date and hour of the runtime, every 37 minutes of 2024', () => {
    const wrong: string[] = [];
    for (const zone of [paris, newYork]) {
      for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += 37 * 60_000) {
        const iso = new Date(t).toISOString();
        const wall = local(t, zone.name);
        const hour = bucketValue(iso, 'hour', zone)!;
        // The hour label names the instant the hour starts at.
        const start = parseIsoDate(hour)!;
        if (
          bucketValue(iso, 'day', zone) !== wall.slice(0, 10) ||
          hour.slice(0, 13) !== wall.slice(0, 13).replace(' ', 'T') ||
          !(t - start >= 0 && t - start < HOUR)
        ) {
          wrong.push(`${zone.name} ${iso} ${wall} ${hour}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('hour labels carry the offset, which tells the repeated autumn hour apart', () => {
    const at = (iso: string, zone = paris) => bucketValue(iso, 'hour', zone);
    expect(at('2024-03-31T00:30:00Z')).toBe('2024-03-31T01:00:00+01:00');
    expect(at('2024-03-31T01:00:00Z')).toBe('2024-03-31T03:00:00+02:00');
    expect(at('2024-10-27T00:30:00Z')).toBe('2024-10-27T02:00:00+02:00');
    expect(at('2024-10-27T01:30:00Z')).toBe('2024-10-27T02:00:00+01:00');
    expect(at('2024-11-03T05:30:00Z', newYork)).toBe('2024-11-03T01:00:00-04:00');
    expect(at('2024-11-03T06:30:00Z', newYork)).toBe('2024-11-03T01:00:00-05:00');
    expect(at('2024-03-10T06:30:00Z', newYork)).toBe('2024-03-10T01:00:00-05:00');
    expect(at('2024-03-10T07:30:00Z', newYork)).toBe('2024-03-10T03:00:00-04:00');
    expect(at('2024-03-10T07:30:00+01:00', newYork)).toBe('2024-03-10T01:00:00-05:00');
  });

  it('weeks, months and years are cut in local time too', () => {
    expect(bucketValue('2024-03-31T23:30:00Z', 'month', paris)).toBe('2024-04-01');
    expect(bucketValue('2024-03-31T23:30:00Z', 'month')).toBe('2024-03-01');
    expect(bucketValue('2025-01-01T02:00:00Z', 'year', newYork)).toBe('2024-01-01');
    // Sunday 2024-03-10 23:30 in New York is already Monday in UTC.
    expect(bucketValue('2024-03-11T03:30:00Z', 'week', newYork)).toBe('2024-03-04');
    expect(bucketValue('2024-03-11T03:30:00Z', 'week')).toBe('2024-03-11');
  });

  it('a date without a time stays on its day in every zone', () => {
    expect(bucketValue('2024-03-10', 'day', newYork)).toBe('2024-03-10');
    expect(bucketValue('2024-03-31', 'day', paris)).toBe('2024-03-31');
    expect(bucketValue('2024-03-31', 'hour', paris)).toBe('2024-03-31T00:00:00+01:00');
    expect(bucketValue('2024-07-01', 'hour', paris)).toBe('2024-07-01T00:00:00+02:00');
  });

  it('steps to the next bucket, by calendar or by real hours', () => {
    expect(nextBucket('2024-03-31T01:00:00+01:00', 'hour', paris)).toBe('2024-03-31T03:00:00+02:00');
    expect(nextBucket('2024-10-27T02:00:00+02:00', 'hour', paris)).toBe('2024-10-27T02:00:00+01:00');
    expect(nextBucket('2024-03-05T23:00:00Z', 'hour')).toBe('2024-03-06T00:00:00Z');
    expect(nextBucket('2024-03-31', 'day', paris)).toBe('2024-04-01');
    expect(nextBucket('2024-12-30', 'week')).toBe('2025-01-06');
    expect(nextBucket('2024-01-01', 'month')).toBe('2024-02-01');
    expect(nextBucket('2024-10-01', 'quarter')).toBe('2025-01-01');
    expect(nextBucket('2024-01-01', 'year')).toBe('2025-01-01');
    expect(nextBucket('soon', 'day')).toBeNull();
  });
});

describe('queries with a time zone', () => {
  const rows = [
    '2024-10-27T01:30:00Z',
    '2024-10-27T00:10:00Z',
    '2024-10-27T00:50:00Z',
    '2024-10-26T23:59:00Z',
  ].map((t, i) => ({ t, v: i + 1 }));

  it('group by local hour and sort the repeated hour in time order', () => {
    const got = run(rows, {
      groupBy: [{ field: 't', bucket: 'hour', timezone: 'Europe/Paris', as: 'hour' }],
      aggregate: { v: { op: 'sum', field: 'v' } },
      sort: ['hour'],
    });
    expect(got).toEqual([
      { hour: '2024-10-27T01:00:00+02:00', v: 4 },
      { hour: '2024-10-27T02:00:00+02:00', v: 5 },
      { hour: '2024-10-27T02:00:00+01:00', v: 1 },
    ]);
  });

  it('refuses an unknown zone, and a zone without a bucket, at their paths', () => {
    const acc = new QueryAccumulator(
      {
        from: 'd',
        groupBy: [
          { field: 't', bucket: 'day', timezone: 'Europe/Pariss' },
          { field: 'u', timezone: 'UTC', as: 'u2' },
          { field: 'v', bin: { step: 1 }, bucket: 'day', as: 'v2' },
        ],
      },
      {},
      { dataset: 'd', path: 'charts.c.data' },
    );
    expect(acc.problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.groupBy[0].timezone'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.groupBy[1].timezone'],
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.groupBy[2].bin'],
    ]);
    expect(acc.problems[0]?.message).toContain('unknown time zone "Europe/Pariss"');
  });
});
