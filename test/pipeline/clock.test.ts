import { describe, expect, it } from 'vitest';
import { PhaseClock } from '../../src/pipeline/clock.js';

describe('PhaseClock', () => {
  it('counts what each phase added: data, charts beyond the data, document after both', () => {
    const clock = new PhaseClock(1000);
    clock.mark('dataRead', 1100);
    clock.mark('chartsReady', 1250);
    clock.mark('chartsReady', 1300); // the last chart counts
    clock.mark('written', 1345.04);
    expect(clock.ms()).toEqual({ total: 345, data: 100, charts: 200, document: 45 });
  });

  it('gives charts no time when they were ready before the data (or never marked)', () => {
    const clock = new PhaseClock(0);
    clock.mark('dataRead', 80);
    clock.mark('written', 100);
    expect(clock.ms()).toEqual({ total: 100, data: 80, charts: 0, document: 20 });
  });

  it('marks a phase when its promise resolves, and passes a rejection on', async () => {
    const clock = new PhaseClock(performance.now() - 50);
    await clock.markWhen('dataRead', Promise.resolve());
    expect(clock.ms().data).toBeGreaterThanOrEqual(50);
    await expect(clock.markWhen('written', Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(clock.ms().total).toBe(0);
  });
});
