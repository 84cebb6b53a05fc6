import { describe, expect, it } from 'vitest';
import { frameFromRows } from '../../src/frame.js';
import { RenderPool } from '../../src/pool/pool.js';
import { packFrame } from '../../src/pool/transfer.js';
import { barJob, testRenderers } from './helpers.js';

const rows = [
  { x: 'a', y: 1 },
  { x: 'b', y: 2 },
];

describe('packFrame', () => {
  it('hands over the numeric buffers of an owned frame, without a copy', () => {
    const frame = frameFromRows(rows);
    const y = frame.columns.y as Float64Array;
    const packed = packFrame(frame, true);
    expect(packed.frame.columns.y).toBe(y);
    expect(packed.transfer).toEqual([y.buffer]);
    structuredClone(packed.frame, { transfer: packed.transfer });
    expect(y.length).toBe(0); // detached: it now belongs to the worker
    expect(packed.frame.columns.x).toEqual(['a', 'b']);
  });

  it('copies the numeric columns of a frame the caller keeps', () => {
    const frame = frameFromRows(rows);
    const packed = packFrame(frame, false);
    structuredClone(packed.frame, { transfer: packed.transfer });
    expect([...(frame.columns.y as Float64Array)]).toEqual([1, 2]);
  });

  it('copies a column that is a view into a larger buffer', () => {
    const big = new Float64Array([9, 1, 2, 9]);
    const frame = { fields: ['y'], columns: { y: big.subarray(1, 3) }, length: 2 };
    const packed = packFrame(frame, true);
    expect([...(packed.frame.columns.y as Float64Array)]).toEqual([1, 2]);
    expect(packed.transfer[0]).not.toBe(big.buffer);
  });
});

describe('RenderPool on a worker', () => {
  it('moves the buffers of an owned frame to the worker, and leaves a kept frame whole', async () => {
    const pool = new RenderPool({ threads: 2, inProcessBelowMs: 0, renderers: { bar: testRenderers } });
    const places: string[] = [];
    const onStart = (place: string) => places.push(place);
    const owned = { ...barJob('owned'), owned: true, onStart };
    const kept = { ...barJob('kept'), owned: false, onStart };
    const [ownedY, keptY] = [owned, kept].map((j) => j.frame.columns.y as Float64Array);
    const bytes = await Promise.all([pool.render(owned), pool.render(kept)]);
    expect(bytes.map((b) => Buffer.from(b).toString('utf8'))).toEqual([
      expect.stringContaining('owned'),
      expect.stringContaining('kept'),
    ]);
    expect(places).toEqual(['worker', 'worker']);
    // Transferred, not copied: the sending side's buffer is detached.
    expect(ownedY?.buffer.byteLength).toBe(0);
    expect(ownedY).toHaveLength(0);
    expect([...(keptY ?? [])]).toEqual([1, 2]);
    await pool.close();
  });
});
