import { describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import { checkDepth, findDeepJson } from '../../src/spec/depth.js';
import { MAX_DEPTH } from '../../src/spec/limits.js';
import { parseReportText } from '../../src/spec/parse.js';

function problemOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems[0];
    throw e;
  }
  return undefined;
}

/** A value nested `levels` deep (the outer array is level 1). */
const nested = (levels: number): unknown => {
  let v: unknown = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
};

describe('checkDepth', () => {
  it('accepts exactly the limit and refuses one more level, at its path', () => {
    expect(problemOf(() => checkDepth(nested(MAX_DEPTH)))).toBeUndefined();
    const p = problemOf(() => checkDepth({ a: nested(MAX_DEPTH) }, 'r.yaml'));
    expect(p?.code).toBe('CP_ERR_TOO_DEEP');
    expect(p?.path).toBe(`a${'[0]'.repeat(MAX_DEPTH - 1)}`);
    expect(p?.file).toBe('r.yaml');
  });

  it('reports a cycle at the reference that closes it, naming what it refers to', () => {
    const root: Record<string, unknown> = { list: [] };
    (root.list as unknown[]).push({ up: root });
    const p = problemOf(() => checkDepth(root));
    expect(p?.path).toBe('list[0].up');
    expect(p?.message).toBe('refers to itself: this value is the root, which contains it');
  });

  it('walks a shared subtree once, but counts its values at each use: 2^60 of them are refused at once', () => {
    const shared = (levels: number) => {
      let v: unknown = { leaf: 1 };
      for (let i = 0; i < levels; i++) v = { a: v, b: v };
      return v;
    };
    expect(problemOf(() => checkDepth(shared(10)))).toBeUndefined();
    // The cache key and the schema would walk every path of it: refused, not expanded.
    const p = problemOf(() => checkDepth({ options: shared(60) }));
    expect(p?.code).toBe('CP_ERR_TOO_DEEP');
    expect(p?.message).toMatch(/more than 5000000 values/);
    expect(problemOf(() => checkDepth(shared(20), undefined, MAX_DEPTH, 1000))?.message).toMatch(
      /1000 values/,
    );
    // The same shared value placed deeper passes the depth limit: found, with its path.
    expect(problemOf(() => checkDepth({ x: { y: { z: { w: { q: shared(60) } } } } }))?.code).toBe(
      'CP_ERR_TOO_DEEP',
    );
  });

  it('a getter that throws is an invalid value at its path, not a crash', () => {
    const bad = {
      a: {
        get b() {
          throw new Error('no access');
        },
      },
    };
    const p = problemOf(() => checkDepth(bad));
    expect(p?.code).toBe('CP_ERR_INVALID_VALUE');
    expect(p?.path).toBe('a');
    expect(p?.message).toBe('cannot be read: no access');
  });
});

describe('findDeepJson', () => {
  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `"[[[[${'['.repeat(500)}\\"{{{`, t: [[1]] });
    expect(findDeepJson(text)).toBeUndefined();
  });

  it('names keys and indices on the way down', () => {
    const text = `{"a": 1, "b\\"c": [0, 1, ${'['.repeat(70)}${']'.repeat(70)}]}`;
    const path = findDeepJson(text);
    expect(path?.slice(0, 3)).toEqual(['b"c', 2, 0]);
    expect(path).toHaveLength(MAX_DEPTH);
  });
});

describe('YAML nesting', () => {
  const deepPathOf = (text: string) => problemOf(() => parseReportText(text, 'r.yaml'))?.path;

  it('names block keys, quoted keys and sequence items, stopping where the limit is passed', () => {
    const text = `a: 1\n'b c':\n  - x\n  - ${'['.repeat(70)}${']'.repeat(70)}\n`;
    expect(deepPathOf(text)).toBe(`b c[1]${'[0]'.repeat(MAX_DEPTH - 2)}`);
  });

  it('stays quiet for ordinary reports', () => {
    expect(deepPathOf('title: T\nbody:\n  - row: [{ chart: a }, { text: "[[[" }]\n')).toBeUndefined();
  });

  it('counts levels added by aliases, after the text is read', () => {
    const a = `${'['.repeat(40)}1${']'.repeat(40)}`;
    const text = `a: &a ${a}\nb: ${'['.repeat(40)}*a${']'.repeat(40)}\n`;
    expect(deepPathOf(text)).toMatch(/^b\[0\]/);
  });

  it('still reports syntax errors and extra documents with line and column', () => {
    const p = problemOf(() => parseReportText('title: x\n---\ntitle: y\n', 'r.yaml'));
    expect(p?.code).toBe('CP_ERR_PARSE');
    expect(p?.message).toBe('invalid YAML: line 2, column 1: the file holds more than one YAML document');
  });
});
