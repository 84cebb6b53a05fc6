import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../src/chart/render.js';
import { themes } from '../../src/chart/theme.js';
import { frameFromRows, type Row } from '../../src/frame.js';
import { ChartSpec } from '../../src/spec/schema.js';
import { makeChart, texts } from '../chart/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const DAY = 86_400_000;
let n = 0;

/** Renders a chart file over CSV rows through `chartpress chart`; returns the SVG, or the run. */
async function chartCli(chart: string, rows: readonly Row[]) {
  const id = n++;
  const fields = Object.keys(rows[0] ?? {});
  const csv = [fields.join(','), ...rows.map((r) => fields.map((f) => String(r[f] ?? '')).join(','))].join(
    '\n',
  );
  const data = tmp.write(`c${id}/data.csv`, `${csv}\n`);
  const file = tmp.write(`c${id}/chart.yaml`, chart);
  const out = join(tmp.dir, `c${id}/chart.svg`);
  const run = await cli('chart', file, '--data', data, '-o', out);
  return { run, svg: () => readFileSync(out, 'utf8') };
}

/** Every `<text>` with its x position (from its translate). */
function placedTexts(svg: string): { text: string; x: number; y: number }[] {
  return [...svg.matchAll(/<text\b[^>]*translate\(([\d.-]+) ([\d.-]+)\)[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    text: m[3] ?? '',
  }));
}

/** Vertical grid lines: `M x y1 L x y2` paths in the theme's grid colour. */
function verticalGridLines(svg: string): number[] {
  const color = themes.default.splitLine;
  return [...svg.matchAll(/<path d="M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)"[^>]*stroke="([^"]+)"/g)]
    .filter((m) => m[1] === m[3] && m[5] === color)
    .map((m) => Number(m[1]));
}

// Distances of 300 flights: non-negative, many near zero.
let seed = 7;
const random = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const flights = Array.from({ length: 300 }, () => {
  const distance = Math.round(random() ** 2 * 2500);
  return { distance, delay: Math.round(random() * 120 + distance / 100) };
});

describe('a scatter of non-negative data', () => {
  it('shows no negative tick on either axis (was −300 miles and −30 minutes)', async () => {
    const { run, svg } = await chartCli(
      'type: scatter\nencode: { x: distance, y: delay }\noptions: { xTitle: Miles, yTitle: Minutes }\n',
      flights,
    );
    expect(run.stderr.join('\n')).toBe('');
    expect(run.code).toBe(0);
    const labels = texts(svg());
    expect(labels).toContain('0');
    expect(labels.filter((t) => t.includes('−') || t.startsWith('-'))).toEqual([]);
  });

  it('still pads past zero when the data crosses it', () => {
    const frame = frameFromRows([
      { x: -40, y: -3 },
      { x: 900, y: 80 },
    ]);
    const labels = texts(renderChartSvg(makeChart('scatter', { x: 'x', y: 'y' }), frame));
    expect(labels.some((t) => t.startsWith('−'))).toBe(true);
  });
});

describe('value axis scales', () => {
  const daily = Array.from({ length: 60 }, (_, i) => ({
    date: new Date(Date.UTC(2024, 0, 29) + i * DAY).toISOString().slice(0, 10),
    v: 100 + i,
  }));
  const yLabels = (svg: string) =>
    placedTexts(svg)
      .filter((t) => t.x < 40 && /^[\d,.]+$/.test(t.text))
      .map((t) => Number(t.text.replace(/,/g, '')));

  it('a line includes zero by default, and drops it with y.zero: false', async () => {
    const withZero = await chartCli('type: line\nencode: { x: date, y: v }\n', daily);
    expect(Math.min(...yLabels(withZero.svg()))).toBe(0);
    const without = await chartCli(
      'type: line\nencode: { x: date, y: v }\noptions: { y: { zero: false } }\n',
      daily,
    );
    expect(without.run.code).toBe(0);
    expect(Math.min(...yLabels(without.svg()))).toBe(100);
  });

  it('takes y.min and y.max as the ends of the axis', async () => {
    const { run, svg } = await chartCli(
      'type: line\nencode: { x: date, y: v }\noptions: { y: { min: 50, max: 250 } }\n',
      daily,
    );
    expect(run.code).toBe(0);
    const labels = yLabels(svg());
    expect(Math.min(...labels)).toBe(50);
    expect(Math.max(...labels)).toBe(250);
  });

  it('draws a log axis in powers of ten', () => {
    const frame = frameFromRows(daily.map((d, i) => ({ ...d, v: 5 * 1.08 ** i })));
    const option = buildOption(makeChart('line', { x: 'date', y: 'v' }, { y: { log: true } }), frame);
    expect(option.yAxis).toMatchObject({ type: 'log', logBase: 10, min: 1, max: 1000 });
    const labels = texts(
      renderChartSvg(makeChart('line', { x: 'date', y: 'v' }, { y: { log: true } }), frame),
    );
    expect(labels).toEqual(expect.arrayContaining(['1', '10', '100']));
  });

  it('refuses a log axis over zero or negative values with CP_ERR_AXIS_SCALE', async () => {
    const rows = daily.map((d, i) => ({ ...d, v: i - 3 }));
    const { run } = await chartCli(
      'type: scatter\nencode: { x: date, y: v }\noptions: { y: { log: true } }\n',
      rows,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/CP_ERR_AXIS_SCALE.*options\.y\.log.*down to -3/);
  });

  it('refuses min at or above max, and an x scale on a date axis', async () => {
    const bad = ChartSpec.safeParse({
      type: 'line',
      data: { from: 'd' },
      encode: { x: 'date', y: 'v' },
      options: { y: { min: 10, max: 10 } },
    });
    expect(bad.success).toBe(false);
    const { run } = await chartCli(
      'type: scatter\nencode: { x: date, y: v }\noptions: { x: { min: 0 } }\n',
      daily,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/CP_ERR_AXIS_SCALE.*options\.x/);
  });
});

