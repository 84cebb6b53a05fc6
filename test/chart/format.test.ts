import { format as d3Format } from 'd3-format';
import { utcFormat } from 'd3-time-format';
import { describe, expect, it } from 'vitest';
import { tickStep } from '../../src/chart/axes.js';
import {
  autoDecimals,
  autoFormatter,
  checkCellFormat,
  checkNumberFormat,
  checkTimeFormat,
  formatNumber,
  numberFormatter,
  timeFormatter,
  valueFormat,
} from '../../src/chart/format.js';
import { ChartpressError } from '../../src/errors.js';

const FORMATS = [
  '',
  ',',
  ',.0f',
  ',.2f',
  '.2f',
  '$,.2f',
  '$,.0f',
  '$',
  '.1%',
  '.0%',
  ',.0%',
  '.2s',
  '.3s',
  '$.2s',
  '~s',
  '.3~s',
  '.2e',
  '.3g',
  '.2r',
  'd',
  ',d',
  '+,.1f',
  '(,.2f',
  ' .1f',
  '08.2f',
  '>10,.1f',
  '*^12,.0f',
  '.0p',
  'x',
  '#x',
  'b',
  'o',
  'c',
  '.2~f',
];

const VALUES = [
  0,
  -0,
  1,
  -1,
  7e6,
  7_000_000.5,
  1234567.891,
  -1234.4,
  0.42,
  0.123,
  1.5,
  12345,
  999_999,
  2.5e9,
  1e-7,
  Math.PI,
  2.675,
  -0.001,
  255,
  42,
  1e21,
];

describe('number formats follow d3-format', () => {
  it('give for every format and value what d3 gives', () => {
    for (const f of FORMATS) {
      const d3 = d3Format(f);
      for (const v of VALUES) expect(`${f} ${v} -> ${formatNumber(v, f)}`).toBe(`${f} ${v} -> ${d3(v)}`);
    }
  });

  it('write .2s with two significant digits and SI prefixes, as d3 does', () => {
    expect(formatNumber(7e6, '.2s')).toBe('7.0M');
    expect(formatNumber(999_999, '.2s')).toBe('1.0M');
    expect(formatNumber(12345, '.2s')).toBe('12k');
    expect(formatNumber(2_500_000_000, '.2s')).toBe('2.5G');
    expect(formatNumber(7e6, '~s')).toBe('7M');
    expect(formatNumber(-1234.4, '$,.0f')).toBe('−$1,234');
  });

  it('leave missing values empty and write infinities as ∞', () => {
    expect(formatNumber(null)).toBe('');
    expect(formatNumber(undefined, ',.0f')).toBe('');
    expect(formatNumber(Number.NaN, ',.0f')).toBe('');
    expect(formatNumber(Number.POSITIVE_INFINITY, '.2s')).toBe('∞');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞');
  });

  it('refuse what is not a d3 specifier, an unknown type, and a huge width', () => {
    expect(() => formatNumber(1, '%%')).toThrow(ChartpressError);
    expect(() => numberFormatter('.2q')).toThrow(/CP_ERR_INVALID_VALUE/);
    expect(checkNumberFormat('%Y')).toMatch(/not a d3-format specifier/);
    expect(checkNumberFormat('.2q')).toMatch(/unknown type "q"/);
    expect(checkNumberFormat('1000000000d')).toMatch(/at most 100/);
    expect(checkNumberFormat('$,.2f')).toBeUndefined();
  });
});

