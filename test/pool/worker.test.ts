import { threadId } from 'node:worker_threads';
import { transferableSymbol, valueSymbol } from 'piscina';
import { describe, expect, it } from 'vitest';
import { PING } from '../../src/pool/messages.js';
import render from '../../src/pool/worker.js';
import { barJob, testRenderers } from './helpers.js';

describe('the worker entry', () => {
  it('hands the SVG bytes back to piscina to be moved, not copied', async () => {
    const { chart, frame } = barJob('moved');
    const out = (await render({ seq: 1, chart, frame, renderer: testRenderers.href })) as unknown as Record<
      symbol,
      unknown
    >;
    // What piscina takes for a transferable: the value to post, and the buffers to transfer.
    const reply = out[valueSymbol] as { kind: string; bytes: Uint8Array; threadId: number };
    expect(reply).toMatchObject({ kind: 'drawn', threadId });
    expect(Buffer.from(reply.bytes).toString('utf8')).toContain('moved');
    expect(out[transferableSymbol]).toEqual([reply.bytes.buffer]);
    // The bytes own their buffer whole, so that moving it hands over nothing else.
    expect(reply.bytes.byteLength).toBe(reply.bytes.buffer.byteLength);
  });

  it('answers a failure with the problems as data', async () => {
    const { chart, frame } = barJob('throw');
    const reply = await render({ seq: 2, chart, frame, renderer: testRenderers.href });
    expect(reply).toMatchObject({ kind: 'failed', message: 'the test renderer throws', threadId });
    expect(transferableSymbol in reply).toBe(false);
  });

  it('answers a ping with a reply like a render', async () => {
    const reply = await render(PING);
    expect(reply).toEqual({ kind: 'ready', threadId, heapUsed: expect.any(Number) });
    expect(reply.heapUsed).toBeGreaterThan(0);
  });
});
