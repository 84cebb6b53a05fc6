import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqlite, PG_URL, pgExec, postgresReachable, uniqueName } from '../data/sql/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The same flights in every source; windows, fold and `encode.y: [a, b]` must give the same
 * rows from each: streamed (inline, CSV) or pushed down to SQL (SQLite, PostgreSQL: no
 * fallback warning), and draw one series per listed column, with a legend.
 */
const rows = [
  { day: '2024-01-03', carrier: 'AA', delay: 20 },
  { day: '2024-01-20', carrier: 'UA', delay: 5 },
  { day: '2024-02-02', carrier: 'AA', delay: null },
  { day: '2024-02-15', carrier: 'AA', delay: 40 },
  { day: '2024-03-09', carrier: 'UA', delay: 16 },
  { day: '2024-03-10', carrier: 'DL', delay: 0 },
];
/** Computed by hand from the rows above. */
const expected = {
  monthly: [
    { month: '2024-01-01', flights: 2, worst: 20, total: 25, running: 2, change: null, worst_rank: 2 },
    { month: '2024-02-01', flights: 2, worst: 40, total: 40, running: 4, change: 0.6, worst_rank: 1 },
    { month: '2024-03-01', flights: 2, worst: 16, total: 16, running: 6, change: -0.6, worst_rank: 3 },
  ],
  by_carrier: [
    { carrier: 'AA', key: 'flights', value: 3 },
    { carrier: 'AA', key: 'worst', value: 40 },
    { carrier: 'DL', key: 'flights', value: 1 },
    { carrier: 'DL', key: 'worst', value: 0 },
    { carrier: 'UA', key: 'flights', value: 2 },
    { carrier: 'UA', key: 'worst', value: 16 },
  ],
  two_lines: [
    { month: '2024-01-01', flights: 2, series: 'worst', value: 20 },
    { month: '2024-01-01', flights: 2, series: 'total', value: 25 },
    { month: '2024-02-01', flights: 2, series: 'worst', value: 40 },
    { month: '2024-02-01', flights: 2, series: 'total', value: 40 },
    { month: '2024-03-01', flights: 2, series: 'worst', value: 16 },
    { month: '2024-03-01', flights: 2, series: 'total', value: 16 },
  ],
};

const tmp = tempDir();
const pgTable = uniqueName('cp_window_flights');
let pgUp = false;

const monthly = `
      from: d
      groupBy: [{ field: day, bucket: month, as: month }]
      aggregate:
        flights: { op: count }
        worst: { op: max, field: delay }
        total: { op: sum, field: delay }`;

function report(dataset: string): string {
  return tmp.write(
    `${Math.random().toString(36).slice(2)}.yaml`,
    `title: Flights
datasets:
  d: ${dataset}
charts:
  monthly:
    type: bar
    data:${monthly}
      window:
        - { op: cumsum, field: flights, as: running }
        - { op: pctChange, field: total, as: change }
        - { op: rank, order: [{ field: worst, order: desc }], as: worst_rank }
      sort: [month]
    encode: { x: month, y: flights }
  by_carrier:
    type: bar
    data:
      from: d
      groupBy: [carrier]
      aggregate: { flights: { op: count }, worst: { op: max, field: delay } }
      sort: [carrier]
      fold: [flights, worst]
    encode: { x: carrier, y: value, series: key }
  two_lines:
    type: line
    data:${monthly}
      sort: [month]
    encode: { x: month, y: [worst, total] }
body:
  - chart: monthly
  - chart: by_carrier
  - chart: two_lines
`,
  );
}

beforeAll(async () => {
  const keys = ['day', 'carrier', 'delay'] as const;
  const cell = (v: unknown) => (v === null ? '' : String(v));
  tmp.write(
    'd.csv',
    `${keys.join(',')}\n${rows.map((r) => keys.map((k) => cell(r[k])).join(',')).join('\n')}\n`,
  );
  makeSqlite(
    join(tmp.dir, 'd.db'),
    'flights',
    ['day TEXT', 'carrier TEXT', 'delay INTEGER'],
    rows.map((r) => keys.map((k) => r[k])),
  );
  pgUp = await postgresReachable();
  if (pgUp) {
    await pgExec(`CREATE TABLE ${pgTable} (day date, carrier text, delay int)`);
    for (const r of rows)
      await pgExec(
        `INSERT INTO ${pgTable} VALUES ($1, $2, $3)`,
        keys.map((k) => r[k]),
      );
  }
});

afterAll(async () => {
  if (pgUp) await pgExec(`DROP TABLE IF EXISTS ${pgTable}`);
});

