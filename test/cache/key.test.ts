import { describe, expect, it } from 'vitest';
import { chartKey, type KeyVersions } from '../../src/cache/key.js';
import { type Frame, frameFromRows, type Row } from '../../src/data/frame.js';
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
const base = key(frameFromRows(rows));

/** The rows with one cell replaced. */
const withCell = (i: number, field: string, value: Row[string]) =>
  frameFromRows(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));

describe('chartKey', () => {
  it('is the same for the same spec and data, however the frame was built', () => {
    expect(key(frameFromRows(rows.map((r) => ({ ...r }))))).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
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
    expect(key(withCell(i, field, value))).not.toBe(base);
  });

  it('changes when a row is added, dropped or moved', () => {
    expect(key(frameFromRows([...rows, rows[0] as Row]))).not.toBe(base);
    expect(key(frameFromRows(rows.slice(1)))).not.toBe(base);
    expect(key(frameFromRows([...rows].reverse()))).not.toBe(base);
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
    expect(key(renamed)).not.toBe(base);
  });

  it('tells a number column from the same values as strings', () => {
    const asText = frameFromRows(rows.map((r) => ({ ...r, amount: String(r.amount) })));
    expect(key(asText)).not.toBe(base);
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
    expect(new Set([base, ...keys]).size).toBe(changed.length + 1);
    for (const v of ['chartpress', 'renderer', 'font'] as const)
      expect(key(frame, chart, { ...versions, [v]: `${versions[v]}.1` })).not.toBe(base);
  });

  it('does not change with the chart id, which does not change the picture', () => {
    const renamed = makeChart('bar', { x: 'region', y: 'amount' }, {}, { id: 'other', title: 'Revenue' });
    expect(key(frameFromRows(rows), renamed)).toBe(base);
  });
});
