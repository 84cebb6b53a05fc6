import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellIndices } from '../../src/data/cells.js';
import { lttbIndices } from '../../src/data/lttb.js';
import {
  type Column,
  cell,
  type Frame,
  frameFromRows,
  plainFrame,
  TimeColumn,
  toColumn,
  type Value,
} from '../../src/frame.js';
import { downsampleFrame, SCATTER_CELL } from '../../src/pipeline/downsample.js';
import type { NormalizedChart } from '../../src/spec/defaults.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import type { ChartSpec } from '../../src/spec/schema.js';
import { SHAPE_SPACE, SHAPE_ZONE } from '../../src/time-text.js';
import { makeChart } from '../chart/helpers.js';

const spec = (over: Partial<ChartSpec> & { options?: Record<string, unknown> }): ChartSpec =>
  ({ type: 'line', data: { from: 'd' }, encode: { x: 't', y: 'v', series: 's' }, ...over }) as ChartSpec;

const rows = ['a', 'b'].flatMap((s) =>
  Array.from({ length: 5000 }, (_, i) => ({
    t: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    v: Math.sin(i / 100) + (s === 'a' ? 0 : 3),
    s,
  })),
);
const frame = frameFromRows(rows);

describe('downsampleFrame', () => {
  it('reduces each series of a long line to twice the width', () => {
    const chart = normalizeChart('c', spec({ options: { width: 300 } }));
    const out = downsampleFrame(chart, frame);
    expect(out.length).toBe(2 * 600);
    const series = out.columns.s as string[];
    expect(series.filter((s) => s === 'a')).toHaveLength(600);
    // Order is kept: time ascends within each series.
    const ts = (out.columns.t as string[]).filter((_, i) => series[i] === 'b');
    expect([...ts].sort()).toEqual(ts);
  });

  it('leaves short series, bars and downsample: false alone', () => {
    expect(downsampleFrame(normalizeChart('c', spec({ options: { width: 5000 } })), frame)).toBe(frame);
    expect(downsampleFrame(normalizeChart('c', spec({ type: 'bar' })), frame)).toBe(frame);
    expect(downsampleFrame(normalizeChart('c', spec({ options: { downsample: false } })), frame)).toBe(frame);
  });
});

/**
 * The reduction as first written, over row indices, plain arrays and `Date.parse`: the oracle the
 * typed-array version must match row for row.
 */
