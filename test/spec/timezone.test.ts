import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { ChartpressError } from '../../src/errors.js';
import { reportJsonSchema } from '../../src/spec/json-schema.js';
import { validateReport } from '../../src/spec/parse.js';
import { makeSqlite, PG_URL, pgExec, postgresReachable, uniqueName } from '../data/sql/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

describe('the report-wide timezone', () => {
  it('is the default of every bucket and of every query with calculate that sets none', () => {
    const report = validateReport({
      title: 'T',
      timezone: 'Europe/Paris',
      datasets: { d: { source: 'inline', rows: [] } },
      charts: {
        a: {
          type: 'bar',
          data: {
            from: 'd',
            calculate: { h: 'hour(at)' },
            groupBy: [
              'k',
              { field: 'at', bucket: 'day' },
              { field: 'b', bucket: 'month', timezone: 'UTC' },
              { field: 'n', bin: { step: 1 } },
            ],
          },
          encode: { x: 'k', y: 'h' },
        },
        plain: {
          type: 'bar',
          data: { from: 'd', timezone: 'Asia/Tokyo', calculate: { y: 'year(at)' } },
          encode: { x: 'k', y: 'y' },
        },
        none: { type: 'bar', data: { from: 'd' }, encode: { x: 'k', y: 'v' } },
      },
      values: { v: { from: 'd', groupBy: [{ field: 'at', bucket: 'week' }] } },
      body: [
        { chart: 'a' },
        {
          row: [
            {
              chart: {
                type: 'line',
                data: { from: 'd', groupBy: [{ field: 'at', bucket: 'hour' }] },
                encode: { x: 'at', y: 'v' },
              },
            },
          ],
        },
        {
          when: { param: 'p' },
          then: [
            {
              table: {
                data: { from: 'd', calculate: { m: 'month(at)' } },
                columns: [
                  {
                    field: 's',
                    sparkline: {
                      from: { from: 'd', groupBy: [{ field: 'at', bucket: 'year' }] },
                      key: 'k',
                      y: 'v',
                    },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const a = report.charts.a!.data;
    expect(a.timezone).toBe('Europe/Paris');
    expect(a.groupBy).toEqual([
      'k',
      { field: 'at', bucket: 'day', timezone: 'Europe/Paris' },
      { field: 'b', bucket: 'month', timezone: 'UTC' },
      { field: 'n', bin: { step: 1 } },
    ]);
    expect(report.charts.plain!.data.timezone).toBe('Asia/Tokyo');
    // No calculate: no query-level zone (it would only stop push-down of nothing).
    expect(report.charts.none!.data.timezone).toBeUndefined();
    expect(report.values!.v!.groupBy).toEqual([{ field: 'at', bucket: 'week', timezone: 'Europe/Paris' }]);
    const row = report.body[1] as { row: { chart: { data: { groupBy: unknown[] } } }[] };
    expect(row.row[0]!.chart.data.groupBy).toEqual([
      { field: 'at', bucket: 'hour', timezone: 'Europe/Paris' },
    ]);
    const table = (
      report.body[2] as {
        then: {
          table: { data: { timezone?: string }; columns: { sparkline: { from: { groupBy: unknown[] } } }[] };
        }[];
      }
    ).then[0]!.table;
    expect(table.data.timezone).toBe('Europe/Paris');
    expect(table.columns[0]!.sparkline.from.groupBy).toEqual([
      { field: 'at', bucket: 'year', timezone: 'Europe/Paris' },
    ]);
  });

  it('changes nothing when the report sets none', () => {
    const input = {
      title: 'T',
      datasets: { d: { source: 'inline', rows: [] } },
      charts: {
        a: {
          type: 'bar',
          data: { from: 'd', calculate: { h: 'hour(at)' }, groupBy: [{ field: 'at', bucket: 'day' }] },
          encode: { x: 'at', y: 'h' },
        },
      },
      body: [{ chart: 'a' }],
    };
    const report = validateReport(input);
    expect(report.charts.a!.data).toEqual(input.charts.a.data);
  });

  it('is described in the JSON Schema, and glob paths too', () => {
    const text = JSON.stringify(reportJsonSchema());
    expect(text).toContain('IANA time zone of the whole report');
    expect(text).toContain('or a glob (`sales/2025-*.csv`');
    expect(text).toContain('or a glob (`logs/*.ndjson`');
  });

  it('an unknown zone is CP_ERR_INVALID_VALUE at `timezone`', async () => {
    const file = tmp.write(
      'bad-zone.yaml',
      'title: T\ntimezone: Mars/Olympus\ndatasets:\n  d: { source: inline, rows: [{ at: "2025-01-01" }] }\nbody:\n  - table: { data: { from: d, groupBy: [{ field: at, bucket: day }] } }\n',
    );
    const run = await cli('data', file);
    expect(run.code).toBe(1);
    expect(run.stderr.filter((l) => l.startsWith('CP_ERR'))).toEqual([
      expect.stringMatching(
        /^CP_ERR_INVALID_VALUE .*bad-zone\.yaml: timezone: unknown time zone "Mars\/Olympus"/,
      ),
    ]);
    const engine = createEngine({ cache: false });
    try {
      const e = await engine.data(file).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ChartpressError);
      expect((e as ChartpressError).problems[0]).toMatchObject({
        code: 'CP_ERR_INVALID_VALUE',
        path: 'timezone',
      });
    } finally {
      await engine.close();
    }
  });
});

/** Instants around midnight in New York and in UTC, so days and hours differ by zone. */
const instants = [
  '2025-03-01T02:30:00Z',
  '2025-03-01T04:59:00Z',
  '2025-03-01T05:00:00Z',
  '2025-03-09T06:30:00Z',
  '2025-03-09T07:30:00Z',
  '2025-11-02T05:30:00Z',
  '2025-11-02T06:30:00Z',
];
const ZONE = 'America/New_York';

/** A report over dataset `d`: days and hours, with the zone on the report or on each query. */
function zoned(dataset: unknown, where: 'report' | 'query' | 'none') {
  const own = where === 'query' ? { timezone: ZONE } : {};
  return {
    title: 'T',
    ...(where === 'report' ? { timezone: ZONE } : {}),
    datasets: { d: dataset },
    charts: {
      days: {
        type: 'bar',
        data: {
          from: 'd',
          groupBy: [{ field: 'at', bucket: 'day', as: 'day', ...own }],
          aggregate: { n: { op: 'count' }, v: { op: 'sum', field: 'v' } },
          sort: ['day'],
        },
        encode: { x: 'day', y: 'n' },
      },
    },
    values: {
      hours: {
        from: 'd',
        ...own,
        calculate: { h: 'hour(at)' },
        groupBy: ['h'],
        aggregate: { n: { op: 'count' } },
        sort: ['h'],
      },
    },
    body: [
      { chart: 'days' },
      { text: '{{ hours.n }}' },
      {
        table: {
          data: {
            from: 'd',
            groupBy: [{ field: 'at', bucket: 'month', ...own }],
            aggregate: { n: { op: 'count' } },
          },
        },
      },
    ],
  };
}

describe('a report-wide timezone gives the buckets of the same zone set on each query', () => {
  const engine = createEngine({ cache: false, pool: { threads: 1 } });
  const table = uniqueName('cp_zone');
  let pgUp = false;
  beforeAll(async () => {
    makeSqlite(
      join(tmp.dir, 'z.db'),
      'events',
      ['at TEXT', 'v REAL'],
      instants.map((at, i) => [at, i]),
    );
    pgUp = await postgresReachable();
    if (pgUp) {
      await pgExec(`CREATE TABLE ${table} (at timestamptz, v numeric)`);
      for (const [i, at] of instants.entries()) await pgExec(`INSERT INTO ${table} VALUES ($1, $2)`, [at, i]);
    }
  });
  afterAll(async () => {
    await engine.close();
    if (pgUp) await pgExec(`DROP TABLE IF EXISTS ${table}`);
  });

  const sources: Record<string, () => unknown> = {
    inline: () => ({ source: 'inline', rows: instants.map((at, i) => ({ at, v: i })) }),
    sqlite: () => ({ source: 'sqlite', path: join(tmp.dir, 'z.db'), table: 'events' }),
    postgres: () => ({ source: 'postgres', url: PG_URL, table }),
  };
  for (const [name, dataset] of Object.entries(sources)) {
    it(name, async ({ skip }) => {
      if (name === 'postgres' && !pgUp) skip();
      const data = (where: 'report' | 'query' | 'none') =>
        engine.data(zoned(dataset(), where) as never, { baseDir: tmp.dir, onWarning: () => {} });
      const report = await data('report');
      expect(report).toEqual(await data('query'));
      expect(report).not.toEqual(await data('none'));
      expect(report.days).toEqual([
        // 02:30Z and 04:59Z are the evening before in New York (UTC-5); 05:00Z is its midnight.
        { day: '2025-02-28', n: 2, v: 1 },
        { day: '2025-03-01', n: 1, v: 2 },
        // Either side of the spring and autumn changes of offset, the same local day.
        { day: '2025-03-09', n: 2, v: 7 },
        { day: '2025-11-02', n: 2, v: 11 },
      ]);
      expect(report['values.hours']).toEqual(
        [
          { h: 0, n: 1 },
          { h: 1, n: 3 },
          { h: 21, n: 1 },
          { h: 23, n: 1 },
          { h: 3, n: 1 },
        ].sort((a, b) => a.h - b.h),
      );
    });
  }
});
