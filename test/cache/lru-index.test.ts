import { describe, expect, it } from 'vitest';
import { LruIndex } from '../../src/cache/lru-index.js';

const sized = (size: number, original = size * 2) => ({ size, original });

describe('the LRU index', () => {
  it('keeps byte totals as entries are added, replaced and forgotten', () => {
    const index = new LruIndex(100);
    index.add('a', sized(10));
    index.add('b', sized(20));
    index.add('a', sized(30));
    expect(index.counters()).toEqual({
      entries: 2,
      bytes: 50,
      originalBytes: 100,
      evictions: 0,
      expirations: 0,
    });
    expect(index.forget('b')).toEqual(sized(20));
    expect(index.forget('b')).toBeUndefined();
    expect(index.counters()).toMatchObject({ entries: 1, bytes: 30, originalBytes: 60 });
  });

  it('evicts the least recently added or touched first, only while over its bound', () => {
    const index = new LruIndex(60);
    for (const name of ['a', 'b', 'c']) index.add(name, sized(20));
    expect(index.over).toBe(false);
    expect(index.evict()).toEqual([]);
    index.add('a', sized(20));
    index.add('d', sized(20));
    expect(index.over).toBe(true);
    expect(index.evict()).toEqual(['b']);
    expect(index.has('b')).toBe(false);
    index.add('e', sized(50));
    expect(index.evict()).toEqual(['c', 'a', 'd']);
    expect(index.counters()).toEqual({
      entries: 1,
      bytes: 50,
      originalBytes: 100,
      evictions: 4,
      expirations: 0,
    });
  });

  it('puts entries found elsewhere before those it holds, keeping what it holds', () => {
    const index = new LruIndex(1000);
    index.add('b', sized(1));
    index.add('c', sized(2));
    index.addOldest([
      ['a', sized(10)],
      ['c', sized(99)],
    ]);
    expect(index.counters()).toMatchObject({ entries: 3, bytes: 13 });
    expect(index.get('c')).toEqual(sized(2));
    const bounded = new LruIndex(0);
    bounded.addOldest([
      ['a', sized(1)],
      ['b', sized(1)],
    ]);
    bounded.add('a', sized(1));
    expect(bounded.evict()).toEqual(['b', 'a']);
  });

  it('counts expirations, tells what fits, and zeroes everything on clear', () => {
    const index = new LruIndex(10);
    expect(index.fits(10)).toBe(true);
    expect(index.fits(11)).toBe(false);
    index.add('a', sized(11));
    index.evict();
    index.expired();
    index.expired(2);
    expect(index.counters()).toMatchObject({ evictions: 1, expirations: 3 });
    index.add('b', sized(5));
    index.clear();
    expect(index.counters()).toEqual({
      entries: 0,
      bytes: 0,
      originalBytes: 0,
      evictions: 0,
      expirations: 0,
    });
    expect(index.get('b')).toBeUndefined();
  });
});
