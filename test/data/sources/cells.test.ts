import { describe, expect, it } from 'vitest';
import { InvalidCells } from '../../../src/data/invalid.js';
import {
  cellReaders,
  declaredReader,
  inferCell,
  inferText,
  jsonCell,
  jsonRow,
  jsonRowReader,
  normalizeDate,
} from '../../../src/data/sources/cells.js';

describe('inferCell', () => {
  it('turns slash dates into ISO, leaving other text alone', () => {
    expect(inferCell('2024/03/05 14:00:00')).toBe('2024-03-05T14:00:00Z');
    expect(inferCell('2024/3/5')).toBe('2024-03-05');
    expect(inferCell('2024/03/05 14:07')).toBe('2024-03-05T14:07:00Z');
    expect(inferCell('2024/02/30')).toBe('2024/02/30');
    expect(inferCell('2024/03/05 at noon')).toBe('2024/03/05 at noon');
    expect(inferCell('2024-03-05 14:00:00')).toBe('2024-03-05 14:00:00');
    expect(inferCell('+5')).toBe(5);
    expect(inferCell(' 12 ')).toBe(12);
  });
});

describe('normalizeDate', () => {
  it('writes ISO and slash dates as ISO, naive times as UTC', () => {
    expect(normalizeDate('2024-03-05')).toBe('2024-03-05');
    expect(normalizeDate(' 2024-03-05 14:00:00 ')).toBe('2024-03-05T14:00:00Z');
    expect(normalizeDate('2024-03-05T14:00:00+02:00')).toBe('2024-03-05T14:00:00+02:00');
    expect(normalizeDate('2024-03-05T14:00:00.5Z')).toBe('2024-03-05T14:00:00.5Z');
    expect(normalizeDate('2024/03/05 14:00:00')).toBe('2024-03-05T14:00:00Z');
    expect(normalizeDate('2024/03/05')).toBe('2024-03-05');
  });

  it('refuses what is not a real date', () => {
    for (const s of ['', 'soon', '2024-02-30', '2024/13/01', '05/03/2024', '2024/03/05 25:00']) {
      expect(normalizeDate(s), s).toBeNull();
    }
  });
});

describe('declared types', () => {
  it('read text and JSON values alike', () => {
    expect([' 12 ', 12, 'n/a', true, null, ''].map(cellReaders.number)).toEqual([
      12,
      12,
      null,
      null,
      null,
      null,
    ]);
    expect(['a', 12, true, '', null].map(cellReaders.string)).toEqual(['a', '12', 'true', null, null]);
    expect(['yes', 'N', 1, 0, 2, false, 'maybe'].map(cellReaders.boolean)).toEqual([
      true,
      false,
      true,
      false,
      null,
      false,
      null,
    ]);
    expect(['2024/03/05 01:02:03', 20240305, 'x'].map(cellReaders.date)).toEqual([
      '2024-03-05T01:02:03Z',
      null,
      null,
    ]);
  });
});

describe('JSON cells and rows', () => {
  it('nested values become JSON text', () => {
    expect(jsonCell({ a: [1, { b: 'x' }] })).toBe('{"a":[1,{"b":"x"}]}');
    expect(jsonCell([1, 2])).toBe('[1,2]');
    expect(jsonCell('s')).toBe('s');
    expect(jsonCell(undefined)).toBeNull();
  });

  it('rows apply declared types and read missing columns as undefined, never inherited', () => {
    const row = jsonRow(
      { 'Cost Total $': '12.5', when: '2024/01/02', tags: ['a'] },
      { 'Cost Total $': 'number', when: 'date' },
    )!;
    expect(row).toEqual({ 'Cost Total $': 12.5, when: '2024-01-02', tags: '["a"]' });
    expect(row.constructor).toBeUndefined();
    expect(row.toString).toBeUndefined();
    expect(jsonRow([1], undefined)).toBeUndefined();
    expect(jsonRow(null, undefined)).toBeUndefined();
    const proto = jsonRow(JSON.parse('{"__proto__": 5}'), undefined)!;
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value).toBe(5);
  });
});

describe('one date rule for every source', () => {
  it('slash dates become ISO in CSV cells, JSON strings and inline values alike', () => {
    for (const read of [inferText, inferCell, jsonCell]) {
      expect(read('2024/03/05')).toBe('2024-03-05');
      expect(read('2024/3/5 14:00')).toBe('2024-03-05T14:00:00Z');
      expect(read('2024-03-05 14:00')).toBe('2024-03-05 14:00');
      expect(read('Jan 1 2000')).toBe('Jan 1 2000');
      expect(read('2024/02/30')).toBe('2024/02/30');
    }
    expect(jsonCell('12')).toBe('12');
  });

  it('declared date columns read their format and count what does not read', () => {
    const invalid = new InvalidCells();
    const read = declaredReader('d', { type: 'date', format: '%b %d %Y' }, invalid);
    expect(['Jan 1 2000', 'Feb 30 2000', '', '  ', null, 20000101, 'Jun 12 1998'].map(read)).toEqual([
      '2000-01-01',
      null,
      null,
      null,
      null,
      null,
      '1998-06-12',
    ]);
    expect(invalid.missed.map((c) => [c.column, c.format, c.misses.count, c.misses.first])).toEqual([
      ['d', '%b %d %Y', 2, 'Feb 30 2000'],
    ]);
    invalid.reset();
    expect(invalid.missed).toEqual([]);
  });

  it('JSON rows keep the text of declared string columns as written', () => {
    const toRow = jsonRowReader({ code: 'string', at: { type: 'date', format: '%d.%m.%Y' } });
    expect(toRow({ code: '2024/03/05', at: '5.3.2024', other: '2024/03/05' })).toEqual({
      code: '2024/03/05',
      at: '2024-03-05',
      other: '2024-03-05',
    });
  });
});
