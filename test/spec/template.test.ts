import { describe, expect, it } from 'vitest';
import { reportJsonSchema } from '../../src/spec/json-schema.js';
import { parseTemplate, positionOf, type TemplateError, templateRefs } from '../../src/spec/template.js';

const errorOf = (text: string): TemplateError => {
  const parts = parseTemplate(text);
  if (Array.isArray(parts)) throw new Error(`"${text}" parsed`);
  return parts;
};

describe('parseTemplate', () => {
  it('cuts a text into literal parts and references', () => {
    expect(
      parseTemplate('Revenue was {{ revenue.total | currency }}, up {{growth.pct|percent(1)}}.'),
    ).toEqual([
      'Revenue was ',
      {
        source: 'revenue.total | currency',
        name: 'revenue',
        row: { kind: 'index', index: 0 },
        field: 'total',
        filter: { kind: 'currency' },
      },
      ', up ',
      {
        source: 'growth.pct|percent(1)',
        name: 'growth',
        row: { kind: 'index', index: 0 },
        field: 'pct',
        filter: { kind: 'percent', digits: 1 },
      },
      '.',
    ]);
  });

  it('reads row indexes, row matches and every filter', () => {
    const [a, b, c, d, e, f] = templateRefs(
      "{{ by_region[2].total }} {{ by_region[region=EMEA].total | number(2) }} {{ r[ name = 'North, East' ].n | ',.0f' }} {{ m.month | date('%b %Y') }} {{ m.month | \"%Y\" }} {{ x.y | percent }}",
    );
    expect(a?.row).toEqual({ kind: 'index', index: 2 });
    expect(b).toMatchObject({
      row: { kind: 'match', field: 'region', value: 'EMEA' },
      filter: { kind: 'number', digits: 2 },
    });
    expect(c).toMatchObject({
      row: { kind: 'match', field: 'name', value: 'North, East' },
      filter: { kind: 'format', format: ',.0f' },
    });
    expect(d?.filter).toEqual({ kind: 'date', format: '%b %Y' });
    expect(e?.filter).toEqual({ kind: 'format', format: '%Y' });
    expect(f?.filter).toEqual({ kind: 'percent', digits: 0 });
  });

  it('writes \\{{ as {{, and leaves text without references whole', () => {
    expect(parseTemplate('literal \\{{ braces }}')).toEqual(['literal {{ braces }}']);
    expect(parseTemplate('no values')).toEqual(['no values']);
  });

  it('names the offset of what is malformed', () => {
    const cases: [string, RegExp, number][] = [
      ['Total {{ revenue }}', /expected "\." and a field/, 16],
      ['Total {{ revenue.total', /not closed/, 6],
      ['{{ 9lives.x }}', /expected a chart or value name, got "9"/, 3],
      ['{{ a.b | bogus }}', /unknown filter "bogus"/, 9],
      ['{{ a.b | percent(x) }}', /number of decimals/, 17],
      ["{{ a.b | date('%Q%') }}", /unknown directive/, 9],
      ["{{ a.b | 'zz' }}", /neither a d3-format/, 9],
      ['{{ a[x].b }}', /expected "="/, 6],
      ['{{ a.b c }}', /unexpected "c"/, 7],
    ];
    for (const [text, says, offset] of cases) {
      const e = errorOf(text);
      expect(e.message, text).toMatch(says);
      expect(e.offset, text).toBe(offset);
    }
  });

  it('gives the position as a column, or a line and a column', () => {
    expect(positionOf('abc {{', 4)).toBe('column 5');
    expect(positionOf('one\ntwo {{', 8)).toBe('line 2, column 5');
  });
});

describe('the JSON Schema', () => {
  it('has `values`: named queries', () => {
    const values = (reportJsonSchema().properties as Record<string, Record<string, unknown>>).values;
    expect(values?.additionalProperties).toEqual({ $ref: '#/$defs/Query' });
    expect(values?.propertyNames).toEqual({ type: 'string', pattern: '^[A-Za-z_][\\w-]*$' });
  });
});
