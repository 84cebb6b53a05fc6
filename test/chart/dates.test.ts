import { describe, expect, it } from 'vitest';
import { dateLabels } from '../../src/chart/dates.js';

describe('dateLabels', () => {
  it('labels months by name, with the year on the first and at a new year', () => {
    expect(dateLabels(['2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01'])).toEqual([
      'Nov\n2024',
      'Dec',
      'Jan\n2025',
      'Feb',
    ]);
  });

  it('labels years, quarters, days and times', () => {
    expect(dateLabels(['2023-01-01', '2024-01-01'])).toEqual(['2023', '2024']);
    expect(dateLabels(['2024-01-01', '2024-04-01', '2024-07-01'])).toEqual(['Q1 2024', 'Q2 2024', 'Q3 2024']);
    expect(dateLabels(['2024-03-05', '2024-03-06'])).toEqual(['Mar 5\n2024', 'Mar 6']);
    expect(dateLabels(['2024-03-05T14:30:00Z', '2024-03-05T15:00'])).toEqual(['Mar 5 14:30', 'Mar 5 15:00']);
  });

  it('reads dates as UTC and leaves non-dates as they are', () => {
    expect(dateLabels(['2024-06-01T00:00:00+02:00'])).toEqual(['May 31 22:00']);
    expect(dateLabels(['2024-01-01', null])).toEqual(['Jan\n2024', '(none)']);
  });
});
