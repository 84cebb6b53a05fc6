import { describe, expect, it } from 'vitest';
import { ChartpressError, formatProblem } from '../../src/errors.js';
import { checkReport } from '../../src/spec/normalize.js';
import { parseReportText, validateReport } from '../../src/spec/parse.js';

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems;
    throw e;
  }
  return [];
}

const base = {
  title: 'T',
  datasets: { s: { source: 'inline', rows: [{ a: 1 }] } },
  charts: { c: { type: 'bar', data: { from: 's' }, encode: { x: 'a', y: 'a' } } },
  body: [{ chart: 'c' }],
};

describe('parseReportText', () => {
  it('reads YAML and JSON', () => {
    expect(parseReportText('title: x\nbody: []\n', 'r.yaml')).toEqual({ title: 'x', body: [] });
    expect(parseReportText('{"title":"x"}', 'r.json')).toEqual({ title: 'x' });
  });

  it('reports YAML syntax errors with line and column', () => {
    const [p] = problemsOf(() => parseReportText('title: x\nbody:\n  - [unclosed\n', 'r.yaml'));
    expect(p?.code).toBe('CP_ERR_PARSE');
    expect(p?.message).toMatch(/line \d+, column \d+/);
    expect(p?.file).toBe('r.yaml');
  });

  it('reports malformed JSON', () => {
    expect(problemsOf(() => parseReportText('{"title":', 'r.json'))[0]?.code).toBe('CP_ERR_PARSE');
  });
});

describe('validateReport', () => {
  it('reports every problem at once, each with its path', () => {
    const problems = problemsOf(() =>
      validateReport(
        {
          title: 'T',
          datasets: { s: { source: 'csvv', path: 'x' } },
          charts: {
            a: { type: 'bars', data: { from: 's' }, encode: {} },
            b: {
              type: 'line',
              data: { from: 's', groupBy: [{ field: 'd', bucket: 'mnth' }] },
              encode: { x: 'd', y: 'v' },
              options: { smoth: true, width: 'wide' },
            },
          },
          body: [{ heading: 'x', levl: 2 }, { nonsense: 1 }],
        },
        'r.yaml',
      ),
    );
    const lines = problems.map(formatProblem);
    expect(problems.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ['CP_ERR_INVALID_ENUM', 'datasets.s.source'],
        ['CP_ERR_INVALID_ENUM', 'charts.a.type'],
        ['CP_ERR_INVALID_ENUM', 'charts.b.data.groupBy[0].bucket'],
        ['CP_ERR_UNKNOWN_FIELD', 'charts.b.options.smoth'],
        ['CP_ERR_INVALID_VALUE', 'charts.b.options.width'],
        ['CP_ERR_UNKNOWN_FIELD', 'body[0].levl'],
        ['CP_ERR_INVALID_VALUE', 'body[1]'],
      ]),
    );
    expect(lines.find((l) => l.includes('bucket'))).toBe(
      'CP_ERR_INVALID_ENUM r.yaml: charts.b.data.groupBy[0].bucket: expected one of hour|day|week|month|quarter|year, got "mnth" (hint: use one of the listed values)',
    );
  });

  it('names a missing required field', () => {
    const problems = problemsOf(() => validateReport({ title: 'T' }));
    expect(problems.map((p) => [p.code, p.path])).toEqual([['CP_ERR_MISSING_FIELD', 'body']]);
  });

  it('checks number formats', () => {
    const report = structuredClone(base) as Record<string, unknown>;
    (report.charts as { c: Record<string, unknown> }).c.options = { numberFormat: 'dollars' };
    expect(problemsOf(() => validateReport(report)).map((p) => p.path)).toEqual([
      'charts.c.options.numberFormat',
    ]);
  });
});

describe('checkReport', () => {
  it('finds unknown charts, datasets and params and missing encodings together', () => {
    const report = validateReport({
      ...base,
      charts: {
        c: {
          type: 'gantt',
          data: { from: 'nope', filter: [{ field: 'a', value: { param: 'p' } }] },
          encode: { x: 'a' },
        },
      },
      body: [{ chart: 'c' }, { chart: 'missing' }, { when: 'flag', then: [] }],
    });
    const problems = problemsOf(() => checkReport(report, 'r.yaml'));
    expect(problems.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ['CP_ERR_UNKNOWN_DATASET', 'charts.c.data.from'],
        ['CP_ERR_UNKNOWN_PARAM', 'charts.c.data.filter[0].value.param'],
        ['CP_ERR_MISSING_FIELD', 'charts.c.encode.x2'],
        ['CP_ERR_MISSING_FIELD', 'charts.c.encode.y'],
        ['CP_ERR_UNKNOWN_CHART', 'body[1].chart'],
        ['CP_ERR_UNKNOWN_PARAM', 'body[2].when'],
      ]),
    );
    expect(problems.find((p) => p.code === 'CP_ERR_UNKNOWN_CHART')?.hint).toBe('defined charts: c');
  });
});
