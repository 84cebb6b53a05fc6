import { describe, expect, it } from 'vitest';
import type { ChartpressError } from '../../src/errors.js';
import { foldEncodeY } from '../../src/spec/encode-y.js';
import { checkReport, normalizeChart } from '../../src/spec/normalize.js';
import { type ChartSpec, Report } from '../../src/spec/schema.js';

const chart = (fields: Record<string, unknown>): ChartSpec =>
  ({
    type: 'line',
    data: {
      from: 'd',
      groupBy: ['month'],
      aggregate: { median: { op: 'median', field: 'v' }, p90: { op: 'p90', field: 'v' } },
    },
    encode: { x: 'month', y: ['median', 'p90'] },
    ...fields,
  }) as ChartSpec;

function problems(spec: ChartSpec): [string, string][] {
  const report = Report.parse({
    title: 'T',
    datasets: { d: { source: 'inline', rows: [] } },
    charts: { c: spec },
    body: [{ chart: 'c' }],
  });
  try {
    checkReport(report);
    return [];
  } catch (e) {
    return (e as ChartpressError).problems.map((p) => [p.code, p.path ?? '']);
  }
}

describe('encode.y lists', () => {
  it('fold the columns and draw their names as the series', () => {
    const { query, encode } = foldEncodeY(chart({}));
    expect(query.fold).toEqual({ fields: ['median', 'p90'], as: ['series', 'value'] });
    expect(encode).toEqual({ x: 'month', y: 'value', series: 'series' });
    const scatter = foldEncodeY(chart({ type: 'scatter' }));
    expect(scatter.encode).toEqual({ x: 'month', y: 'value', color: 'series' });
  });

  it('pick names the query does not use', () => {
    const spec = chart({
      data: {
        from: 'd',
        groupBy: ['series'],
        aggregate: { value: { op: 'count' }, series_2: { op: 'count' } },
      },
      encode: { x: 'series', y: ['value', 'series_2'] },
    });
    expect(foldEncodeY(spec).encode).toEqual({ x: 'series', y: 'value_2', series: 'series_3' });
  });

  it('leave a chart with one y column as it is', () => {
    const spec = chart({ encode: { x: 'month', y: 'median' } });
    expect(foldEncodeY(spec)).toEqual({ query: spec.data, encode: spec.encode });
  });

  it('show a legend, and do not stack areas unless asked', () => {
    expect(normalizeChart('c', chart({})).options.legend).toBe('bottom');
    expect((normalizeChart('c', chart({ type: 'area' })).options as { stacked: boolean }).stacked).toBe(
      false,
    );
    const stacked = normalizeChart('c', chart({ type: 'area', options: { stacked: true } }));
    expect((stacked.options as { stacked: boolean }).stacked).toBe(true);
  });

  it('are refused where they cannot be drawn, with the path', () => {
    expect(problems(chart({}))).toEqual([]);
    expect(problems(chart({ type: 'pie' }))).toEqual([['CP_ERR_INVALID_VALUE', 'charts.c.encode.y']]);
    expect(problems(chart({ type: 'kpi' }))).toEqual([['CP_ERR_INVALID_VALUE', 'charts.c.encode.y']]);
    expect(problems(chart({ encode: { x: 'month', y: ['median', 'p90'], series: 'month' } }))).toEqual([
      ['CP_ERR_INVALID_VALUE', 'charts.c.encode.series'],
    ]);
    expect(problems(chart({ encode: { x: 'month', y: ['median', 'median'] } }))).toEqual([
      ['CP_ERR_INVALID_VALUE', 'charts.c.encode.y[1]'],
    ]);
    const folded = chart({});
    expect(problems({ ...folded, data: { ...folded.data, fold: ['median'] } } as ChartSpec)).toEqual([
      ['CP_ERR_INVALID_VALUE', 'charts.c.data.fold'],
    ]);
  });
});
