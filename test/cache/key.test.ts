import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, chartKey, type KeyVersions } from '../../src/cache/key.js';
import { cell, type Frame, frameFromRows, type Row, type Value } from '../../src/frame.js';
import type { NormalizedChart } from '../../src/spec/defaults.js';
import { makeChart } from '../chart/helpers.js';

const versions: KeyVersions = { chartpress: '1.0.0', renderer: 'echarts@6', font: 'inter@4' };

/** One row of every column kind: a number, a string, a null and a date. */
const rows: Row[] = [
  { date: '2024-01-01', region: 'EU', amount: 10, note: null },
  { date: '2024-02-01', region: 'US', amount: 20.5, note: 'late' },
  { date: '2024-03-01', region: 'APAC', amount: -3, note: null },
];
const chart = makeChart('bar', { x: 'region', y: 'amount' }, {}, { id: 'revenue', title: 'Revenue' });
const key = (frame: Frame, c: NormalizedChart = chart, v = versions) => chartKey(c, frame, v);
// Computed in each test, not at import: a key function that throws must fail tests, not the load.
const baseKey = () => key(frameFromRows(rows));

/** The rows with one cell replaced. */
const withCell = (i: number, field: string, value: Row[string]) =>
  frameFromRows(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));

describe('chartKey', () => {
  it('is the same for the same spec and data, however the frame was built', () => {
    expect(key(frameFromRows(rows.map((r) => ({ ...r }))))).toBe(baseKey());
    expect(baseKey()).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a number', 1, 'amount', 11],
    ['a number by its last bit', 1, 'amount', 20.500000000000004],
    ['a number to null', 2, 'amount', null],
    ['a string', 0, 'region', 'EU '],
    ['a null to a string', 0, 'note', 'x'],
    ['a string to null', 1, 'note', null],
    ['a date', 2, 'date', '2024-03-02'],
  ] as const)('changes when %s changes', (_, i, field, value) => {
    expect(key(withCell(i, field, value))).not.toBe(baseKey());
  });

  it('changes when a row is added, dropped or moved', () => {
    expect(key(frameFromRows([...rows, rows[0] as Row]))).not.toBe(baseKey());
    expect(key(frameFromRows(rows.slice(1)))).not.toBe(baseKey());
    expect(key(frameFromRows([...rows].reverse()))).not.toBe(baseKey());
  });

  it('changes when a field is renamed, though the values stay', () => {
    const renamed = frameFromRows(
      rows.map((r) => ({
        date: r.date ?? null,
        region: r.region ?? null,
        total: r.amount ?? null,
        note: r.note ?? null,
      })),
    );
    expect(key(renamed)).not.toBe(baseKey());
  });

  it('tells a number column from the same values as strings', () => {
    const asText = frameFromRows(rows.map((r) => ({ ...r, amount: String(r.amount) })));
    expect(key(asText)).not.toBe(baseKey());
  });

  it('changes with the spec: type, title, encoding, options and versions', () => {
    const frame = frameFromRows(rows);
    const changed: NormalizedChart[] = [
      makeChart('line', { x: 'region', y: 'amount' }, {}, { id: 'revenue', title: 'Revenue' }),
      makeChart('bar', { x: 'region', y: 'amount' }, {}, { id: 'revenue', title: 'Revenue!' }),
      makeChart('bar', { x: 'date', y: 'amount' }, {}, { id: 'revenue', title: 'Revenue' }),
      makeChart('bar', { x: 'region', y: 'amount' }, { width: 601 }, { id: 'revenue', title: 'Revenue' }),
    ];
    const keys = changed.map((c) => key(frame, c));
    expect(new Set([baseKey(), ...keys]).size).toBe(changed.length + 1);
    for (const v of ['chartpress', 'renderer', 'font'] as const)
      expect(key(frame, chart, { ...versions, [v]: `${versions[v]}.1` })).not.toBe(baseKey());
  });

  it('does not change with the chart id, which does not change the picture', () => {
    const renamed = makeChart('bar', { x: 'region', y: 'amount' }, {}, { id: 'other', title: 'Revenue' });
    expect(key(frameFromRows(rows), renamed)).toBe(baseKey());
  });

  it('changes when a value moves within a column of mixed kinds, or changes kind', () => {
    // Columns that are not all numbers hash value by value: each kind must leave its mark.
    const mixed = (...values: Value[]): Frame => ({
      fields: ['v'],
      columns: { v: values },
      length: values.length,
    });
    const keys = [
      [true, 'x'],
      ['x', true],
      [false, 'x'],
      ['x', false],
      [null, 'x'],
      ['x', null],
      [1, 'x'],
      ['x', 1],
      ['1', 'x'],
      ['true', 'x'],
      ['', 'x'],
    ].map((values) => key(mixed(...(values as Value[]))));
    expect(new Set(keys).size).toBe(keys.length);
    expect(key(mixed(true, 'x'))).toBe(keys[0]);
  });

  it('tells a number column from a string column whose encoding its bytes spell', () => {
    // Eight bytes that read as a one-cell string column's encoding when hashed untagged.
    const bytes = new TextEncoder().encode('\u0001s4:abcd');
    const numbers = new Float64Array(bytes.buffer);
    const asNumbers: Frame = { fields: ['v'], columns: { v: numbers }, length: 1 };
    const asText: Frame = { fields: ['v'], columns: { v: ['abcd'] }, length: 1 };
    expect(key(asNumbers)).not.toBe(key(asText));
  });

  it('is the same whatever the order of the spec keys, and whether an unset option is there', () => {
    const frame = frameFromRows(rows);
    const reordered = {
      ...chart,
      options: Object.fromEntries(Object.entries(chart.options).reverse()),
      encode: { y: 'amount', x: 'region' },
    } as NormalizedChart;
    expect(key(frame, reordered)).toBe(baseKey());
    const unset = { ...chart, options: { ...chart.options, subtitle: undefined } } as NormalizedChart;
    expect(key(frame, unset)).toBe(baseKey());
  });
});