describe('reference lines', () => {
  const monthly = Array.from({ length: 12 }, (_, i) => ({
    month: new Date(Date.UTC(2024, i, 1)).toISOString().slice(0, 10),
    sales: 50 + i * 3,
  }));
  const dashed = (svg: string) => [
    ...svg.matchAll(/<path d="M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)"[^>]*stroke-dasharray/g),
  ];

  for (const type of ['line', 'area', 'bar', 'scatter'] as const) {
    it(`draws rules on a ${type} chart as dashed lines with their labels`, async () => {
      const { run, svg } = await chartCli(
        `type: ${type}\nencode: { x: month, y: sales }\noptions:\n  rules:\n    - { y: 100, label: target }\n    - { x: "${type === 'bar' ? '2024-03-01' : '2024-06-15'}", label: launch }\n`,
        monthly,
      );
      expect(run.stderr.join('\n')).toBe('');
      expect(run.code).toBe(0);
      const text = svg();
      const lines = dashed(text);
      expect(lines.filter((m) => m[2] === m[4])).toHaveLength(1); // horizontal, at y = 100
      expect(lines.filter((m) => m[1] === m[3])).toHaveLength(1); // vertical, at the date
      expect(texts(text)).toEqual(expect.arrayContaining(['target', 'launch']));
      // The axis stretched to show the target above the data (at most 83).
      expect(texts(text).map(Number).filter(Number.isFinite)).toContain(100);
    });
  }

  it('puts a category rule on the vertical axis of a horizontal bar chart', () => {
    const frame = frameFromRows(['Ford', 'Fiat', 'Audi'].map((make, i) => ({ make, mpg: 20 + i })));
    const chart = makeChart(
      'bar',
      { x: 'make', y: 'mpg' },
      { orientation: 'horizontal', rules: [{ y: 'Fiat' }, { x: 21.5, label: 'mean' }] },
    );
    const option = buildOption(chart, frame) as { series: { markLine?: { data: unknown[] } }[] };
    expect(option.series[0]?.markLine?.data).toMatchObject([{ yAxis: 1 }, { xAxis: 21.5 }]);
  });

  it('refuses a rule off its axis with CP_ERR_AXIS_SCALE, and a rule with both x and y', async () => {
    const { run } = await chartCli(
      'type: bar\nencode: { x: month, y: sales }\noptions: { rules: [{ x: Mars }] }\n',
      monthly,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/CP_ERR_AXIS_SCALE.*options\.rules\[0\]\.x/);
    const line = await chartCli(
      'type: line\nencode: { x: month, y: sales }\noptions: { rules: [{ x: 2024 }] }\n',
      monthly,
    );
    expect(line.run.stderr.join('\n')).toMatch(/CP_ERR_AXIS_SCALE.*not an ISO date/);
    const both = ChartSpec.safeParse({
      type: 'line',
      data: { from: 'd' },
      encode: { x: 'month', y: 'sales' },
      options: { rules: [{ x: '2024-01-01', y: 3 }] },
    });
    expect(both.success).toBe(false);
  });
});

