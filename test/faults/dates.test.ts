import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import type { Warning } from '../../src/errors.js';
import type { ReportInput } from '../../src/spec/schema.js';
import { makeSqlite } from '../data/sql/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const engine = createEngine({ cache: false });
afterAll(() => engine.close());

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Prices in the style of vega-datasets' stocks.csv: "Jan 1 2000", 53 months, two symbols. */
const stocks: [string, string, number][] = [];
for (let i = 0; i < 53; i++) {
  const date = `${MONTHS[i % 12]} ${1 + (i % 28)} ${2000 + Math.floor(i / 12)}`;
  stocks.push(['MSFT', date, 40 + i], ['AMZN', date, 60 - i / 2]);
}
tmp.write('stocks.csv', ['symbol,date,price', ...stocks.map(([s, d, p]) => `${s},${d},${p}`), ''].join('\n'));

/** A report with one line chart of the mean price by month of `dataset`. */
function monthly(dataset: Record<string, unknown>, data: Record<string, unknown> = {}) {
  return {
    title: 'Stocks',
    datasets: { stocks: dataset },
    charts: {
      prices: {
        type: 'line',
        data: {
          from: 'stocks',
          groupBy: [{ field: 'date', bucket: 'month' }],
          aggregate: { price: { op: 'avg', field: 'price' } },
          sort: ['date'],
          ...data,
        },
        encode: { x: 'date', y: 'price' },
      },
    },
    body: [{ chart: 'prices' }],
  };
}

let files = 0;
/** Writes a report file (JSON, which YAML reads too) next to the data. */
const reportFile = (report: unknown) => tmp.write(`report-${files++}.yaml`, JSON.stringify(report));

const renderHtml = (file: string, ...rest: string[]) =>
  cli('render', file, '-o', join(tmp.dir, `out-${files++}.html`), '--no-cache', ...rest);

const warningLines = (stderr: string[]) =>
  stderr.filter((l) => l.startsWith('warning: CP_WARN_INVALID_VALUES'));

describe('dates that do not parse are counted and reported', () => {
  it('a month-bucketed chart of "Jan 1 2000" dates warns with the count and the first', async () => {
    const file = reportFile(monthly({ source: 'csv', path: 'stocks.csv' }));
    const run = await renderHtml(file);
    expect(run.code).toBe(0);
    const lines = warningLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('charts.prices.data.groupBy[0]');
    expect(lines[0]).toContain('106 values in column "date" were not ISO dates');
    expect(lines[0]).toContain('(the first: "Jan 1 2000")');
    expect(lines[0]).toContain('format: "%b %d %Y"');
  });

  it('`chartpress data` and `chartpress chart` print the same warning, and the library tells it', async () => {
    const file = reportFile(monthly({ source: 'csv', path: 'stocks.csv' }));
    const data = await cli('data', file);
    expect(data.code).toBe(0);
    expect(warningLines(data.stderr)).toEqual([expect.stringContaining('(the first: "Jan 1 2000")')]);

    const chartFile = tmp.write(
      'prices.yaml',
      JSON.stringify({
        ...monthly({}).charts.prices,
        data: { ...monthly({}).charts.prices.data, from: 'd' },
      }),
    );
    const csv = join(tmp.dir, 'stocks.csv');
    const chart = await cli('chart', chartFile, '--data', csv, '-o', join(tmp.dir, 'prices.svg'));
    expect(chart.code).toBe(0);
    expect(warningLines(chart.stderr)).toEqual([expect.stringContaining('106 values in column "date"')]);

    const told: Warning[] = [];
    await engine.data(file, { onWarning: (w) => told.push(w) });
    expect(told.map((w) => w.code)).toEqual(['CP_WARN_INVALID_VALUES']);
    const { warnings } = await engine.chart(chartFile, { data: csv });
    expect(warnings.map((w) => w.code)).toEqual(['CP_WARN_INVALID_VALUES']);
  });

  it('with onInvalid: error the chart fails with CP_ERR_INVALID_VALUE instead', async () => {
    const file = reportFile(monthly({ source: 'csv', path: 'stocks.csv' }, { onInvalid: 'error' }));
    const run = await renderHtml(file);
    expect(run.code).toBe(1);
    const line = run.stderr.find((l) => l.includes('CP_ERR_INVALID_VALUE'));
    expect(line).toContain('charts.prices.data.groupBy[0]');
    expect(line).toContain('106 values in column "date"');
  });

  it('a date filter warns of the kept cells that are not dates', async () => {
    const filter = [{ field: 'date', op: 'gte', value: '1999-01-01' }];
    const report = monthly({ source: 'csv', path: 'stocks.csv' }, { filter, groupBy: ['symbol'], sort: [] });
    report.charts.prices.encode.x = 'symbol';
    const run = await renderHtml(reportFile(report));
    expect(run.code).toBe(0);
    const lines = warningLines(run.stderr);
    expect(lines.find((l) => l.includes('charts.prices.data.filter[0]'))).toContain(
      '106 values in column "date" were not ISO dates and were compared with a date as text (the first: "Jan 1 2000")',
    );
  });

  it('a SQLite table of such dates warns the same, pushed down', async () => {
    const path = join(tmp.dir, 'stocks.db');
    makeSqlite(path, 'stocks', ['symbol text', 'date text', 'price real'], stocks);
    const report = monthly({
      source: 'sqlite',
      path: 'stocks.db',
      table: 'stocks',
    }) as unknown as ReportInput;
    const result = await engine.render(report, { format: 'html', baseDir: tmp.dir });
    const invalid = result.warnings.filter((w: Warning) => w.code === 'CP_WARN_INVALID_VALUES');
    expect(invalid.map((w) => w.message)).toEqual([
      expect.stringContaining(
        '106 values in column "date" were not ISO dates; their rows were grouped under null (the first: "Jan 1 2000")',
      ),
    ]);
    expect(result.warnings.some((w) => w.code === 'CP_WARN_PUSHDOWN_FALLBACK')).toBe(false);
  });
});

