import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { ChartpressError, type Problem } from '../../src/errors.js';
import { parseReportText, validateReport } from '../../src/spec/parse.js';
import type { ReportInput } from '../../src/spec/schema.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
tmp.write(
  'prices.csv',
  'day,symbol,close\n2024-01-01,GOOG,10\n2024-01-02,GOOG,12\n2024-01-01,AAPL,20\n2024-01-02,AAPL,18\n',
);
tmp.write('dirty.csv', 'day,symbol,close\n2024-01-01,GOOG,10\n2024-01-02,GOOG,n/a\n');

let n = 0;
const file = (text: string, ext = 'yaml') => tmp.write(`r${n++}.${ext}`, text);

/** `chartpress data` on a report file: exit code, the JSON printed, and stderr. */
async function data(path: string) {
  const run = await cli('data', path);
  const json = run.code === 0 ? (JSON.parse(run.stdout.join('\n')) as Record<string, unknown[]>) : undefined;
  return { code: run.code, json, stderr: run.stderr.filter(Boolean) };
}

/** The problems a report object gives `validateReport` (none when it is valid). */
function problemsOf(input: unknown): Problem[] {
  try {
    validateReport(input, 'r.json');
    return [];
  } catch (e) {
    if (e instanceof ChartpressError) return [...e.problems];
    throw e;
  }
}

const symbols = (rows: unknown[] | undefined) => [
  ...new Set((rows ?? []).map((r) => (r as { symbol: string }).symbol)),
];

const SPARK = `
datasets:
  prices: { source: csv, path: prices.csv }
`;

