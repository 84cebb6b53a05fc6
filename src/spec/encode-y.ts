import { encodeFold } from '../data/fold.js';
import { windowOutputs } from '../data/window.js';
import type { ChartEncode, ChartSpec, ChartType, Query } from './schema.js';

/** Chart types whose `encode.y` may list columns, each drawn as a series named by it. */
export const SERIES_Y: ReadonlySet<ChartType> = new Set(['bar', 'line', 'area', 'scatter', 'boxplot']);

/** The channel that tells series apart: scatter colours its points, the others draw series. */
export const seriesChannel = (type: ChartType): 'color' | 'series' =>
  type === 'scatter' ? 'color' : 'series';

/** Base names of the folded columns: the series (a measure's name) and the value drawn. */
const FOLDED = ['series', 'value'] as const;

/**
 * What a chart with `encode.y: [a, b]` stands for: its query folds the columns into rows (see
 * `fold`), `y` reads their values and the series channel their names, so that each column is
 * a series with a legend entry. The two new columns are named `series` and `value` unless the
 * query or the encode already uses those names (then `series_2`, ...). A chart whose `y` names
 * one column is returned as it is.
 */
export function foldEncodeY(spec: ChartSpec): { query: Query; encode: ChartEncode } {
  const { y } = spec.encode;
  if (!Array.isArray(y)) return { query: spec.data, encode: spec.encode as ChartEncode };
  const taken = new Set<string>([...queryNames(spec.data), ...y, spec.facet?.field ?? '']);
  for (const v of Object.values(spec.encode)) if (typeof v === 'string') taken.add(v);
  const [key, value] = FOLDED.map((base) => {
    let name: string = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  }) as [string, string];
  return {
    query: { ...spec.data, fold: encodeFold(y, [key, value]) },
    encode: { ...spec.encode, y: value, [seriesChannel(spec.type)]: key },
  };
}

/** The names a query's output may hold that it says itself: group outputs, aggregates, windows, calculated fields. */
function queryNames(query: Query): string[] {
  const groups = (query.groupBy ?? []).map((g) => (typeof g === 'string' ? g : (g.as ?? g.field)));
  const outputs = [...groups, ...Object.keys(query.aggregate ?? {})];
  return [...windowOutputs(query, outputs), ...Object.keys(query.calculate ?? {})];
}

/**
 * What is wrong with a chart's `encode.y` list whatever its data: a chart type that draws no
 * series of measures, a series channel given too, a column listed twice, a query that folds
 * or pivots already.
 */
export function checkEncodeY(
  chart: ChartSpec,
  path: string,
  report: (code: 'CP_ERR_INVALID_VALUE', message: string, path: string, hint?: string) => void,
): void {
  const { y } = chart.encode;
  if (!Array.isArray(y)) return;
  if (!SERIES_Y.has(chart.type)) {
    const types = [...SERIES_Y].join(', ');
    report(
      'CP_ERR_INVALID_VALUE',
      `a ${chart.type} chart takes one y column; a list of columns (one series each) applies to ${types} charts`,
      `${path}.encode.y`,
      'name one column, or use a line or bar chart',
    );
    return;
  }
  const channel = seriesChannel(chart.type);
  if (chart.encode[channel] !== undefined)
    report(
      'CP_ERR_INVALID_VALUE',
      `encode.${channel} cannot be used with a list of y columns: the columns are the series`,
      `${path}.encode.${channel}`,
      'leave it out, or facet by it (facet: { field })',
    );
  y.forEach((name, j) => {
    if (y.indexOf(name) !== j)
      report('CP_ERR_INVALID_VALUE', `y column "${name}" is listed twice`, `${path}.encode.y[${j}]`);
  });
  for (const key of ['fold', 'pivot'] as const)
    if (chart.data[key] !== undefined)
      report(
        'CP_ERR_INVALID_VALUE',
        `a list of y columns folds them itself: the query cannot ${key} too`,
        `${path}.data.${key}`,
        'leave it out, or name one y column',
      );
}