describe('time axes', () => {
  const daily = Array.from({ length: 60 }, (_, i) => ({
    date: new Date(Date.UTC(2024, 0, 29) + i * DAY).toISOString().slice(0, 10),
    v: 100 + Math.round(20 * Math.sin(i / 5)),
  }));

  it('label a 60-day daily series at regular intervals, one level (was Jan 29, Feb, Feb 5, Feb 8)', async () => {
    const { run, svg } = await chartCli('type: line\nencode: { x: date, y: v }\n', daily);
    expect(run.code).toBe(0);
    const ticks = placedTexts(svg()).filter((t) => /^[A-Z][a-z]{2} \d{1,2}$/.test(t.text));
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(ticks.length).toBeLessThanOrEqual(10);
    const dates = ticks.map((t) => Date.parse(`${t.text} 2024 UTC`));
    const steps = new Set(dates.slice(1).map((d, i) => Math.round((d - dates[i]!) / DAY)));
    expect([...steps]).toHaveLength(1);
    expect([1, 2, 7, 14]).toContain([...steps][0]);
    const gaps = ticks.slice(1).map((t, i) => t.x - ticks[i]!.x);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 0);
  });

  it('gives a gantt one grid line per tick (it drew doubled lines)', () => {
    const plan = frameFromRows([
      { task: 'Planning', start: '2024-01-08', end: '2024-02-02' },
      { task: 'Build', start: '2024-02-15', end: '2024-05-10' },
      { task: 'Test', start: '2024-05-20', end: '2024-06-21' },
    ]);
    const svg = renderChartSvg(makeChart('gantt', { x: 'start', x2: 'end', y: 'task' }), plan);
    const lines = verticalGridLines(svg);
    const ticks = placedTexts(svg).filter((t) => /^[A-Z][a-z]{2}$/.test(t.text));
    expect(ticks.map((t) => t.text)).toEqual(['Feb', 'Mar', 'Apr', 'May', 'Jun']);
    expect(lines).toHaveLength(ticks.length);
    lines.forEach((x, i) => {
      expect(Math.abs(x - ticks[i]!.x)).toBeLessThan(1);
    });
  });
});

describe('horizontal bar titles', () => {
  it('name the axes as drawn: xTitle across (values), yTitle up (categories)', () => {
    const frame = frameFromRows(['Ford', 'Fiat'].map((make, i) => ({ make, mpg: 20 + i })));
    const chart = makeChart(
      'bar',
      { x: 'make', y: 'mpg' },
      { orientation: 'horizontal', xTitle: 'Miles per gallon', yTitle: 'Make' },
    );
    const option = buildOption(chart, frame);
    expect(option.xAxis).toMatchObject({ type: 'value', name: 'Miles per gallon' });
    expect(option.yAxis).toMatchObject({ type: 'category', name: 'Make' });
    const svg = renderChartSvg(chart, frame);
    const across = placedTexts(svg).find((t) => t.text === 'Miles per gallon');
    expect(across?.y).toBeGreaterThan(300); // under the plot, read across
    // Turned a quarter, left of the category labels.
    expect(svg).toMatch(/transform="matrix\(0,-1,1,0,[\d.]+,[\d.]+\)"[^>]*>Make</);
  });

  it('refuses a y scale on the category axis of a horizontal bar chart', () => {
    const frame = frameFromRows([{ make: 'Ford', mpg: 20 }]);
    const chart = makeChart('bar', { x: 'make', y: 'mpg' }, { orientation: 'horizontal', y: { min: 0 } });
    expect(() => buildOption(chart, frame)).toThrow(
      /options\.y: the y axis of a horizontal bar chart shows categories/,
    );
  });
});

describe('a numeric legend', () => {
  const rows = [0, 3, 4, 1, 5, 2].flatMap((cyl) =>
    ['A', 'B', 'C'].map((origin) => ({ origin, cyl, n: cyl * 10 + origin.charCodeAt(0) - 64 })),
  );

  it('sorts numerically on line, bar and area charts (was 0, 3, 4, 1, 5, 2)', async () => {
    for (const type of ['line', 'bar', 'area']) {
      const { run, svg } = await chartCli(`type: ${type}\nencode: { x: origin, y: n, series: cyl }\n`, rows);
      expect(run.code).toBe(0);
      expect(texts(svg()).slice(-6)).toEqual(['0', '1', '2', '3', '4', '5']);
    }
  });

  it('sorts numeric gantt categories too, and text categories as their colours are', () => {
    const plan = frameFromRows([
      { t: 'a', s: '2024-01-01', e: '2024-02-01', k: '10' },
      { t: 'b', s: '2024-01-01', e: '2024-02-01', k: '9' },
    ]);
    const option = buildOption(makeChart('gantt', { x: 's', x2: 'e', y: 't', series: 'k' }), plan);
    expect((option.series as { name: string }[]).map((s) => s.name)).toEqual(['9', '10']);
    const text = buildOption(
      makeChart('line', { x: 'origin', y: 'n', series: 'g' }),
      frameFromRows(rows.map((r) => ({ ...r, g: ['EMEA', 'APAC', 'Americas'][r.cyl % 3]! }))),
    );
    expect((text.series as { name: string }[]).map((s) => s.name)).toEqual(['APAC', 'Americas', 'EMEA']);
  });
});
