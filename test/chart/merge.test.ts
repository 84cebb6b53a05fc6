import { describe, expect, it } from 'vitest';
import { mergeOption } from '../../src/chart/merge.js';

describe('mergeOption', () => {
  it('merges objects deeply and replaces arrays and scalars', () => {
    const base = { title: { text: 'a', textStyle: { color: 'red', fontSize: 12 } }, color: ['#111', '#222'] };
    const out = mergeOption(base, { title: { textStyle: { color: 'blue' } }, color: ['#333'] });
    expect(out).toEqual({
      title: { text: 'a', textStyle: { color: 'blue', fontSize: 12 } },
      color: ['#333'],
    });
    expect(base.title.textStyle.color).toBe('red');
  });

  it('merges series by index and keeps series the patch does not reach', () => {
    const base = {
      series: [
        { type: 'bar', name: 'a' },
        { type: 'bar', name: 'b' },
      ],
    };
    expect(mergeOption(base, { series: [{}, { name: 'B' }] })).toEqual({
      series: [
        { type: 'bar', name: 'a' },
        { type: 'bar', name: 'B' },
      ],
    });
    expect(mergeOption(base, { series: [{ name: 'A' }, undefined, { type: 'line' }] }).series).toEqual([
      { type: 'bar', name: 'A' },
      { type: 'bar', name: 'b' },
      { type: 'line' },
    ]);
  });

  it('applies a series object to every series', () => {
    const base = { series: [{ type: 'bar' }, { type: 'bar' }] };
    expect(mergeOption(base, { series: { barWidth: 4 } }).series).toEqual([
      { type: 'bar', barWidth: 4 },
      { type: 'bar', barWidth: 4 },
    ]);
  });

  it('ignores prototype keys', () => {
    const out = mergeOption({}, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual([]);
  });
});
