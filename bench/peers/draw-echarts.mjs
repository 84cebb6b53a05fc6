// Plain ECharts server-side rendering: the CSV read by hand, an option a user would write, one
// SVG string. No theme, no font work, no sanitising: what chartpress adds on top is not here.
import * as echarts from 'echarts';
import { distinct, numbers, readCsv } from './child.mjs';

const base = (title) => ({ animation: false, title: { text: title }, tooltip: { show: false } });

/** The option of a bar chart of `categories` and `values` (also what the pool's ceiling draws). */
export function barOption(title, categories, values) {
  return {
    ...base(title),
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: values }],
  };
}

/** The ECharts option for one of the benchmark's chart kinds, from its CSV columns. */
export function optionFor(kind, title, t) {
  const c = t.columns;
  switch (kind) {
    case 'bar':
      return barOption(title, c.category, numbers(c.value));
    case 'line': {
      const v = numbers(c.value);
      return {
        ...base(title),
        xAxis: { type: 'time' },
        yAxis: { type: 'value', scale: true },
        // LTTB sampling and no symbols: what ECharts' docs advise for long lines.
        series: [
          {
            type: 'line',
            showSymbol: false,
            sampling: 'lttb',
            progressive: 0,
            data: c.date.map((d, i) => [d, v[i]]),
          },
        ],
      };
    }
    case 'pie': {
      const v = numbers(c.value);
      return {
        ...base(title),
        legend: { bottom: 0 },
        series: [
          { type: 'pie', radius: ['0%', '60%'], data: c.category.map((name, i) => ({ name, value: v[i] })) },
        ],
      };
    }
    case 'scatter': {
      const x = numbers(c.x);
      const y = numbers(c.y);
      return {
        ...base(title),
        xAxis: { type: 'value', scale: true },
        yAxis: { type: 'value', scale: true },
        // Progressive rendering off: every point is drawn into the one SVG.
        series: [{ type: 'scatter', symbolSize: 4, progressive: 0, data: x.map((xi, i) => [xi, y[i]]) }],
      };
    }
    case 'area': {
      const names = distinct(c.series);
      const v = numbers(c.value);
      const byName = new Map(names.map((n) => [n, []]));
      for (let i = 0; i < t.length; i++) byName.get(c.series[i]).push([c.date[i], v[i]]);
      return {
        ...base(title),
        legend: { bottom: 0 },
        xAxis: { type: 'time' },
        yAxis: { type: 'value' },
        series: names.map((name) => ({
          type: 'line',
          name,
          stack: 'total',
          areaStyle: {},
          showSymbol: false,
          data: byName.get(name),
        })),
      };
    }
    default:
      throw new Error(`unknown chart kind ${kind}`);
  }
}

/** Renders an ECharts option to an SVG string, disposing of the chart. */
export function renderOption(option, width = 600, height = 400) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** One chart from its CSV file to SVG. */
export function draw({ kind, title, csv }) {
  return renderOption(optionFor(kind, title, readCsv(csv)));
}
