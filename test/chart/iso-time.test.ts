import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateParse } from '../../src/chart/iso-time.js';
import { isoLike } from './iso-arbitraries.js';

describe('dateParse', () => {
  it('reads every date and time as Date.parse does', () => {
    fc.assert(
      fc.property(isoLike, (s) => {
        expect(Object.is(dateParse(s), Date.parse(s)), s).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads any text as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          isoLike.map((s) => ` ${s}`),
        ),
        (s) => {
          expect(Object.is(dateParse(s), Date.parse(s)), s).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-02-30', Date.UTC(2024, 2, 1)],
    ['0000-01-01', -62_167_219_200_000],
    ['0099-12-31T23:59:59.999Z', -59_011_459_200_001],
    ['9999-12-31T23:59:59.999Z', 253_402_300_799_999],
    ['2024-03-10T02:30+05:30', Date.UTC(2024, 2, 9, 21, 0)],
    ['2024-01-01T24:00:00Z', Date.UTC(2024, 0, 2)],
    ['2024-13-01', Number.NaN],
    ['2024-01-01T10:00:60Z', Number.NaN],
  ])('reads %s as %d', (s, ms) => {
    expect(dateParse(s)).toBe(ms);
  });
});
