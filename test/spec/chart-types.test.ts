import { describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import { chartDefaults } from '../../src/spec/defaults.js';
import { checkReport, normalizeChart } from '../../src/spec/normalize.js';
import { validateReport } from '../../src/spec/parse.js';

/** A report of one chart `c` over an inline dataset `s`. */
const reportOf = (chart: Record<string, unknown>) => ({
  title: 'T',
  datasets: { s: { source: 'inline', rows: [{ m: '2025-01-01', a: 1, b: 2, g: 'x' }] } },
  charts: { c: { data: { from: 's' }, ...chart } },
  body: [{ chart: 'c' }],
});

/** The problems of a report, as `code path`, from validation and then the checks. */
function problemsOf(chart: Record<string, unknown>): string[] {
  try {
    checkReport(validateReport(reportOf(chart)));
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems.map((p) => `${p.code} ${p.path}`);
    throw e;
  }
  return [];
}

const valid = {
  combo: {
    type: 'combo',
    encode: { x: 'm', y: 'a', y2: 'b' },
    options: { marks: ['bar', 'line'], y2Format: '.0%' },
  },
  heatmap: {
    type: 'heatmap',
    encode: { x: 'm', y: 'g', color: 'a' },
    options: { labels: true, colorScale: 'diverging' },
  },
  boxplot: {
    type: 'boxplot',
    encode: { x: 'g', y: 'a', series: 'g' },
    options: { whisker: 3, outliers: false },
  },
  kpi: {
    type: 'kpi',
    encode: { x: 'm', y: 'a' },
    options: { compare: 'first', delta: 'both', better: 'lower' },
  },
};

describe('the new chart types in a report', () => {
  it('accept their options', () => {
    for (const chart of Object.values(valid)) expect(problemsOf(chart), String(chart.type)).toEqual([]);
    expect(problemsOf({ type: 'kpi', encode: { y: 'a' }, options: { compare: 1_000_000 } })).toEqual([]);
    expect(problemsOf({ type: 'boxplot', encode: { y: 'a' }, options: { whisker: 'minmax' } })).toEqual([]);
  });

  it('get their defaults when normalized', () => {
    const report = validateReport(reportOf(valid.combo));
    const combo = normalizeChart('c', report.charts.c!);
    expect(combo.options).toMatchObject({ marks: ['bar', 'line'], dualAxis: true, legend: 'bottom' });
    const kpi = normalizeChart('k', validateReport(reportOf({ type: 'kpi', encode: { y: 'a' } })).charts.c!);
    expect(kpi.options).toMatchObject({
      width: 260,
      height: 130,
      legend: 'none',
      compare: 'previous',
      sparkline: true,
    });
    const heat = normalizeChart(
      'h',
      validateReport(reportOf({ type: 'heatmap', encode: { x: 'm', y: 'g', color: 'a' } })).charts.c!,
    );
    expect(heat.options).toMatchObject({ legend: 'right', colorScale: 'sequential', labels: false });
    const box = normalizeChart(
      'b',
      validateReport(reportOf({ type: 'boxplot', encode: { x: 'g', y: 'a' } })).charts.c!,
    );
    expect(box.options).toMatchObject({ whisker: 1.5, outliers: true, legend: 'none' });
    expect(chartDefaults.boxplot.legend).toBe('bottom');
  });

  it('name the channels each type needs', () => {
    expect(problemsOf({ type: 'combo', encode: { x: 'm', y: 'a' } })).toEqual([
      'CP_ERR_MISSING_FIELD charts.c.encode.y2',
    ]);
    expect(problemsOf({ type: 'heatmap', encode: { x: 'm', y: 'g' } })).toEqual([
      'CP_ERR_MISSING_FIELD charts.c.encode.color',
    ]);
    expect(problemsOf({ type: 'boxplot', encode: { x: 'g' } })).toEqual([
      'CP_ERR_MISSING_FIELD charts.c.encode.y',
    ]);
    expect(problemsOf({ type: 'kpi', encode: {} })).toEqual(['CP_ERR_MISSING_FIELD charts.c.encode.y']);
  });

  it('refuse bad options with the path and code of each', () => {
    expect(problemsOf({ ...valid.combo, options: { marks: ['bar', 'pie'] } })).toEqual([
      'CP_ERR_INVALID_ENUM charts.c.options.marks[1]',
    ]);
    expect(problemsOf({ ...valid.combo, options: { marks: ['bar'] } })).toEqual([
      'CP_ERR_INVALID_VALUE charts.c.options.marks',
    ]);
    expect(problemsOf({ ...valid.combo, options: { y2Format: 'percent' } })).toEqual([
      'CP_ERR_INVALID_VALUE charts.c.options.y2Format',
    ]);
    expect(problemsOf({ ...valid.combo, options: { y2: { min: 1, max: 0 } } })).toEqual([
      'CP_ERR_INVALID_VALUE charts.c.options.y2.max',
    ]);
    expect(problemsOf({ ...valid.heatmap, options: { colorScale: 'rainbow' } })).toEqual([
      'CP_ERR_INVALID_ENUM charts.c.options.colorScale',
    ]);
    expect(problemsOf({ ...valid.boxplot, options: { whisker: 0 } })).toEqual([
      'CP_ERR_INVALID_VALUE charts.c.options.whisker',
    ]);
    // A text is read as one of the words the option takes, not as a number gone wrong.
    expect(problemsOf({ ...valid.boxplot, options: { whisker: 'max' } })).toEqual([
      'CP_ERR_INVALID_ENUM charts.c.options.whisker',
    ]);
    expect(problemsOf({ ...valid.kpi, options: { delta: 'ratio' } })).toEqual([
      'CP_ERR_INVALID_ENUM charts.c.options.delta',
    ]);
    expect(problemsOf({ ...valid.kpi, options: { compare: 'last' } })).toEqual([
      'CP_ERR_INVALID_ENUM charts.c.options.compare',
    ]);
    // Options of another type are unknown here.
    expect(problemsOf({ ...valid.kpi, options: { stacked: true } })).toEqual([
      'CP_ERR_UNKNOWN_FIELD charts.c.options.stacked',
    ]);
  });
});
