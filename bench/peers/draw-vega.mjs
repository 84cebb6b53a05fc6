// Vega-Lite: an equivalent spec compiled to Vega, the CSV read by Vega's own loader (parsed by
// its CSV reader with the column types given), drawn headless with `renderer: 'none'` to SVG.
import * as vega from 'vega';
import * as vl from 'vega-lite';

const loader = vega.loader({ mode: 'file' });

const encodings = {
  bar: {
    parse: { value: 'number' },
    mark: 'bar',
    encoding: {
      x: { field: 'category', type: 'nominal', sort: null },
      y: { field: 'value', type: 'quantitative' },
    },
  },
  line: {
    parse: { date: 'date', value: 'number' },
    mark: 'line',
    encoding: {
      x: { field: 'date', type: 'temporal' },
      y: { field: 'value', type: 'quantitative', scale: { zero: false } },
    },
  },
  pie: {
    parse: { value: 'number' },
    mark: 'arc',
    encoding: {
      theta: { field: 'value', type: 'quantitative' },
      color: { field: 'category', type: 'nominal', sort: null },
    },
  },
  scatter: {
    parse: { x: 'number', y: 'number' },
    mark: { type: 'point', size: 16 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', scale: { zero: false } },
    },
  },
  area: {
    parse: { date: 'date', value: 'number' },
    mark: 'area',
    encoding: {
      x: { field: 'date', type: 'temporal' },
      y: { field: 'value', type: 'quantitative', stack: 'zero' },
      color: { field: 'series', type: 'nominal' },
    },
  },
};

/** The Vega-Lite spec of one of the benchmark's chart kinds, reading `csv`. */
export function specFor(kind, title, csv) {
  const e = encodings[kind];
  if (!e) throw new Error(`unknown chart kind ${kind}`);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 600,
    height: 400,
    autosize: { type: 'fit', contains: 'padding' },
    data: { url: csv, format: { type: 'csv', parse: e.parse } },
    mark: e.mark,
    encoding: e.encoding,
  };
}

/** One chart from its CSV file to SVG: compile, parse, run the dataflow, draw. */
export async function draw({ kind, title, csv }) {
  const spec = vl.compile(specFor(kind, title, csv)).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