describe('$schema in a report', () => {
  const report = {
    $schema: './chartpress.schema.json',
    title: 'T',
    datasets: { prices: { source: 'csv', path: 'prices.csv' } },
    charts: {
      c: { type: 'line', data: { from: 'prices' }, encode: { x: 'day', y: 'close', series: 'symbol' } },
    },
    body: [{ chart: 'c' }],
  };

  it('is accepted and ignored in a JSON report, through the CLI', async () => {
    const run = await data(file(JSON.stringify(report), 'json'));
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.json?.c).toHaveLength(4);
  });

  it('is accepted in a YAML report and by the library', async () => {
    const yaml = `$schema: https://example.com/chartpress.schema.json\ntitle: T${SPARK}charts:\n  c: { type: bar, data: { from: prices }, encode: { x: symbol, y: close } }\nbody: [{ chart: c }]\n`;
    expect((await data(file(yaml))).code).toBe(0);
    const engine = createEngine({ cache: false });
    try {
      const rows = await engine.data(report as ReportInput, { baseDir: tmp.dir });
      expect(Object.keys(rows)).toEqual(['c']);
    } finally {
      await engine.close();
    }
  });

  it('is accepted in a chart file', async () => {
    const chart = file(
      JSON.stringify({
        $schema: './chartpress.schema.json',
        type: 'bar',
        dataset: { source: 'inline', rows: [{ k: 'a', v: 1 }] },
        encode: { x: 'k', y: 'v' },
      }),
      'json',
    );
    const run = await cli('chart', chart, '-o', join(tmp.dir, 'chart.svg'));
    expect(run.stderr.filter(Boolean)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('must still be a string', () => {
    const problems = problemsOf({ ...report, $schema: 5 });
    expect(problems.map((p) => [p.code, p.path])).toEqual([['CP_ERR_INVALID_VALUE', '$schema']]);
  });

  it('is declared by `chartpress schema`, which names its dialect and itself', async () => {
    const run = await cli('schema');
    const schema = JSON.parse(run.stdout.join('\n'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    // An absolute URI, as JSON Schema asks of `$id`, carrying the version that printed it.
    expect(schema.$id).toMatch(/^urn:chartpress:report:\d+\.\d+\.\d+/);
    expect(schema.properties.$schema).toMatchObject({ type: 'string' });
    expect(schema.additionalProperties).toBe(false);
    // A chart that extends another needs only `extends`; a whole chart may name one too.
    expect(schema.properties.charts.additionalProperties).toEqual({ $ref: '#/$defs/Chart' });
    const chart = schema.$defs.Chart;
    expect(chart.if).toMatchObject({ required: ['extends'] });
    expect(chart.then).toMatchObject({ required: ['extends'], additionalProperties: false });
    expect(chart.else.required).toEqual(['type']);
    expect(schema.$defs.BarChart.properties.extends).toMatchObject({ type: 'string' });
  });
});

describe('YAML merge keys', () => {
  it("merge one chart into others, the chart's own keys winning", async () => {
    const text = `title: T${SPARK}charts:
  goog: &spark
    type: sparkline
    data: { from: prices, filter: [{ field: symbol, value: GOOG }], sort: [day] }
    encode: { y: close }
  aapl:
    <<: *spark
    data: { from: prices, filter: [{ field: symbol, value: AAPL }] }
  both:
    <<: *spark
    data: { from: prices }
    title: Both
body: [{ chart: goog }, { chart: aapl }, { chart: both }]
`;
    const run = await data(file(text));
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(symbols(run.json?.goog)).toEqual(['GOOG']);
    expect(symbols(run.json?.aapl)).toEqual(['AAPL']);
    expect(symbols(run.json?.both)).toEqual(['GOOG', 'AAPL']);
  });

  it('may take a list of maps, and a map may merge twice', () => {
    const text = `title: T${SPARK}charts:
  a:
    type: bar
    data: &q { from: prices }
    encode: &enc { x: symbol, y: close }
    options: &small { width: 200 }
  c:
    <<: [{ type: line }, { type: bar, title: first }]
    data: { <<: *q, limit: 1 }
    encode: *enc
    options:
      <<: [*small, { height: 100, width: 999 }]
      <<: { legend: none }
body: [{ chart: c }]
`;
    const report = validateReport(parseReportText(text, 'r.yaml'));
    // Earlier maps in a list win, as YAML merge keys say.
    expect(report.charts.c).toEqual({
      type: 'line',
      title: 'first',
      data: { from: 'prices', limit: 1 },
      encode: { x: 'symbol', y: 'close' },
      options: { width: 200, height: 100, legend: 'none' },
    });
  });

  it('that copy a large map many times are refused before they are built', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => `k${i}: ${i}`).join(', ');
    let text = `title: T\nbig: &big { ${big} }\n`;
    for (let i = 0; i < 40; i++) text += `m${i}: { <<: *big }\n`;
    const run = await data(file(text));
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      expect.stringMatching(/^CP_ERR_PARSE .*: invalid YAML: merge keys \(<<\) copy more than 100000 values/),
    ]);
  });

  it('nested two by two (a merge bomb) stop at a limit', async () => {
    let text = 'title: T\nm0: &m0 { a: 1 }\n';
    for (let i = 1; i <= 40; i++) text += `m${i}: &m${i} { <<: [*m${i - 1}, *m${i - 1}], k${i}: 1 }\n`;
    const run = await data(file(text));
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([expect.stringMatching(/^CP_ERR_PARSE .*invalid YAML: (merge keys|aliases)/)]);
  });

  it('leave the alias limit and the nesting limit in force', async () => {
    let laughs = 'title: T\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 9; i++)
      laughs += `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    expect((await data(file(laughs))).stderr).toEqual([
      expect.stringMatching(/^CP_ERR_PARSE .*aliases expand to more than 1000 nodes/),
    ]);
    const deep = `title: T\nm: &m ${'{a: '.repeat(70)}1${'}'.repeat(70)}\nn: { <<: *m }\n`;
    expect((await data(file(deep))).stderr).toEqual([expect.stringMatching(/^CP_ERR_TOO_DEEP /)]);
  });

  it('of something other than a map are a parse error at their line', async () => {
    const run = await data(file('title: T\nbody:\n  - <<: 5\n    text: hi\n'));
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /^CP_ERR_PARSE .*: invalid YAML: line 3, column 9: a merge key \(<<\) takes a map/,
      ),
    ]);
  });

  it('keep repeated keys an error, found in linear time', async () => {
    const run = await data(file('title: T\ntitle: U\nbody: [{ text: a }]\n'));
    expect(run.stderr).toEqual([
      expect.stringMatching(/^CP_ERR_PARSE .*invalid YAML: line 2, column 1: Map keys must be unique/),
    ]);
  });
});

describe('extends', () => {
  const charts = `charts:
  spark:
    type: sparkline
    title: GOOG
    data: { from: prices, filter: [{ field: symbol, value: GOOG }], sort: [day] }
    encode: { y: close }
    options: { width: 120, showMin: true }
`;

  it('makes a chart from another, overriding fields, through the CLI', async () => {
    const text = `title: T${SPARK}${charts}  aapl:
    extends: spark
    title: AAPL
    data: { filter: [{ field: symbol, value: AAPL }] }
body: [{ chart: spark }, { chart: aapl }]
`;
    const run = await data(file(text));
    expect(run.stderr).toEqual([]);
    expect(symbols(run.json?.spark)).toEqual(['GOOG']);
    expect(symbols(run.json?.aapl)).toEqual(['AAPL']);
    expect(run.json?.aapl?.map((r) => (r as { day: string }).day)).toEqual(['2024-01-01', '2024-01-02']);
  });

  it('deep-merges objects and replaces lists and values, along a chain', () => {
    const report = validateReport({
      title: 'T',
      datasets: { prices: { source: 'csv', path: 'prices.csv' } },
      charts: {
        base: {
          type: 'line',
          title: 'base',
          data: { from: 'prices', filter: [{ field: 'symbol', value: 'GOOG' }], sort: ['day'] },
          encode: { x: 'day', y: 'close' },
          options: { width: 300, echarts: { grid: { left: 1, right: 2 } } },
        },
        mid: { extends: 'base', options: { height: 200, echarts: { grid: { right: 9 } } } },
        top: {
          extends: 'mid',
          title: 'top',
          data: { filter: [{ field: 'symbol', value: 'AAPL' }] },
          encode: { series: 'symbol' },
        },
      },
      body: [{ chart: 'top' }],
    });
    expect(report.charts.top).toEqual({
      type: 'line',
      title: 'top',
      data: { from: 'prices', filter: [{ field: 'symbol', op: 'eq', value: 'AAPL' }], sort: ['day'] },
      encode: { x: 'day', y: 'close', series: 'symbol' },
      options: { width: 300, height: 200, echarts: { grid: { left: 1, right: 9 } } },
    });
    expect(report.charts.mid).not.toHaveProperty('extends');
  });

  it('works in a body chart, and leaves the object given to the library as it was', async () => {
    const input = {
      title: 'T',
      datasets: { prices: { source: 'csv', path: 'prices.csv' } },
      charts: {
        spark: { type: 'sparkline', data: { from: 'prices', sort: ['day'] }, encode: { y: 'close' } },
      },
      body: [
        { row: [{ chart: { extends: 'spark', data: { filter: [{ field: 'symbol', value: 'AAPL' }] } } }] },
      ],
    };
    const before = JSON.stringify(input);
    const engine = createEngine({ cache: false });
    try {
      const rows = await engine.data(input as ReportInput, { baseDir: tmp.dir });
      expect(symbols(rows['body[0].row[0].chart'])).toEqual(['AAPL']);
    } finally {
      await engine.close();
    }
    expect(JSON.stringify(input)).toBe(before);
  });

  it('of a chart that is not defined is CP_ERR_UNKNOWN_CHART at the extends field', async () => {
    const run = await data(file(`title: T${SPARK}${charts}  b: { extends: sprak }\nbody: [{ chart: b }]\n`));
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /^CP_ERR_UNKNOWN_CHART .*: charts\.b\.extends: chart "sprak" is not defined \(hint: defined charts: spark, b\)/,
      ),
    ]);
  });

  it('in a cycle is CP_ERR_INVALID_VALUE naming the cycle, once', async () => {
    const text = `title: T${SPARK}charts:\n  a: { extends: b }\n  b: { extends: c }\n  c: { extends: a }\n  d: { extends: d }\nbody: [{ chart: a }]\n`;
    const run = await data(file(text));
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /^CP_ERR_INVALID_VALUE .*: charts\.a\.extends: charts extend one another in a cycle: a -> b -> c -> a/,
      ),
      expect.stringMatching(/^CP_ERR_INVALID_VALUE .*: charts\.d\.extends: .* cycle: d -> d/),
    ]);
  });

  it('past 8 charts in a chain is refused where the chain gets too long', () => {
    const chain: Record<string, unknown> = {
      c9: { type: 'bar', data: { from: 'prices' }, encode: { x: 'symbol', y: 'close' } },
    };
    for (let i = 8; i >= 0; i--) chain[`c${i}`] = { extends: `c${i + 1}` };
    const problems = problemsOf({ title: 'T', datasets: {}, charts: chain, body: [{ chart: 'c0' }] });
    expect(problems.map((p) => [p.code, p.path])).toEqual([['CP_ERR_INVALID_VALUE', 'charts.c1.extends']]);
    expect(problems[0]?.message).toMatch(/chain of 9 charts, more than 8: c1 -> c2 -> .* -> c9$/);
    // Eight is fine.
    delete chain.c0;
    delete chain.c1;
    expect(
      problemsOf({
        title: 'T',
        datasets: { prices: { source: 'inline', rows: [] } },
        charts: chain,
        body: [{ chart: 'c2' }],
      }),
    ).toEqual([]);
  });

  it('of any length costs no stack: a chain of 100,000 charts is one problem', () => {
    const charts: Record<string, unknown> = {
      c0: { type: 'bar', data: { from: 'x' }, encode: { x: 'a', y: 'b' } },
    };
    for (let i = 1; i <= 100_000; i++) charts[`c${i}`] = { extends: `c${i - 1}` };
    const problems = problemsOf({ title: 'T', datasets: {}, charts, body: [{ text: 't' }] });
    expect(problems.map((p) => [p.code, p.path])).toEqual([['CP_ERR_INVALID_VALUE', 'charts.c8.extends']]);
  });

  it('reports a bad inherited value once, where it is written', async () => {
    const text = `title: T${SPARK}${charts.replace('width: 120', 'width: 5').replace('from: prices', 'from: pricez')}  b: { extends: spark }\n  c: { extends: b, title: C }\nbody: [{ chart: c }]\n`;
    const schema = await data(file(text));
    expect(schema.stderr).toEqual([
      expect.stringMatching(/^CP_ERR_INVALID_VALUE .*: charts\.spark\.options\.width: too small/),
    ]);
    // Checks past the schema (datasets, encode channels) are attributed the same way.
    const checks = await data(file(text.replace('width: 5', 'width: 50')));
    expect(checks.stderr).toEqual([
      expect.stringMatching(
        /^CP_ERR_UNKNOWN_DATASET .*: charts\.spark\.data\.from: dataset "pricez" is not defined/,
      ),
    ]);
  });

  it('reports a value valid where written but not where inherited at the inheriting chart', async () => {
    const text = `title: T${SPARK}${charts}  line: { extends: spark, type: line, encode: { x: day } }\nbody: [{ chart: line }]\n`;
    const run = await data(file(text));
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /^CP_ERR_UNKNOWN_FIELD .*: charts\.line\.options\.showMin: unknown field "showMin" \(inherited from charts\.spark\)/,
      ),
    ]);
  });

  it('sets no prototype through a `__proto__` key', () => {
    const input = JSON.parse(
      '{"title":"T","datasets":{},"charts":{"a":{"type":"bar","data":{"from":"x"},"encode":{"x":"a","y":"b"},"options":{"width":100}},"b":{"extends":"a","options":{"__proto__":{"polluted":1}}}},"body":[{"text":"t"}]}',
    );
    const problems = problemsOf(input);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['CP_ERR_UNKNOWN_FIELD', 'charts.b.options.__proto__'],
    ]);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('cannot multiply a large inherited value past the value limit', () => {
    const echarts = { data: Array.from({ length: 100_000 }, (_, i) => i) };
    const charts: Record<string, unknown> = {
      base: { type: 'bar', data: { from: 'x' }, encode: { x: 'a', y: 'b' }, options: { echarts } },
    };
    for (let i = 0; i < 60; i++) charts[`c${i}`] = { extends: 'base', title: `c${i}` };
    const problems = problemsOf({ title: 'T', datasets: {}, charts, body: [{ text: 't' }] });
    expect(problems.map((p) => p.code)).toEqual(['CP_ERR_TOO_DEEP']);
    expect(problems[0]?.message).toMatch(/more than 5000000 values/);
  });
});

describe('chartpress data', () => {
  const text = `title: T${SPARK}charts:
  c: { type: bar, data: { from: prices, groupBy: [symbol], aggregate: { total: { op: sum, field: close } }, sort: [symbol] }, encode: { x: symbol, y: total } }
body:
  - chart: c
  - table: { title: Days, data: { from: prices, groupBy: [day], aggregate: { n: { op: count }, s: { op: sum, field: close } }, sort: [day] } }
`;

  it("shows tables' data beside the charts', each table by its body path", async () => {
    const run = await data(file(text));
    expect(run.code).toBe(0);
    expect(run.json).toEqual({
      c: [
        { symbol: 'AAPL', total: 38 },
        { symbol: 'GOOG', total: 22 },
      ],
      'body[1].table': [
        { day: '2024-01-01', n: 2, s: 30 },
        { day: '2024-01-02', n: 2, s: 30 },
      ],
    });
    const engine = createEngine({ cache: false });
    try {
      expect(Object.keys(await engine.data(join(tmp.dir, `r${n - 1}.yaml`)))).toEqual(['c', 'body[1].table']);
    } finally {
      await engine.close();
    }
  });

  it('prints the warnings render prints, for charts and tables', async () => {
    const dirty = text.replaceAll('prices.csv', 'dirty.csv');
    const run = await data(file(dirty));
    expect(run.code).toBe(0);
    const render = await cli(
      'render',
      join(tmp.dir, `r${n - 1}.yaml`),
      '-o',
      join(tmp.dir, 'dirty.typ'),
      '--quiet',
      '--no-cache',
    );
    const warnings = run.stderr.filter((l) => l.startsWith('warning: CP_WARN_'));
    expect(warnings).toEqual([
      expect.stringMatching(/^warning: CP_WARN_INVALID_VALUES .*: charts\.c\.data\.aggregate\.total/),
      expect.stringMatching(/^warning: CP_WARN_INVALID_VALUES .*: body\[1\]\.table\.data\.aggregate\.s/),
    ]);
    expect(render.stderr.filter((l) => l.startsWith('warning: CP_WARN_'))).toEqual(warnings);
  });
});
