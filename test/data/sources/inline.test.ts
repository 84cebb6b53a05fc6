import { describe, expect, it } from 'vitest';
import { inlineSource } from '../../../src/data/sources/inline.js';
import type { Row } from '../../../src/frame.js';

async function collect(source: AsyncIterable<Row>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of source) rows.push(row);
  return rows;
}

describe('inlineSource', () => {
  it('gives every row every column, in first-seen order, missing cells as null', async () => {
    const rows = await collect(
      inlineSource([
        { a: 1, b: 'x' },
        { b: 'y', c: true },
        { a: null, c: false },
      ]),
    );
    expect(rows).toEqual([
      { a: 1, b: 'x', c: null },
      { a: null, b: 'y', c: true },
      { a: null, b: null, c: false },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['a', 'b', 'c']);
  });

  it('can be read more than once and gives nothing for no rows', async () => {
    const source = inlineSource([{ a: 1 }]);
    expect(await collect(source)).toEqual([{ a: 1 }]);
    expect(await collect(source)).toEqual([{ a: 1 }]);
    expect(await collect(inlineSource([]))).toEqual([]);
  });
});