const sources: Record<string, () => string> = {
  inline: () => `{ source: inline, rows: ${JSON.stringify(rows)} }`,
  csv: () => `{ source: csv, path: d.csv }`,
  sqlite: () => `{ source: sqlite, path: d.db, table: flights }`,
  postgres: () => `{ source: postgres, url: "\${CP_TEST_PG_URL}", table: ${pgTable} }`,
  duckdb: () => `{ source: duckdb, query: "select * from 'd.csv'" }`,
};

describe('windows, fold and encode.y lists give the same rows from every source', () => {
  for (const [name, dataset] of Object.entries(sources)) {
    it(name, async ({ skip }) => {
      if (name === 'postgres') {
        if (!pgUp) skip();
        process.env.CP_TEST_PG_URL = PG_URL;
      }
      const run = await cli('data', report(dataset()));
      // Only the null delay is skipped (and said); nothing falls back from SQL.
      expect(run.stderr.filter((l) => l && !l.startsWith('warning: CP_WARN_INVALID_VALUES'))).toEqual([]);
      expect(run.code).toBe(0);
      const data = JSON.parse(run.stdout.join('\n'));
      expect(data).toEqual(expected);
    });
  }
});

describe('encode.y lists', () => {
  const chartFile = (encode: string, type = 'line') =>
    tmp.write(
      `${Math.random().toString(36).slice(2)}.yaml`,
      `type: ${type}
title: Delay by month
data:${monthly.replace('from: d', 'from: data')}
  window: [{ op: movingAvg, field: worst, frame: 2, as: worst_2m }]
  sort: [month]
encode: ${encode}
options: { width: 640, height: 360 }
`.replace(/\n {4}/g, '\n'),
    );

  it('draws one series per column, named by it, with a legend, in SVG and PNG', async () => {
    const file = chartFile('{ x: month, y: [worst, worst_2m] }');
    const csv = join(tmp.dir, 'd.csv');
    const svg = join(tmp.dir, 'two.svg');
    const run = await cli('chart', file, '--data', csv, '-o', svg);
    expect(run.code).toBe(0);
    const text = readFileSync(svg, 'utf8');
    const labels = [...text.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toContain('worst');
    expect(labels).toContain('worst_2m');
    // Two lines in two palette colours (the first two of the default theme).
    expect(text).toMatch(/<path[^>]*stroke="#1f5fa8"/);
    expect(text).toMatch(/<path[^>]*stroke="#f28e2b"/);
    const png = join(tmp.dir, 'two.png');
    expect((await cli('chart', file, '--data', csv, '-o', png)).code).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('draws bars and areas from a list too', async () => {
    const csv = join(tmp.dir, 'd.csv');
    for (const type of ['bar', 'area']) {
      const svg = join(tmp.dir, `${type}.svg`);
      const run = await cli(
        'chart',
        chartFile('{ x: month, y: [worst, total] }', type),
        '--data',
        csv,
        '-o',
        svg,
      );
      expect(run.code).toBe(0);
      const labels = [...readFileSync(svg, 'utf8').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(labels).toEqual(expect.arrayContaining(['worst', 'total']));
    }
  });

  it('is refused on a pie, and with encode.series, with the path', async () => {
    const csv = join(tmp.dir, 'd.csv');
    const pie = await cli(
      'chart',
      chartFile('{ x: month, y: [worst, total] }', 'pie'),
      '--data',
      csv,
      '-o',
      join(tmp.dir, 'p.svg'),
    );
    expect(pie.code).toBe(1);
    expect(pie.stderr.join('\n')).toMatch(/CP_ERR_INVALID_VALUE .*encode\.y: a pie chart takes one y column/);
    const both = await cli(
      'chart',
      chartFile('{ x: month, y: [worst, total], series: month }'),
      '--data',
      csv,
      '-o',
      join(tmp.dir, 's.svg'),
    );
    expect(both.code).toBe(1);
    expect(both.stderr.join('\n')).toMatch(
      /CP_ERR_INVALID_VALUE .*encode\.series: encode\.series cannot be used/,
    );
  });

  it('names a column the query lacks at encode.y', async () => {
    const csv = join(tmp.dir, 'd.csv');
    const run = await cli(
      'chart',
      chartFile('{ x: month, y: [worst, p99] }'),
      '--data',
      csv,
      '-o',
      join(tmp.dir, 'u.svg'),
    );
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(
      /CP_ERR_UNKNOWN_COLUMN .*encode\.y\[1\]: y column "p99" is not an output column/,
    );
  });
});
