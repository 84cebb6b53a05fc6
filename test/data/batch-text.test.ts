import { describe, expect, it } from 'vitest';
import { batchCell, batchRows, type ColumnBatch } from '../../src/data/batch.js';
import { fromWire, TextColumn } from '../../src/data/batch-text.js';
import { BatchView } from '../../src/data/batch-view.js';
import { isoKey } from '../../src/data/bucketer.js';
import { TextCellsBuilder } from '../../src/data/sources/csv-text.js';
import type { Value } from '../../src/frame.js';

/** A text column of these cells: texts as bytes (own text), others as values. */
function column(cells: readonly Value[], capacity = cells.length): TextColumn {
  const builder = new TextCellsBuilder();
  builder.start(capacity);
  for (const v of cells) {
    if (typeof v === 'string' && v.startsWith('raw:')) {
      const bytes = Buffer.from(`..${v.slice(4)}..`);
      builder.addBytes(bytes, 2, bytes.length - 2);
    } else builder.addValue(v);
  }
  return new TextColumn(builder.finish(cells.length));
}

describe('TextColumn', () => {
  const cells: Value[] = [
    'raw:2024-03-05T14:47:09Z',
    null,
    3.5,
    '',
    'raw:Zürich 😀',
    'written as a value',
    'raw:2024-03-05T23:59:59Z',
    -0,
    'raw:x',
  ];

  it('gives each cell as it was added: texts from their bytes, other values as they are', () => {
    const col = column(cells);
    const want = cells.map((v) => (typeof v === 'string' && v.startsWith('raw:') ? v.slice(4) : v));
    expect(col.length).toBe(cells.length);
    expect(cells.map((_, i) => col.cell(i))).toEqual(want);
    expect(Object.is(col.cell(7), -0)).toBe(true);
    // An empty text stays a text, not null.
    expect(col.cell(3)).toBe('');
    expect(col.values).toEqual(want);
    expect(cells.map((_, i) => batchCell(col, i))).toEqual(want);
  });

  it('decodes every cell once when its values are asked for', () => {
    const col = column(cells);
    expect(col.values).toBe(col.values);
  });

  it('reads the time-bucket keys of its texts from their bytes', () => {
    const col = column(cells);
    for (const unit of ['day', 'hour', 'slot'] as const) {
      const keys = new Float64Array(cells.length);
      col.isoKeys(unit, keys);
      const want = col.values.map((v) => (typeof v === 'string' ? isoKey(v, unit) : -1));
      expect([...keys]).toEqual(want);
    }
    const days = new BatchView(batchOf(col)).isoKeys('t', 'day');
    expect(col.values.filter((_, i) => days[i]! >= 0)).toEqual([
      '2024-03-05T14:47:09Z',
      '2024-03-05T23:59:59Z',
    ]);
  });

  it('travels between threads as its data and comes back the same column', () => {
    const col = column(cells, 64);
    const copy = fromWire(structuredClone(col.data));
    expect(copy).toBeInstanceOf(TextColumn);
    expect(batchRows(batchOf(copy as TextColumn))).toEqual(batchRows(batchOf(col)));
    expect(fromWire({ kind: 'values', values: [1] })).toEqual({ kind: 'values', values: [1] });
  });

  it('is sound for a batch of its length, not for a longer one', () => {
    const col = column(cells);
    expect(new BatchView(batchOf(col)).has(['t'])).toBe(true);
    expect(new BatchView({ ...batchOf(col), length: cells.length + 1 }).has(['t'])).toBe(false);
  });

  it('grows its bytes past the first buffer', () => {
    const long = `raw:${'é'.repeat(40_000)}`;
    const col = column([long, 'raw:a', long.slice(0, 1000)]);
    expect(col.cell(0)).toBe('é'.repeat(40_000));
    expect(col.cell(1)).toBe('a');
    expect(col.cell(2)).toBe('é'.repeat(996));
  });
});

function batchOf(col: TextColumn): ColumnBatch {
  return { length: col.length, names: ['t'], columns: [col] };
}
