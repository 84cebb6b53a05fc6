import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  leadingZero,
  NOT_NUMBER,
  numberFromBytes,
  plainNumber,
  UNSURE,
} from '../../../src/data/sources/csv-number.js';
import { parseNumber } from '../../../src/frame.js';

// Bytes that could continue a number follow the cell: they must not be read.
const read = (text: string) => {
  const b = Buffer.from(`${text}0e+5`);
  return numberFromBytes(b, 0, b.length - 4);
};

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Decimal text in every form: signs, leading and trailing zeros, no integer or fraction part, exponents. */
const decimal = fc
  .tuple(
    fc.constantFrom('', '', '-', '+'),
    digits(0, 25),
    fc.option(digits(0, 25)),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), digits(1, 4))),
  )
  .map(
    ([sign, int, frac, exp]) =>
      `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`,
  );

/** Doubles written as JavaScript, C (`%e`, `%f`) and spreadsheets write them. */
const written = fc
  .tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }))
  .chain(([d, k]) =>
    fc.constantFrom(
      String(d),
      d.toExponential(k),
      Math.abs(d) < 1e21 ? d.toFixed(k) : String(d),
      d.toPrecision(k + 1),
    ),
  );

/** Almost numbers: whitespace, Unicode spaces, stray characters. */
const near = fc
  .tuple(
    fc.oneof(decimal, written),
    fc.constantFrom('', ' ', '\t', '\u00a0', '\u3000', 'x', '.', 'e', '-', '_', ',', '\ufeff', '١'),
    fc.constantFrom('start', 'end', 'middle'),
  )
  .map(([text, extra, where]) => {
    if (where === 'start') return extra + text;
    if (where === 'end') return text + extra;
    const i = Math.floor(text.length / 2);
    return text.slice(0, i) + extra + text.slice(i);
  });

describe('numberFromBytes', () => {
  it('gives what parseNumber gives, bit for bit, or says the text must be decoded', () => {
    fc.assert(
      fc.property(fc.oneof(decimal, written, near), (text) => {
        const n = read(text);
        const expected = parseNumber(text);
        if (n === UNSURE) {
          // Only text with whitespace or non-ASCII characters is left to the text path.
          expect(text).toMatch(/[\s\u0080-\uffff]/);
        } else if (n === NOT_NUMBER) {
          expect(expected).toBeUndefined();
        } else {
          expect(Object.is(n, expected), `${text}: ${n} vs ${expected}`).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['0', 0],
    ['-0', -0],
    ['-0.0e5', -0],
    ['.5', 0.5],
    ['5.', 5],
    ['+7', 7],
    ['1e3', 1000],
    ['0.1', 0.1],
    ['9007199254740993', 9007199254740992],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['1e-400', 0],
    ['2.2250738585072011e-308', 2.225073858507201e-308],
    ['1.7976931348623157e308', 1.7976931348623157e308],
  ])('reads %s', (text, value) => {
    expect(Object.is(read(text), value)).toBe(true);
  });

  it.each(['', '.', '-', '+.', 'e5', '1e', '1e+', '1.2.3', '0x10', 'Infinity', 'NaN', '1e400', '1_000'])(
    'refuses %j',
    (text) => {
      expect(read(text)).toBe(NOT_NUMBER);
    },
  );

  it('leaves whitespace and Unicode to the text path', () => {
    for (const text of [' 1', '1 ', '1\u00a0', '\t1']) expect(read(text)).toBe(UNSURE);
  });
});

describe('leadingZero', () => {
  it('matches the rule of inferCell for codes such as zip codes', () => {
    fc.assert(
      fc.property(decimal, (text) => {
        if (text === '') return;
        const b = Buffer.from(`${text}0`);
        expect(leadingZero(b, 0, b.length - 1)).toBe(/^[+-]?0\d/.test(text));
      }),
    );
  });
});

describe('plainNumber', () => {
  it('reads plain decimals as parseNumber does and leaves the rest, codes with a leading zero too', () => {
    fc.assert(
      fc.property(fc.oneof(decimal, written, near), (text) => {
        if (text === '') return;
        const b = Buffer.from(`${text}0e+5`);
        const n = plainNumber(b, 0, b.length - 4);
        if (Number.isNaN(n)) return;
        expect(Object.is(n, parseNumber(text)), text).toBe(true);
        expect(text).toMatch(/^-?(?!0\d)\d*\.?\d*$/);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['12', 12],
    ['-3.5', -3.5],
    ['0.1', 0.1],
    ['-0', -0],
    ['5.', 5],
    ['.25', 0.25],
    ['123456789012345', 123456789012345],
  ])('reads %s', (text, value) => {
    expect(Object.is(plainNumber(Buffer.from(text), 0, text.length), value)).toBe(true);
  });

  it.each(['007', '-01', '00.5', '1e3', '+1', '1234567890123456', '1.2.3', '.', '-'])('leaves %j', (text) => {
    expect(plainNumber(Buffer.from(text), 0, text.length)).toBeNaN();
  });
});
