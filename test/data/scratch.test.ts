import { describe, expect, it } from 'vitest';
import { Scratch } from '../../src/data/scratch.js';

describe('Scratch', () => {
  it('hands back the same memory by name, n items long, growing when asked for more', () => {
    const scratch = new Scratch();
    const a = scratch.int32('a', 4).fill(7);
    expect(a.length).toBe(4);
    const again = scratch.int32('a', 3);
    expect(again.buffer).toBe(a.buffer);
    expect([...again]).toEqual([7, 7, 7]);
    expect(scratch.int32('b', 3).buffer).not.toBe(a.buffer);
    const larger = scratch.int32('a', 10);
    expect(larger.length).toBe(10);
    expect(larger.buffer).not.toBe(a.buffer);
    expect(scratch.uint8('a', 2)).toBeInstanceOf(Uint8Array);
    expect(scratch.float64('a', 2)).toBeInstanceOf(Float64Array);
  });
});