describe('a declared date format', () => {
  const declared = { date: { type: 'date', format: '%b %d %Y' } };

  it('gives every month of the same file, without a warning', async () => {
    const file = reportFile(monthly({ source: 'csv', path: 'stocks.csv', columns: declared }));
    const data = await cli('data', file);
    expect(data.code).toBe(0);
    const rows = JSON.parse(data.stdout.join('\n')).prices as { date: string; price: number }[];
    expect(rows).toHaveLength(53);
    expect(rows[0]).toEqual({ date: '2000-01-01', price: 50 });
    expect(rows.at(-1)?.date).toBe('2004-05-01');
    const run = await renderHtml(file);
    expect(run.code).toBe(0);
    expect(warningLines(run.stderr)).toEqual([]);
  });

  it('works for SQLite datasets too', async () => {
    const report = monthly({ source: 'sqlite', path: 'stocks.db', table: 'stocks', columns: declared });
    const data = await engine.data(report as unknown as ReportInput, { baseDir: tmp.dir });
    expect(data.prices).toHaveLength(53);
  });

  it('warns of values that do not match it, at the declared column', async () => {
    tmp.write(
      'bad.csv',
      'symbol,date,price\nMSFT,Jan 1 2000,1\nMSFT,Feb 30 2000,2\nMSFT,2000-03-01,3\nMSFT,,4\n',
    );
    const file = reportFile(monthly({ source: 'csv', path: 'bad.csv', columns: declared }));
    const run = await renderHtml(file);
    expect(run.code).toBe(0);
    expect(warningLines(run.stderr)).toEqual([
      expect.stringContaining(
        'datasets.stocks.columns.date: 2 values in column "date" did not match the date format "%b %d %Y" and were read as null (the first: "Feb 30 2000")',
      ),
    ]);
    const failing = reportFile(
      monthly({ source: 'csv', path: 'bad.csv', columns: declared }, { onInvalid: 'error' }),
    );
    const refused = await cli('data', failing);
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(
      /CP_ERR_INVALID_VALUE .*charts\.prices\.data: 2 values in column "date"/,
    );
  });

  it('a bad format is refused with the directive named and a hint', async () => {
    const file = reportFile(
      monthly({ source: 'csv', path: 'stocks.csv', columns: { date: { type: 'date', format: '%b %Q %Y' } } }),
    );
    const run = await cli('data', file);
    expect(run.code).toBe(1);
    const line = run.stderr.find((l) => l.startsWith('CP_ERR_INVALID_VALUE'));
    expect(line).toContain(
      'datasets.stocks.columns.date.format: unknown directive "%Q" in date format "%b %Q %Y"',
    );
    expect(line).toContain('(hint: use %Y %y %m %d');
    const numbers = reportFile(
      monthly({ source: 'csv', path: 'stocks.csv', columns: { price: { type: 'number', format: '%Y' } } }),
    );
    const other = await cli('data', numbers);
    expect(other.code).toBe(1);
    expect(other.stderr.join('\n')).toContain(
      'datasets.stocks.columns.price.format: format applies to date columns only',
    );
  });
});

