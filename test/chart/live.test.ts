import { describe, expect, it } from 'vitest';
import { argKey, FN_TAG, type LiveOption, liveOption, ZOOM_FROM_POINTS } from '../../src/chart/live.js';
import { buildOption, renderChartSvg } from '../../src/chart/render.js';
import { frameFromRows } from '../../src/frame.js';
import { makeChart, revenueFrame, texts } from './helpers.js';

type Json = Record<string, unknown>;

const live = (json: string | undefined): LiveOption & { option: Json } => {
  expect(json).toBeDefined();
  return JSON.parse(json!) as LiveOption & { option: Json };
};

/** JSON with every function, and every `{ $fn }` that stands for one, as "fn". */
const marked = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'function' || (x !== null && typeof x === 'object' && FN_TAG in x) ? 'fn' : x,
    ),
  );

const first = (v: unknown): Json => (Array.isArray(v) ? v[0] : v) as Json;

describe('liveOption', () => {
  const chart = makeChart('bar', { x: 'month', y: 'revenue', series: 'region' }, { numberFormat: '$,.0f' });
  const frame = revenueFrame();

  it('is the option the SVG is drawn from, each function a table of what it returned', () => {
    const spec = live(liveOption(chart, frame));
    expect(spec.width).toBe(chart.options.width);
    expect(spec.height).toBe(chart.options.height);
    // Same data, theme, colours, fonts and formats as the server-side option; tooltips switched
    // on, and axis labels' lines spaced one em apart, as the server measured them.
    const { tooltip: _live, ...option } = spec.option;
    const { tooltip: _server, ...server } = buildOption(chart, frame) as Json;
    for (const axis of [first(option.xAxis), first(option.yAxis)]) {
      const label = axis.axisLabel as Json;
      expect(label.lineHeight).toBe(label.fontSize);
      delete label.lineHeight;
    }
    expect(marked(option)).toEqual(marked(server));
    // The value axis's labels as the SVG shows them, looked up by their arguments.
    const y = first(spec.option.yAxis) as { axisLabel: { formatter: Json } };
    const table = spec.fns[y.axisLabel.formatter[FN_TAG] as number]!;
    const shown = new Set(texts(renderChartSvg(chart, frame)));
    const labels = Object.values(table);
    expect(labels.length).toBeGreaterThan(2);
    for (const label of labels) expect(shown.has(String(label))).toBe(true);
  });

  it('asks the tooltip value formatter for every number of the series', () => {
    const spec = live(liveOption(chart, frame));
    const tooltip = first(spec.option.tooltip) as { show: boolean; valueFormatter: Json };
    expect(tooltip.show).toBe(true);
    const table = spec.fns[tooltip.valueFormatter[FN_TAG] as number]!;
    expect(table[argKey([100_000])]).toBe('$100,000');
    const values = new Set(frame.columns.revenue as Float64Array);
    for (const v of values) expect(table[argKey([v])]).toMatch(/^\$\d/);
  });

  it('zooms a long line inside the plot, and triggers its tooltip by axis', () => {
    const rows = Array.from({ length: ZOOM_FROM_POINTS }, (_, i) => ({
      day: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
      v: (i * 37) % 11,
    }));
    const line = makeChart('line', { x: 'day', y: 'v' });
    const long = live(liveOption(line, frameFromRows(rows)));
    expect(long.option.dataZoom).toEqual([{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }]);
    expect(first(long.option.tooltip).trigger).toBe('axis');
    // The tooltip is headed by the date as the axis labels write it, not a raw timestamp.
    const x = first(long.option.xAxis) as { axisPointer: { label: { formatter: Json } } };
    const header = long.fns[x.axisPointer.label.formatter[FN_TAG] as number]!;
    expect(header[argKey([{ value: Date.UTC(2024, 0, 5) }])]).toBe('Jan 5 2024');
    expect(Object.keys(header)).toHaveLength(ZOOM_FROM_POINTS);
    const short = live(liveOption(line, frameFromRows(rows.slice(0, 10))));
    expect(short.option.dataZoom).toBeUndefined();
  });

  it('formats the tooltip of a scatter point as a whole pair', () => {
    const scatter = makeChart('scatter', { x: 'a', y: 'b' }, { numberFormat: ',.1f' });
    const spec = live(liveOption(scatter, frameFromRows([{ a: 1200, b: 3 }])));
    const tooltip = first(spec.option.tooltip) as { valueFormatter: Json };
    const table = spec.fns[tooltip.valueFormatter[FN_TAG] as number]!;
    expect(table[argKey([[1200, 3]])]).toMatch(/^1,200(\.0)?, 3\.0$/);
  });

  it('drops a string tooltip formatter, which ECharts would write into the page as HTML', () => {
    const raw = makeChart(
      'bar',
      { x: 'month', y: 'revenue' },
      {
        echarts: { tooltip: { formatter: '<img src=x onerror=alert(1)>{b}' } },
      },
    );
    const spec = live(liveOption(raw, frame));
    expect(first(spec.option.tooltip).formatter).toBeUndefined();
    expect(JSON.stringify(spec)).not.toContain('onerror');
  });

  it('leaves a chart drawn by a custom series static', () => {
    const gantt = makeChart('gantt', { x: 'start', x2: 'end', y: 'task' });
    const frame = frameFromRows([{ task: 'a', start: '2024-01-01', end: '2024-02-01' }]);
    expect(liveOption(gantt, frame)).toBeUndefined();
  });
});

describe('argKey', () => {
  it('keys params objects by series, index, name and value', () => {
    expect(argKey([{ seriesIndex: 1, dataIndex: 2, name: 'x', value: 3, color: '#fff' }])).toBe(
      '[[1,2,"x",3]]',
    );
    expect(argKey([5, 0])).toBe('[5,0]');
    expect(argKey([[{ seriesIndex: 0, dataIndex: 0, name: 'a', value: [1, 2] }]])).toBe(
      '[[[0,0,"a",[1,2]]]]',
    );
  });
});
