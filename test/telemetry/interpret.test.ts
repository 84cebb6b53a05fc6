import { describe, expect, it } from 'vitest';
import { interpret, type TelemetrySink } from '../../src/telemetry/interpret.js';

/** A sink that writes down every reading it is told, as `[method, ...args]`. */
function recorder(): { sink: TelemetrySink; told: unknown[][] } {
  const told: unknown[][] = [];
  const sink = new Proxy({} as TelemetrySink, {
    get:
      (_, name) =>
      (...args: unknown[]) =>
        told.push([name, ...args]),
  });
  return { sink, told };
}

describe('interpret', () => {
  it('reads a cache hit as one hit lookup, a hit on its tier and a miss on each tier before it', () => {
    const { sink, told } = recorder();
    interpret(sink).listeners.cacheEvent?.({
      type: 'hit',
      tier: 'redis',
      key: 'k',
      bytes: 9,
      missed: ['memory'],
    });
    expect(told).toEqual([
      ['lookupResult', 'hit'],
      ['tierResult', 'redis', 'hit'],
      ['tierResult', 'memory', 'miss'],
    ]);
  });

  it('counts an error once when it passes up from a document step to its report, again after forget()', () => {
    const { sink, told } = recorder();
    const events = interpret(sink);
    const error = new Error('typst');
    const step = { format: 'pdf', step: 'compile', ms: 5, code: 'CP_ERR_DOCUMENT_COMPILE', error } as const;
    const report = {
      reportId: 'r',
      phase: 'report',
      format: 'pdf',
      ms: 9,
      code: 'CP_ERR_DOCUMENT_COMPILE',
      error,
    } as const;
    events.listeners.document?.done?.(step);
    events.listeners.report?.done?.(report);
    expect(told.filter(([m]) => m === 'error')).toEqual([['error', 'CP_ERR_DOCUMENT_COMPILE']]);
    expect(told).toContainEqual(['report', { format: 'pdf', failed: true, ms: 9 }]);
    events.forget();
    events.listeners.report?.done?.(report);
    expect(told.filter(([m]) => m === 'error')).toHaveLength(2);
  });

  it('times a chart only when it rendered with time of its own', () => {
    const { sink, told } = recorder();
    const { listeners } = interpret(sink);
    listeners.chart?.done?.({ id: 'a', chartType: 'bar', ms: 12 });
    listeners.chart?.done?.({ id: 'b', chartType: 'bar', status: 'rendered', ms: 0 });
    listeners.chart?.done?.({ id: 'c', chartType: 'line', ms: 3, code: 'CP_ERR_CHART_RENDER' });
    expect(told).toEqual([
      ['chart', { id: 'a', chartType: 'bar', status: 'rendered', ms: 12, reportId: undefined }],
      ['rendered', 'bar', 12],
      ['chart', { id: 'b', chartType: 'bar', status: 'rendered', ms: 0, reportId: undefined }],
      ['chart', { id: 'c', chartType: 'line', status: 'failed', ms: 3, reportId: undefined }],
      ['error', 'CP_ERR_CHART_RENDER'],
    ]);
  });
});