describe('CSV, JSON, NDJSON and inline rows read dates alike', () => {
  const rows = [
    { when: '2024/03/05', day: 'Mar 5 2024', n: 1 },
    { when: '2024-03-06', day: 'Mar 6 2024', n: 2 },
    { when: '2024-03-07 10:00', day: 'Mar 7 2024', n: 3 },
    { when: '2024-03-08T10:00:00Z', day: 'Feb 30 2024', n: 4 },
    { when: '2024/3/9 14:00:00', day: 'Mar 9 2024', n: 5 },
    { when: 'Mar 10 2024', day: 'Mar 10 2024', n: 6 },
    { when: '2024/02/30', day: 'soon', n: 7 },
  ];
  tmp.write('same.csv', ['when,day,n', ...rows.map((r) => `${r.when},${r.day},${r.n}`), ''].join('\n'));
  tmp.write('same.json', JSON.stringify(rows));
  tmp.write('same.ndjson', rows.map((r) => JSON.stringify(r)).join('\n'));
  const sources: Record<string, Record<string, unknown>> = {
    csv: { source: 'csv', path: 'same.csv' },
    json: { source: 'json', path: 'same.json' },
    ndjson: { source: 'ndjson', path: 'same.ndjson' },
    inline: { source: 'inline', rows },
  };

  /** Each source's rows (passed through) and days (bucketed), with the warnings of the render. */
  async function read(columns?: Record<string, unknown>) {
    const out: Record<string, unknown> = {};
    for (const [name, dataset] of Object.entries(sources)) {
      const report = {
        title: 'T',
        datasets: { d: { ...dataset, ...(columns ? { columns } : {}) } },
        charts: {
          rows: { type: 'bar', data: { from: 'd' }, encode: { x: 'when', y: 'n' } },
          days: {
            type: 'bar',
            data: {
              from: 'd',
              groupBy: [
                { field: 'when', bucket: 'day' },
                { field: 'day', bucket: 'month' },
              ],
              aggregate: { n: { op: 'sum', field: 'n' } },
            },
            encode: { x: 'when', y: 'n' },
          },
        },
        body: [{ chart: 'rows' }, { chart: 'days' }],
      } as unknown as ReportInput;
      const data = await engine.data(report, { baseDir: tmp.dir });
      const { warnings } = await engine.render(report, { format: 'html', baseDir: tmp.dir });
      out[name] = { data, warnings: warnings.map((w) => `${w.path}: ${w.message}`) };
    }
    return out;
  }

  it('gives identical frames and warnings without declared columns', async () => {
    const all = await read();
    expect(all.json).toEqual(all.csv);
    expect(all.ndjson).toEqual(all.csv);
    expect(all.inline).toEqual(all.csv);
    const { data } = all.csv as { data: Record<string, Record<string, unknown>[]> };
    expect(data.rows?.map((r) => r.when)).toEqual([
      '2024-03-05',
      '2024-03-06',
      '2024-03-07 10:00',
      '2024-03-08T10:00:00Z',
      '2024-03-09T14:00:00Z',
      'Mar 10 2024',
      '2024/02/30',
    ]);
  });

  it('gives identical frames and warnings with declared date columns', async () => {
    const all = await read({ when: 'date', day: { type: 'date', format: '%b %d %Y' } });
    expect(all.json).toEqual(all.csv);
    expect(all.ndjson).toEqual(all.csv);
    expect(all.inline).toEqual(all.csv);
    const { data, warnings } = all.csv as {
      data: Record<string, Record<string, unknown>[]>;
      warnings: string[];
    };
    expect(data.rows?.map((r) => [r.when, r.day])).toEqual([
      ['2024-03-05', '2024-03-05'],
      ['2024-03-06', '2024-03-06'],
      ['2024-03-07T10:00Z', '2024-03-07'],
      ['2024-03-08T10:00:00Z', null],
      ['2024-03-09T14:00:00Z', '2024-03-09'],
      [null, '2024-03-10'],
      [null, null],
    ]);
    expect(warnings).toEqual([
      'datasets.d.columns.when: 2 values in column "when" were not dates and were read as null (the first: "Mar 10 2024")',
      'datasets.d.columns.day: 2 values in column "day" did not match the date format "%b %d %Y" and were read as null (the first: "Feb 30 2024")',
    ]);
  });
});