function reference(chart: NormalizedChart, frame: Frame): Frame {
  if (!('downsample' in chart.options) || !chart.options.downsample) return frame;
  const threshold = Math.max(3, Math.round(chart.options.width * 2));
  if (frame.length <= threshold) return frame;
  const yCol = frame.columns[chart.encode.y ?? ''];
  if (!yCol) return frame;
  const xCol = chart.encode.x === undefined ? undefined : frame.columns[chart.encode.x];
  const seriesField = chart.encode.series ?? (chart.type === 'scatter' ? chart.encode.color : undefined);
  const seriesCol = seriesField === undefined ? undefined : frame.columns[seriesField];
  const groups = new Map<Value, number[]>();
  for (let i = 0; i < frame.length; i++) {
    const key = seriesCol ? cell(seriesCol, i) : null;
    const rows = groups.get(key);
    if (rows) rows.push(i);
    else groups.set(key, [i]);
  }
  const xNumber = (row: number, position: number) => {
    const v = xCol ? cell(xCol, row) : null;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
    return position;
  };
  const keep = new Uint8Array(frame.length);
  if (chart.type === 'scatter') {
    if (chart.encode.size !== undefined) return frame;
    const yNumber = (row: number) => {
      const v = cell(yCol, row);
      if (typeof v === 'number') return v;
      return typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    };
    const xs = Float64Array.from({ length: frame.length }, (_, i) => xNumber(i, Number.NaN));
    const ys = Float64Array.from({ length: frame.length }, (_, i) => yNumber(i));
    const span = (values: Float64Array) => {
      const finite = [...values].filter(Number.isFinite);
      const [lo, hi] = [Math.min(...finite), Math.max(...finite)];
      return finite.length > 0 && hi > lo ? hi - lo : 0;
    };
    const side = chart.options.pointSize * SCATTER_CELL;
    const cellX = (side * span(xs)) / chart.options.width || 1;
    const cellY = (side * span(ys)) / chart.options.height || 1;
    let kept = 0;
    for (const rows of groups.values()) {
      const x = Float64Array.from(rows, (r) => xs[r] ?? Number.NaN);
      const y = Float64Array.from(rows, (r) => ys[r] ?? Number.NaN);
      const indices = cellIndices(x, y, cellX, cellY);
      for (const k of indices) keep[rows[k] ?? 0] = 1;
      kept += indices.length;
    }
    if (kept === frame.length) return frame;
  } else {
    for (const rows of groups.values()) {
      if (rows.length <= threshold) {
        for (const r of rows) keep[r] = 1;
        continue;
      }
      const xs = rows.map((r, k) => xNumber(r, k));
      const order = rows.map((_, k) => k);
      if (xs.some((x, i) => i > 0 && x < (xs[i - 1] ?? 0))) order.sort((p, q) => (xs[p] ?? 0) - (xs[q] ?? 0));
      const x = Float64Array.from(order, (k) => xs[k] ?? 0);
      const y = Float64Array.from(order, (k) => {
        const v = cell(yCol, rows[k] ?? 0);
        return typeof v === 'number' ? v : 0;
      });
      for (const idx of lttbIndices(x, y, threshold)) keep[rows[order[idx] ?? 0] ?? 0] = 1;
    }
  }
  const rows = [...keep.keys()].filter((i) => keep[i]);
  const columns: Record<string, Column> = {};
  for (const name of frame.fields) {
    const col = frame.columns[name];
    columns[name] =
      col instanceof Float64Array
        ? Float64Array.from(rows, (r) => col[r] ?? Number.NaN)
        : rows.map((r) => cell(col, r));
  }
  return { fields: frame.fields, columns, length: rows.length };
}

describe('downsampleFrame, against the reduction as first written', () => {
  const start = Date.UTC(2024, 0, 1);
  /** An x cell: an ISO time (several spellings), a date, a number, text that is no date, or null. */
  const xCell = (kind: string) =>
    fc.integer({ min: 0, max: 5000 }).chain((minute): fc.Arbitrary<Value> => {
      const iso = new Date(start + minute * 60_000).toISOString();
      if (kind === 'numbers') return fc.constantFrom<Value>(minute, minute / 7, -minute);
      if (kind === 'sorted') return fc.constant(iso);
      return fc.constantFrom<Value>(
        iso,
        `${iso.slice(0, 19)}+02:00`,
        iso.slice(0, 10),
        iso.slice(0, 16),
        `${iso.slice(0, 10)} ${iso.slice(11, 19)}`,
        minute,
        'n/a',
        null,
      );
    });
  const frames = fc
    .record({
      n: fc.integer({ min: 0, max: 400 }),
      xKind: fc.constantFrom('sorted', 'mixed', 'numbers', 'none'),
      yNumeric: fc.boolean(),
      series: fc.constantFrom(0, 1, 3),
    })
    .chain(({ n, xKind, yNumeric, series }) =>
      fc.record({
        x: fc.array(xCell(xKind), { minLength: n, maxLength: n }),
        y: fc.array(
          yNumeric
            ? fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constant(null))
            : fc.constantFrom<Value>(1, 2.5, '3', null, ''),
          { minLength: n, maxLength: n },
        ),
        s: fc.array(fc.integer({ min: 0, max: Math.max(0, series - 1) }), { minLength: n, maxLength: n }),
        xKind: fc.constant(xKind),
        series: fc.constant(series),
      }),
    )
    .map(({ x, y, s, xKind, series }): Frame => {
      if (xKind === 'sorted') x.sort();
      const fields = ['x', 'y', ...(series > 0 ? ['s'] : [])];
      const columns: Record<string, Column> = {
        x: toColumn(x),
        y: toColumn(y),
        ...(series > 0 ? { s: series === 1 ? toColumn(s) : s.map((i) => (i === 0 ? null : `s${i}`)) } : {}),
      };
      return { fields, columns, length: x.length };
    });
  const charts = fc
    .record({
      type: fc.constantFrom('line', 'area', 'sparkline', 'scatter'),
      width: fc.integer({ min: 1, max: 60 }),
      noX: fc.boolean(),
      size: fc.boolean(),
    })
    .map(({ type, width, noX, size }): NormalizedChart => {
      const encode = { ...(noX ? {} : { x: 'x' }), y: 'y', series: 's', ...(size ? { size: 'y' } : {}) };
      return makeChart(type as 'line', encode, { width, height: width });
    });

  it('keeps the same rows of every chart and frame', () => {
    fc.assert(
      fc.property(charts, frames, (chart, frame) => {
        const want = reference(chart, frame);
        const got = downsampleFrame(chart, frame);
        expect(got).toEqual(want);
        // The frame comes back as it is exactly when nothing could be dropped.
        expect(got === frame).toBe(want === frame);
      }),
      { numRuns: 400 },
    );
  });
});