describe('date formats follow d3-time-format', () => {
  it('give what d3 utcFormat gives', () => {
    const dates = [new Date(Date.UTC(2000, 0, 1)), new Date(Date.UTC(2024, 2, 5, 14, 30, 5, 120))];
    for (const f of [
      '%Y',
      '%b %Y',
      '%B %-d, %Y',
      '%Y-%m-%dT%H:%M:%S.%LZ',
      '%a %e %b',
      'Q%q %Y',
      '%I:%M %p',
      '%j %U %%',
    ]) {
      for (const d of dates) expect(timeFormatter(f)(d)).toBe(utcFormat(f)(d));
    }
  });

  it('tell number formats from date formats, and refuse what is neither', () => {
    expect(checkTimeFormat('%b %Y')).toBeUndefined();
    expect(checkTimeFormat('%k')).toMatch(/unknown directive/);
    expect(checkTimeFormat('plain')).toMatch(/no directive/);
    expect(checkCellFormat(',.2f')).toBeUndefined();
    expect(checkCellFormat('%d/%m/%Y')).toBeUndefined();
    expect(checkCellFormat('.2q')).toMatch(/neither/);
    expect(() => timeFormatter('%k')).toThrow(/CP_ERR_INVALID_VALUE/);
  });
});

describe('numbers without a format', () => {
  it('share the decimals of the value that needs most, up to 2', () => {
    expect(autoDecimals([42.2, 43.88])).toBe(2);
    expect(autoDecimals([3, 4.5])).toBe(1);
    expect(autoDecimals([1, 2, 3])).toBe(0);
    expect(autoDecimals([1 / 3, 10])).toBe(2);
    expect(autoDecimals([0.1 + 0.2, 1])).toBe(1);
    const f = autoFormatter([42.2, 43.88]);
    expect([f(42.2), f(43.88)]).toEqual(['42.20', '43.88']);
  });

  it('keep the significant digits of small values', () => {
    expect(autoDecimals([0.0012, 0.0034])).toBe(4);
    expect(autoDecimals([1 / 3, 0.5])).toBe(3);
    const f = autoFormatter([0.0012, 0.00345]);
    expect([f(0.0012), f(0.00345)]).toEqual(['0.00120', '0.00345']);
  });

  it('group thousands from five digits, so years read as years', () => {
    expect(autoFormatter([1970, 1982])(1970)).toBe('1970');
    expect(autoFormatter([7_971_931, 12])(7_971_931)).toBe('7,971,931');
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
  });

  it('write chart values from a million up with three significant digits', () => {
    const f = valueFormat(undefined, [1_417_173_173, 333_287_557, 387_758, 12, 0]);
    expect([1_417_173_173, 333_287_557, 387_758, 12, 0].map(f.value)).toEqual([
      '1.42B',
      '333M',
      '388k',
      '12',
      '0',
    ]);
    expect(valueFormat(undefined, [7e6, 12.3e6]).value(7e6)).toBe('7.00M');
    expect(valueFormat('.2s', [2.5e9]).value(2.5e9)).toBe('2.5G');
  });

  it('give axis ticks the decimals of their spacing', () => {
    const f = valueFormat(undefined, [0.2, 1.4]);
    const tick = f.ticks(tickStep(0, 1.4, 4));
    expect([0, 0.5, 1, 1.5].map(tick)).toEqual(['0.0', '0.5', '1.0', '1.5']);
    const big = valueFormat(undefined, [0, 7e6]).ticks(tickStep(0, 7e6, 5));
    expect([0, 2e6, 4e6].map(big)).toEqual(['0', '2M', '4M']);
    const billions = valueFormat(undefined, [1.4e9]).ticks(tickStep(0, 1.4e9, 5));
    expect([0, 3e8, 6e8, 1.2e9].map(billions)).toEqual(['0', '0.3B', '0.6B', '1.2B']);
    // A tick finer than the estimated spacing still shows as it is.
    expect(f.ticks(1)(0.25)).toBe('0.25');
  });

  it('estimate the tick spacing as ECharts does', () => {
    expect(tickStep(0, 100, 5)).toBe(20);
    expect(tickStep(0, 1.4, 4)).toBe(0.3);
    expect(tickStep(0, 7e6, 5)).toBe(1e6);
    expect(tickStep(3, 3, 5)).toBe(0);
  });
});