describe('canonicalJson', () => {
  it('is JSON with object keys sorted and unset keys left out, at every depth', () => {
    const text = canonicalJson({
      b: 1,
      a: [3, { d: 'x', c: undefined, B: null }],
      aa: true,
      e: { z: 1, y: 2 },
    });
    expect(text).toBe('{"a":[3,{"B":null,"d":"x"}],"aa":true,"b":1,"e":{"y":2,"z":1}}');
  });

  it('writes unset array items and bare values as JSON does', () => {
    expect(canonicalJson([1, undefined, null, 'x'])).toBe(JSON.stringify([1, undefined, null, 'x']));
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson([12, 3])).not.toBe(canonicalJson([1, 23]));
  });
});

describe('chartKey over columns of text', () => {
  /** The frame part of the key hashed one update per cell, as first written. */
  const cellByCell = (c: NormalizedChart, frame: Frame): string => {
    const hash = createHash('sha256');
    hash.update(
      canonicalJson({
        v: versions,
        type: c.type,
        title: c.title ?? null,
        encode: c.encode,
        options: c.options,
        colors: c.colors,
      }),
    );
    hash.update('\u0000frame');
    for (const name of frame.fields) {
      hash.update(`\u0000${name}\u0000`);
      for (let i = 0; i < frame.length; i++) {
        const v = cell(frame.columns[name], i);
        hash.update(
          v === null
            ? '\u0001n'
            : typeof v === 'number'
              ? `\u0001d${v}`
              : typeof v === 'boolean'
                ? v
                  ? '\u0001t'
                  : '\u0001f'
                : `\u0001s${v.length}:${v}`,
        );
      }
    }
    return hash.digest('hex');
  };
  const textFrame = (values: Value[]): Frame => ({
    fields: ['v'],
    columns: { v: values },
    length: values.length,
  });

  it('is the key of the cells hashed one by one, lone surrogates and all', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string(),
      fc.constantFrom<Value>(null, true, false, 1.5, -0, '\uD800', '\uDC00'),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (values) => {
        expect(key(textFrame(values))).toBe(cellByCell(chart, textFrame(values)));
      }),
      { numRuns: 300 },
    );
  });

  it('is the key of the cells hashed one by one for a column of many cells', () => {
    // Past 64K characters of cell text, with a surrogate pair's halves in two neighbouring cells.
    const values = Array.from(
      { length: 30_000 },
      (_, i): Value => (i % 2 ? '\uDC00' : `2024-01-01T${i}\uD83D`),
    );
    expect(key(textFrame(values))).toBe(cellByCell(chart, textFrame(values)));
  });
});
