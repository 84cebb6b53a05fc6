import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/frame.js';
import type { GroupBy } from '../../src/spec/schema.js';
import { failure, scan } from './helpers.js';

const count = { n: { op: 'count' as const } };

describe('groupBy with a time bucket', () => {
  it('groups cells that are not ISO dates under null, counting each once in a warning', async () => {
    const rows: Row[] = [
      { d: '2024-03-05' },
      { d: 2024 },
      { d: true },
      { d: 'soon' },
      { d: 'soon' },
      { d: '' },
      { d: null },
      { d: '2024-03-07' },
    ];
    const { rows: got, warnings } = await scan(rows, {
      groupBy: [{ field: 'd', bucket: 'month' }],
      aggregate: count,
    });
    expect(got).toEqual([
      { d: '2024-03-01', n: 2 },
      { d: null, n: 6 },
    ]);
    // Blank and null cells are missing dates, not wrong ones.
    expect(warnings.map((w) => [w.code, w.path, w.message.split(';')[0]])).toEqual([
      ['CP_WARN_INVALID_VALUES', 'charts.c.data.groupBy[0]', '4 values in column "d" were not ISO dates'],
    ]);
    expect(warnings[0]?.message).toContain('(the first: 2024)');
  });

  it('buckets distinct timestamps of one day together, and a day that does not exist under null', async () => {
    const rows: Row[] = [
      { d: '2023-02-28T10:00:00Z' },
      { d: '2023-02-29T10:00:00Z' },
      { d: '2023-02-28T23:59:59.999Z' },
      { d: '2023-02-29T11:00:00Z' },
      { d: '2023-02-28T23:30:00-05:00' },
    ];
    const { rows: got, warnings } = await scan(rows, {
      groupBy: [{ field: 'd', bucket: 'day' }],
      aggregate: count,
    });
    expect(got).toEqual([
      { d: '2023-02-28', n: 2 },
      { d: null, n: 2 },
      { d: '2023-03-01', n: 1 },
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining(
        '2 values in column "d" were not ISO dates; their rows were grouped under null (the first: "2023-02-29T10:00:00Z")',
      ),
    ]);
  });

  it('warns of nothing when every cell is a date or empty', async () => {
    const rows: Row[] = [{ d: '2024-03-05' }, { d: '' }, { d: null }, { d: '2024-03-05T10:00:00Z' }];
    const { rows: got, warnings } = await scan(rows, {
      groupBy: [{ field: 'd', bucket: 'day' }],
      aggregate: count,
    });
    expect(got).toEqual([
      { d: '2024-03-05', n: 2 },
      { d: null, n: 2 },
    ]);
    expect(warnings).toEqual([]);
  });

  it('sorts hours in a zone with daylight saving by instant, not by label', async () => {
    // 2024-10-27 in Paris: 02:00 comes twice, first at +02:00, then at +01:00.
    const rows = [
      '2024-10-27T01:30:00Z',
      '2024-10-27T00:30:00Z',
      null,
      '2024-10-26T23:30:00Z',
      '2024-10-27T00:10:00Z',
    ];
    const { rows: got } = await scan(
      rows.map((t) => ({ t })),
      {
        groupBy: [{ field: 't', bucket: 'hour', timezone: 'Europe/Paris' }],
        aggregate: count,
        sort: ['t'],
      },
    );
    expect(got.map((r) => r.t)).toEqual([
      '2024-10-27T01:00:00+02:00',
      '2024-10-27T02:00:00+02:00',
      '2024-10-27T02:00:00+01:00',
      null,
    ]);
  });
});

describe('groupBy items that contradict themselves', () => {
  it.each([
    [
      'a bin and a time zone',
      { field: 'd', bin: 10, timezone: 'UTC' },
      'bin',
      'use either bin (numbers) or bucket/timezone (dates), not both',
    ],
    [
      'a bin and a bucket',
      { field: 'd', bin: 10, bucket: 'day' },
      'bin',
      'use either bin (numbers) or bucket/timezone (dates), not both',
    ],
    [
      'a time zone without a bucket',
      { field: 'd', timezone: 'UTC' },
      'timezone',
      'timezone needs a time bucket (bucket: hour, day, ...)',
    ],
    [
      'an unknown time zone',
      { field: 'd', bucket: 'day', timezone: 'Mars/Base' },
      'timezone',
      'unknown time zone "Mars/Base"; use an IANA name such as "Europe/Paris" or "UTC"',
    ],
  ] as const)('refuses %s, at its path', async (_, item, key, message) => {
    const e = await failure(scan([{ d: 1, x: 'a' }], { groupBy: ['x', item as GroupBy], aggregate: count }));
    expect(e.problems).toEqual([
      expect.objectContaining({
        code: 'CP_ERR_INVALID_VALUE',
        path: `charts.c.data.groupBy[1].${key}`,
        message,
      }),
    ]);
  });
});

describe('the number of groups', () => {
  const rows: Row[] = [{ k: 'a' }, { k: 'b' }, { k: 'a' }, { k: 'c' }];

  it('may reach maxGroups', async () => {
    const { rows: got } = await scan(
      rows.slice(0, 3),
      { groupBy: ['k'], aggregate: count },
      { maxGroups: 2 },
    );
    expect(got).toEqual([
      { k: 'a', n: 2 },
      { k: 'b', n: 1 },
    ]);
  });

  it('may not pass it', async () => {
    const e = await failure(scan(rows, { groupBy: ['k'], aggregate: count }, { maxGroups: 2 }));
    expect(e.problems[0]?.message).toMatch(/query produced more than 2 groups/);
  });
});
