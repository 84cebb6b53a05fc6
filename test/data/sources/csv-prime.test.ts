import { describe, expect, it } from 'vitest';
import { primeReader, ROWS } from '../../../src/data/sources/csv-prime.js';

describe('primeReader', () => {
  it('reads its made-up file whole and as a part, in chunks that cut records anywhere', () => {
    expect(primeReader()).toEqual([ROWS, ROWS]);
  });
});
