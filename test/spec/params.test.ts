import { describe, expect, it } from 'vitest';
import type { ChartpressError } from '../../src/errors.js';
import { resolveParams } from '../../src/spec/params.js';
import { validateReport } from '../../src/spec/parse.js';

const report = validateReport({
  title: 'T',
  params: {
    region: { type: 'string', values: ['EU', 'US'] },
    n: { type: 'number', default: 3 },
    detail: { type: 'boolean', default: false },
    from: { type: 'date', default: '2024-01-01' },
  },
  body: [{ text: 'x' }],
});

describe('resolveParams', () => {
  it('applies defaults and coerces command-line strings', () => {
    expect(resolveParams(report, {})).toEqual({ region: null, n: 3, detail: false, from: '2024-01-01' });
    expect(resolveParams(report, { region: 'EU', n: '7.5', detail: 'yes', from: '2025-02-03' })).toEqual({
      region: 'EU',
      n: 7.5,
      detail: true,
      from: '2025-02-03',
    });
  });

  it('reports unknown names and wrong types together', () => {
    try {
      resolveParams(
        report,
        { nope: '1', n: 'abc', detail: 'maybe', region: 'MARS', from: 'yesterday' },
        'r.yaml',
      );
      expect.unreachable();
    } catch (e) {
      const problems = (e as ChartpressError).problems;
      expect(problems.map((p) => [p.code, p.path])).toEqual([
        ['CP_ERR_UNKNOWN_PARAM', 'params.nope'],
        ['CP_ERR_PARAM_TYPE', 'params.region'],
        ['CP_ERR_PARAM_TYPE', 'params.n'],
        ['CP_ERR_PARAM_TYPE', 'params.detail'],
        ['CP_ERR_PARAM_TYPE', 'params.from'],
      ]);
      expect(problems[2]?.message).toBe('expected a number, got "abc"');
    }
  });
});