describe('downsampleFrame over timestamps held as numbers (TimeColumn)', () => {
  const start = Date.UTC(2024, 2, 31);
  // Every shape: with a space or a T, with milliseconds or not, with a Z or not.
  const frames = fc
    .record({
      minutes: fc.array(fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.constant(-1)), {
        minLength: 0,
        maxLength: 400,
      }),
      shape: fc.integer({ min: 0, max: 7 }),
      sorted: fc.boolean(),
      series: fc.constantFrom(0, 2),
      yTimes: fc.boolean(),
    })
    .map(({ minutes, shape, sorted, series, yTimes }): Frame => {
      if (sorted) minutes.sort((a, b) => a - b);
      // -1 stands for an empty cell; a second in a minute's millisecond keeps `.sss` busy.
      const ms = Float64Array.from(minutes, (m) => (m < 0 ? Number.NaN : start + m * 60_037));
      const fields = ['x', 'y', ...(series > 0 ? ['s'] : [])];
      const y = Float64Array.from(minutes, (m, i) => Math.sin(m / 50) * 100 + i);
      const columns: Record<string, Column> = {
        x: new TimeColumn(ms, shape),
        y: yTimes ? new TimeColumn(ms.slice(), shape) : y,
        ...(series > 0 ? { s: minutes.map((m) => `s${m % series}`) } : {}),
      };
      return { fields, columns, length: minutes.length };
    });
  const charts = fc
    .record({
      type: fc.constantFrom('line', 'area', 'sparkline', 'scatter'),
      width: fc.integer({ min: 1, max: 60 }),
    })
    .map(({ type, width }) =>
      makeChart(type as 'line', { x: 'x', y: 'y', series: 's' }, { width, height: width }),
    );

  it('keeps the rows it keeps of their texts, and makes texts of the kept rows only', () => {
    fc.assert(
      fc.property(charts, frames, (chart, frame) => {
        const got = downsampleFrame(chart, frame);
        const x = frame.columns.x as TimeColumn;
        // Before the texts are made for the frame taken as texts, below.
        if ((x.shape & (SHAPE_ZONE | SHAPE_SPACE)) === SHAPE_ZONE) expect(x.made).toBe(false);
        expect(plainFrame(got)).toEqual(downsampleFrame(chart, plainFrame(frame)));
      }),
      { numRuns: 400 },
    );
  });

  it('reads the numbers of a long `Z` series, making no text but for the points drawn', () => {
    const n = 20_000;
    const ms = Float64Array.from({ length: n }, (_, i) => start + i * 60_000);
    const x = new TimeColumn(ms, SHAPE_ZONE);
    const frame: Frame = {
      fields: ['x', 'y'],
      columns: { x, y: Float64Array.from(ms, (t) => Math.sin(t / 3.6e6)) },
      length: n,
    };
    const chart = makeChart('line', { x: 'x', y: 'y' }, { width: 300 });
    const out = downsampleFrame(chart, frame);
    expect(out.length).toBe(600);
    expect(x.made).toBe(false);
    expect(cell(out.columns.x, 0)).toBe('2024-03-31T00:00:00Z');
    expect(out).toEqual(downsampleFrame(chart, plainFrame(frame)));
  });
});