describe('params', () => {
  const report = reportFile({
    title: 'P',
    params: {
      day: { type: 'date', default: '2024-01-01' },
      n: { type: 'number', default: 1 },
      constructor: { type: 'string', default: 'MSFT' },
      pick: { type: 'number', values: ['1', 2] },
    },
    datasets: { stocks: { source: 'csv', path: 'stocks.csv' } },
    charts: {
      c: {
        type: 'bar',
        data: {
          from: 'stocks',
          filter: [{ field: 'symbol', op: 'eq', value: { param: 'constructor' } }],
          groupBy: ['symbol'],
          aggregate: { n: { op: 'count' } },
        },
        encode: { x: 'symbol', y: 'n' },
      },
    },
    body: [{ chart: 'c' }],
  });
  const data = (...params: string[]) => cli('data', report, ...params.flatMap((p) => ['--param', p]));
  const codes = (run: { stderr: string[] }) =>
    run.stderr.filter((l) => l.startsWith('CP_')).map((l) => l.split(' ')[0]);

  it.each(['2024-02-31', '2023-02-29', '2024-13-01', '2024-04-31T10:00', '2024-02-10T24:00'])(
    'date %s is refused',
    async (value) => {
      const run = await data(`day=${value}`);
      expect(run.code).toBe(1);
      expect(codes(run)).toEqual(['CP_ERR_PARAM_TYPE']);
    },
  );

  it.each(['2024-02-29', '2024-03-05T14:00:00Z'])('date %s is taken', async (value) => {
    expect((await data(`day=${value}`)).code).toBe(0);
  });

  it.each(['0x10', '0b1', '0o7', '1_000', 'Infinity', '-Infinity', '', ' ', 'NaN'])(
    'number "%s" is refused',
    async (value) => {
      const run = await data(`n=${value}`);
      expect(run.code).toBe(1);
      expect(codes(run)).toEqual(['CP_ERR_PARAM_TYPE']);
    },
  );

  it.each(['-1.5', '1e3', '.5', '42'])('number %s is taken', async (value) => {
    expect((await data(`n=${value}`)).code).toBe(0);
  });

  it.each(['constructor2', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    '%s is an unknown param',
    async (name) => {
      const run = await data(`${name}=1`);
      expect(run.code).toBe(1);
      expect(codes(run)).toEqual(['CP_ERR_UNKNOWN_PARAM']);
      expect(run.stderr.join('\n')).toContain(`params.${name}: param "${name}" is not declared`);
    },
  );

  it('a declared param named constructor is a param like any other', async () => {
    const byDefault = JSON.parse((await data()).stdout.join('\n'));
    expect(byDefault.c).toEqual([{ symbol: 'MSFT', n: 53 }]);
    const given = JSON.parse((await data('constructor=AMZN')).stdout.join('\n'));
    expect(given.c).toEqual([{ symbol: 'AMZN', n: 53 }]);
  });

  it('values: lists compare as the param type', async () => {
    expect((await data('pick=1')).code).toBe(0);
    expect((await data('pick=2.0')).code).toBe(0);
    const run = await data('pick=3');
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toContain('params.pick: expected one of 1|2, got "3"');
    const bad = reportFile({
      title: 'P',
      params: { pick: { type: 'number', values: [1, 'two'] } },
      body: [{ text: 'x' }],
    });
    const refused = await cli('data', bad, '--param', 'pick=1');
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toContain('params.pick.values[1]: expected a number, got "two"');
  });
});
