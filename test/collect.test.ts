import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { collectGarbage, collectYoung } from '../src/collect.js';

describe('collectGarbage', () => {
  it('runs a full collection without node --expose-gc, and leaves no gc behind', async () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    // Garbage a collection frees: a weak reference to an object nothing else holds.
    let ref: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef({ big: new Array(1000).fill(1) });
    })();
    // A weak target lives to the end of the current job at least.
    await new Promise((r) => setTimeout(r, 0));
    expect(collectGarbage()).toBe(true);
    expect(ref?.deref()).toBeUndefined();
    expect(collectGarbage()).toBe(true);
    // Contexts and threads made afterwards do not get a gc.
    expect(runInNewContext('typeof gc')).toBe('undefined');
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(typeof gc)', {
      eval: true,
    });
    const seen = await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(seen).toBe('undefined');
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
  });
});

describe('collectYoung', () => {
  it('collects the young generation without node --expose-gc, and leaves no gc behind', () => {
    expect(collectYoung()).toBe(true);
    expect(collectYoung()).toBe(true);
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
