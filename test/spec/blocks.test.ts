import { describe, expect, it } from 'vitest';
import { visitBlocks } from '../../src/spec/blocks.js';
import type { Block } from '../../src/spec/schema.js';

const body: Block[] = [
  { heading: 'H' },
  {
    when: 'a',
    then: [{ chart: 'c1' }, { when: 'b', then: [{ chart: 'c2' }], else: [{ chart: 'c3' }] }],
    else: [{ row: [{ chart: 'c4' }, { text: 't' }] }],
  },
  { pagebreak: true },
];

/** Every block met, as `path reached`, and what the walk returned. */
function walk(holds: 'then' | 'else' | undefined) {
  const met: string[] = [];
  const note = (name: string, at: { path: string; reached: boolean }) => {
    met.push(`${at.path} ${at.reached}`);
    return at.reached ? name : undefined;
  };
  const out = visitBlocks<string>(body, 'body', {
    heading: (b, at) => note(b.heading, at),
    text: (b, at) => note(b.text, at),
    chart: (b, at) => note(String(b.chart), at),
    pagebreak: (_, at) => note('pagebreak', at),
    row: (_, at, items) => note(`row(${items.join(',')})`, at),
    when: (_, at) => {
      met.push(`${at.path} when`);
      return holds;
    },
  });
  return { met, out };
}

describe('visitBlocks', () => {
  it('walks the branch that holds first, then the other as not reached, with their paths', () => {
    const { met, out } = walk('else');
    expect(met).toEqual([
      'body[0] true',
      'body[1] when',
      'body[1].else[0].row[0] true',
      'body[1].else[0].row[1] true',
      'body[1].else[0] true',
      'body[1].then[0] false',
      // A `when` under a branch not taken is not asked: both its branches are not reached.
      'body[1].then[1].then[0] false',
      'body[1].then[1].else[0] false',
      'body[2] true',
    ]);
    expect(out).toEqual(['H', 'row(c4,t)', 'pagebreak']);
  });

  it('walks both branches as reached, `then` first, when the visitor chooses none', () => {
    const { met, out } = walk(undefined);
    expect(met.filter((m) => m.endsWith('false'))).toEqual([]);
    expect(out).toEqual(['H', 'c1', 'c2', 'c3', 'row(c4,t)', 'pagebreak']);
  });
});
