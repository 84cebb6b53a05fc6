import { describe, expect, it } from 'vitest';
import { tickStep, valueDomain } from '../../src/chart/scale.js';
import { ChartpressError } from '../../src/errors.js';

const base = { zero: false, pad: 0, splitNumber: 5 };

describe('valueDomain', () => {
  it('includes zero when asked, as ECharts would', () => {
    expect(valueDomain({ ...base, lo: 103, hi: 160, zero: true }, 'y')).toEqual({
      min: 0,
      max: 180,
      interval: 30,
      log: false,
    });
    expect(tickStep(0, 160, 5)).toBe(30);
  });

  it('leaves zero out with zero: false, round at both ends', () => {
    const d = valueDomain({ ...base, lo: 103, hi: 160 }, 'y');
    expect(d.min).toBe(100);
    expect(d.max).toBe(160);
    expect(d.interval).toBe(10);
  });

  it('never pads non-negative data below zero, nor non-positive data above it', () => {
    const d = valueDomain({ ...base, lo: 0, hi: 2500, pad: 0.04 }, 'x');
    expect(d.min).toBe(0);
    expect(d.max).toBeGreaterThanOrEqual(2600);
    const neg = valueDomain({ ...base, lo: -2500, hi: 0, pad: 0.04 }, 'y');
    expect(neg.max).toBe(0);
    expect(neg.min).toBeLessThan(-2500);
  });

  it('still pads data that crosses zero', () => {
    expect(valueDomain({ ...base, lo: -10, hi: 100, pad: 0.04 }, 'y').min).toBeLessThan(-10);
  });

  it('keeps min and max as given', () => {
    const d = valueDomain({ ...base, lo: 103, hi: 160, zero: true, scale: { min: 50, max: 200 } }, 'y');
    expect([d.min, d.max]).toEqual([50, 200]);
  });

  it('scale.zero overrides the default', () => {
    expect(valueDomain({ ...base, lo: 103, hi: 160, zero: true, scale: { zero: false } }, 'y').min).toBe(100);
    expect(valueDomain({ ...base, lo: 103, hi: 160, scale: { zero: true } }, 'y').min).toBe(0);
  });

  it('spans one value around it', () => {
    const d = valueDomain({ ...base, lo: 5, hi: 5 }, 'y');
    expect(d.min).toBeLessThan(5);
    expect(d.max).toBeGreaterThan(5);
    expect(d.min).toBeGreaterThanOrEqual(0);
  });

  it('spans whole powers of ten on a log axis', () => {
    expect(valueDomain({ ...base, lo: 5, hi: 150, scale: { log: true } }, 'y')).toEqual({
      min: 1,
      max: 1000,
      interval: 0,
      log: true,
    });
  });

  it('refuses values at or below zero on a log axis, naming the option', () => {
    let error: unknown;
    try {
      valueDomain({ ...base, lo: 0, hi: 150, scale: { log: true } }, 'y');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChartpressError);
    const p = (error as ChartpressError).problems[0];
    expect(p?.code).toBe('CP_ERR_AXIS_SCALE');
    expect(p?.path).toBe('options.y.log');
  });
});
