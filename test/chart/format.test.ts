import { describe, expect, it } from 'vitest';
import { formatNumber, parseNumberFormat } from '../../src/chart/format.js';
import { ChartpressError } from '../../src/errors.js';

describe('formatNumber', () => {
  it('fixed point with grouping', () => {
    expect(formatNumber(12345, ',.0f')).toBe('12,345');
    expect(formatNumber(12345.678, ',.2f')).toBe('12,345.68');
    expect(formatNumber(1234567.5, ',.1f')).toBe('1,234,567.5');
    expect(formatNumber(999.999, '.2f')).toBe('1000.00');
    expect(formatNumber(12345, '.0f')).toBe('12345');
  });

  it('currency', () => {
    expect(formatNumber(12345.678, '$,.2f')).toBe('$12,345.68');
    expect(formatNumber(-1234.4, '$,.0f')).toBe('-$1,234');
    expect(formatNumber(5, '$')).toBe('$5');
  });

  it('percent of a ratio', () => {
    expect(formatNumber(0.42, '.1%')).toBe('42.0%');
    expect(formatNumber(0.123, '.0%')).toBe('12%');
    expect(formatNumber(1.5, ',.0%')).toBe('150%');
  });

  it('SI-style with significant digits and k/M/B/T', () => {
    expect(formatNumber(12345, '.2s')).toBe('12k');
    expect(formatNumber(1234567, '.2s')).toBe('1.2M');
    expect(formatNumber(2_500_000_000, '.2s')).toBe('2.5B');
    expect(formatNumber(999_999, '.2s')).toBe('1M');
    expect(formatNumber(1500, '.3s')).toBe('1.5k');
    expect(formatNumber(42, '.2s')).toBe('42');
    expect(formatNumber(-12345, '$.3s')).toBe('-$12.3k');
    expect(formatNumber(0, '.2s')).toBe('0');
  });

  it('defaults to grouping and at most two decimals', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(12.5)).toBe('12.5');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(-0.001)).toBe('0');
  });

  it('renders nothing for missing values and symbols for infinities', () => {
    expect(formatNumber(null)).toBe('');
    expect(formatNumber(undefined, ',.0f')).toBe('');
    expect(formatNumber(Number.NaN)).toBe('');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
  });

  it('rejects a malformed format with CP_ERR_INVALID_VALUE', () => {
    expect(() => formatNumber(1, '%%')).toThrow(ChartpressError);
    expect(() => parseNumberFormat('.2x')).toThrow(/CP_ERR_INVALID_VALUE/);
    expect(parseNumberFormat('$,.2f')).toEqual({ currency: true, group: true, precision: 2, type: 'f' });
  });
});
