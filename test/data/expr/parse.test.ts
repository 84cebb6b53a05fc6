import { describe, expect, it } from 'vitest';
import { checkExpression } from '../../../src/data/expr/check.js';
import { ExpressionError } from '../../../src/data/expr/lex.js';
import { type ExprNode, fieldsOf, parseExpression } from '../../../src/data/expr/parse.js';

/** An expression tree written back with every operation in parentheses. */
function show(node: ExprNode): string {
  switch (node.kind) {
    case 'literal':
      return JSON.stringify(node.value);
    case 'field':
      return node.name;
    case 'unary':
      return `(${node.op} ${show(node.arg)})`;
    case 'binary':
      return `(${show(node.left)} ${node.op} ${show(node.right)})`;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
  }
}

const parsed = (text: string) => show(parseExpression(text));

/** The mistake `text` makes: its message and its column (1-based). */
function mistake(text: string, check = false): { message: string; column: number } {
  try {
    const node = parseExpression(text);
    if (check) checkExpression(node, () => 'any');
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { message: e.message, column: e.at + 1 };
  }
  throw new Error(`no mistake in ${text}`);
}

describe('parseExpression', () => {
  it.each([
    ['revenue - cost', '(revenue - cost)'],
    ['a - b - c', '((a - b) - c)'],
    ['a + b * c', '(a + (b * c))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['a * b % c / d', '(((a * b) % c) / d)'],
    ['-a * b', '((- a) * b)'],
    ['a * -b', '(a * (- b))'],
    ['- - a', '(- (- a))'],
    ['a + b > c * 2', '((a + b) > (c * 2))'],
    ['not a = b and c or d', '(((not (a = b)) and c) or d)'],
    ['a or b and c', '(a or (b and c))'],
    ['NOT a AND b', '((not a) and b)'],
    ['a == b', '(a = b)'],
    ['a <> b', '(a != b)'],
    ['a != b', '(a != b)'],
    ['a <= b', '(a <= b)'],
    ['a >= b', '(a >= b)'],
    ['delay > 15', '(delay > 15)'],
    ['1.5 + .5 + 1e3 + 2E-2', '(((1.5 + 0.5) + 1000) + 0.02)'],
    ['\'it\'\'s\' = "say \\"hi\\""', '("it\'s" = "say \\"hi\\"")'],
    ["'a\\nb\\t\\\\'", '"a\\nb\\t\\\\"'],
    ['`Cost Total $` * 2', '(Cost Total $ * 2)'],
    ['`a``b`', 'a`b'],
    ['`and` + `null`', '(and + null)'],
    ['true and False or NULL', '((true and false) or null)'],
    ['if(late, "yes", \'no\')', 'if(late, "yes", "no")'],
    ['ROUND(x, -2)', 'round(x, (- 2))'],
    ['coalesce(a, b, c, 0)', 'coalesce(a, b, c, 0)'],
    ['concat()', 'concat()'],
    ['prix_été + ünïcode', '(prix_été + ünïcode)'],
    ['  a  \n + \t b ', '(a + b)'],
  ])('%s', (text, tree) => {
    expect(parsed(text)).toBe(tree);
  });

  it.each([
    ['', 'the expression is empty', 1],
    ['revenue -', 'the expression ends too soon', 10],
    ['revenue cost', 'unexpected "cost"', 9],
    ['(a + b', 'the parenthesis opened at column 1 is not closed', 7],
    ['a + b)', 'unexpected ")"', 6],
    ['f(a b)', 'expected ), got "b"', 5],
    ['a < b < c', 'comparisons do not chain: unexpected "<"', 7],
    ['a = b != c', 'comparisons do not chain: unexpected "!="', 7],
    ['a && b', 'unexpected character "&"', 3],
    ['!a', 'unexpected character "!"', 1],
    ["'open", 'the string is not closed', 1],
    ["'\\x'", 'unknown escape "\\x" in a string', 2],
    ['`open', 'the backquoted name is not closed', 1],
    ['``', 'empty name in backquotes', 1],
    ['2x', 'unexpected "x" after the number 2', 1],
    ['1e999', 'number 1e999 is too large', 1],
    ['and b', 'unexpected "and"', 1],
    ['a + , b', 'unexpected ","', 5],
    ['round(a,, 2)', 'unexpected ","', 9],
  ])('refuses %j: %s at column %i', (text, message, column) => {
    expect(mistake(text)).toEqual({ message, column });
  });

  it('gives hints', () => {
    const hint = (text: string) => {
      try {
        parseExpression(text);
      } catch (e) {
        return (e as ExpressionError).hint;
      }
      return undefined;
    };
    expect(hint('a && b')).toContain('"and"');
    expect(hint('a $ b')).toContain('backquotes');
    expect(hint('a < b < c')).toContain('a < b and b < c');
  });

  it('refuses an expression past its length or depth', () => {
    const long = `a${' + a'.repeat(500)}`;
    expect(mistake(long)).toEqual({
      message: `the expression is ${long.length} characters long; at most 2000`,
      column: 2001,
    });
    expect(() => parseExpression(long, { maxLength: 5000 })).not.toThrow();
    // A long flat sum is not deep; nested parentheses and calls are.
    expect(() => parseExpression(`a${' + a'.repeat(300)}`)).not.toThrow();
    const deep = `${'('.repeat(40)}a${')'.repeat(40)}`;
    expect(mistake(deep)).toEqual({ message: 'the expression nests deeper than 32 levels', column: 33 });
    expect(() => parseExpression(deep, { maxDepth: 64 })).not.toThrow();
    expect(() => parseExpression(`${'abs('.repeat(31)}a${')'.repeat(31)}`)).not.toThrow();
    expect(() => parseExpression(`${'abs('.repeat(33)}a${')'.repeat(33)}`)).toThrow(/deeper than 32/);
  });

  it('lists the fields an expression reads, once each, where first named', () => {
    expect(fieldsOf(parseExpression('a + b * if(a > 0, c, `d e`)'))).toEqual([
      { name: 'a', at: 0 },
      { name: 'b', at: 4 },
      { name: 'c', at: 18 },
      { name: 'd e', at: 21 },
    ]);
  });
});

describe('checkExpression', () => {
  it.each([
    ['foo(1)', 'unknown function "foo"', 1],
    ['if(a, b)', 'if() takes 3 arguments, got 2', 1],
    ['abs()', 'abs() takes 1 argument, got 0', 1],
    ['round(a, 1, 2)', 'round() takes 1 to 2 arguments, got 3', 1],
    ['coalesce()', 'coalesce() takes at least 1 argument, got 0', 1],
    ["'a' * 2", '"*" takes numbers, got text', 1],
    ['2 + true', '"+" takes numbers, got a boolean', 5],
    ["-'x'", '"-" takes a number, got text', 2],
    ["1 = 'x'", '"=" compares a number with text, which is always null', 1],
    ["'a' and b", '"and" takes conditions, got text', 1],
    ["not 'a'", '"not" takes conditions, got text', 5],
    ['upper(3)', 'upper() takes text, got a number', 7],
    ['year(1 > 2)', 'year() takes a date (ISO text), got a boolean', 6],
    ["abs('1')", 'abs() takes a number, got text', 5],
    ["if('x', 1, 2)", 'if() takes a condition, got text', 4],
    [
      'round(a, b)',
      'round() takes whole decimals from -15 to 15 as its second argument, written as a number',
      10,
    ],
    [
      'round(a, 1.5)',
      'round() takes whole decimals from -15 to 15 as its second argument, written as a number',
      10,
    ],
    [
      'round(a, 16)',
      'round() takes whole decimals from -15 to 15 as its second argument, written as a number',
      10,
    ],
    ["min(1, 'a')", 'min() compares a number with text', 1],
    ["max(1, 2) = 'x'", '"=" compares a number with text, which is always null', 1],
    ['concat(a, 1) - 1', '"-" takes numbers, got text', 1],
  ])('refuses %j: %s at column %i', (text, message, column) => {
    expect(mistake(text, true)).toEqual({ message, column });
  });

  it.each([
    ['a + null', 'number'],
    ['null = 1', 'boolean'],
    ["if(a, 1, 'x')", 'any'],
    ['if(a, 1, null)', 'number'],
    ["coalesce(a, 'none')", 'any'],
    ["coalesce(null, 'none')", 'text'],
    ['min(a, b)', 'any'],
    ['round(-a, -2)', 'number'],
    ['concat(a, 1, true, null)', 'text'],
    ['weekday(d) between', undefined],
  ])('types %j as %s', (text, type) => {
    if (type === undefined) expect(() => parseExpression(text)).toThrow();
    else expect(checkExpression(parseExpression(text), () => 'any')).toBe(type);
  });

  it('types fields as it is told', () => {
    const types = { n: 'number', t: 'text' } as const;
    const field = (name: string) => types[name as keyof typeof types] ?? 'any';
    expect(checkExpression(parseExpression('n * 2'), field)).toBe('number');
    expect(() => checkExpression(parseExpression('t * 2'), field)).toThrow('"*" takes numbers, got text');
    expect(() => checkExpression(parseExpression('n = t'), field)).toThrow('compares a number with text');
  });
});
