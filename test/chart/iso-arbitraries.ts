/** Generated date and time strings for property tests of date reading. */
import fc from 'fast-check';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Strings of the shapes read by hand, with every field also a little out of range (month 13,
 * day 32, hour 24, minute 60, offset +24:00) and the spellings left to Date.parse nearby (no
 * zone, a space or `t` for `T`, one or four digits of fraction).
 */
export const isoLike: fc.Arbitrary<string> = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.option(fc.integer({ min: 0, max: 60 })),
    fraction: fc.option(
      fc.oneof(
        fc.integer({ min: 0, max: 999 }).map((ms) => `.${pad(ms, 3)}`),
        fc.constantFrom('.0', '.5', '.12', '.1234', '.'),
      ),
    ),
    time: fc.constantFrom('T', 't', ' ', ''),
    zone: fc.constantFrom(
      'Z',
      'z',
      '',
      '+00:00',
      '-00:00',
      '+05:30',
      '-11:45',
      '+23:59',
      '+24:00',
      '+0200',
      '+02',
    ),
  })
  .map((p) => {
    let s = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
    if (p.time === '') return s;
    s += `${p.time}${pad(p.hour, 2)}:${pad(p.minute, 2)}`;
    if (p.second !== null) s += `:${pad(p.second, 2)}${p.fraction ?? ''}`;
    return s + p.zone;
  });
