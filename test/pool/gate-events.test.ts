import { describe, expect, it } from 'vitest';
import { Gate, heapShare } from '../../src/pool/gate.js';
import { recordChannels } from '../telemetry/helpers.js';

describe('the memory guard', () => {
  it('tells each step it takes on the pool channel: down to 1, none below, then back up', async () => {
    const { on } = recordChannels();
    let share = 0.9;
    const gate = new Gate(3, 10, 0.8, () => share);
    await gate.enter(); // 3 -> 2
    gate.leave(); // 2 -> 1
    await gate.enter(); // at the floor: no step
    gate.leave();
    share = 0.5;
    await gate.enter(); // 1 -> 2
    gate.leave(); // 2 -> 3
    expect(on('pool')).toEqual([
      { type: 'memoryGuard', action: 'lower', concurrency: 2, heapShare: 0.9, limitShare: 0.8 },
      { type: 'memoryGuard', action: 'lower', concurrency: 1, heapShare: 0.9, limitShare: 0.8 },
      { type: 'memoryGuard', action: 'raise', concurrency: 2, heapShare: 0.5, limitShare: 0.8 },
      { type: 'memoryGuard', action: 'raise', concurrency: 3, heapShare: 0.5, limitShare: 0.8 },
    ]);
    expect(gate).toMatchObject({ limit: 3, running: 0 });
  });

  it('reads the share of the heap limit in use', () => {
    const share = heapShare();
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
  });
});

describe('the gate', () => {
  it('refuses a task past the queue as full, and cancels the waiting ones, each a GateError saying why', async () => {
    const gate = new Gate(1, 1, 0.8, () => 0.1);
    await gate.enter();
    const waiting = gate.enter().catch((e: unknown) => e);
    const full = await gate.enter().catch((e: unknown) => e);
    expect(full).toMatchObject({
      name: 'GateError',
      reason: 'full',
      message: 'the render queue is full (1 waiting)',
    });
    gate.cancelWaiting('the pool is closing');
    expect(await waiting).toMatchObject({
      name: 'GateError',
      reason: 'cancelled',
      message: 'the pool is closing',
    });
    expect(gate).toMatchObject({ running: 1, queued: 0 });
  });

  it('admits waiting tasks in order, never more than its limit, and counts them as running', async () => {
    const gate = new Gate(2, 10, 0.8, () => 0.1);
    const order: string[] = [];
    const enter = (name: string) => gate.enter().then(() => order.push(name));
    await Promise.all([enter('a'), enter('b')]);
    const [c, d, e] = [enter('c'), enter('d'), enter('e')];
    gate.leave();
    await c;
    expect(gate).toMatchObject({ running: 2, queued: 2 });
    gate.leave();
    gate.leave();
    await Promise.all([d, e]);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gate).toMatchObject({ running: 2, queued: 0 });
  });

  it('keeps a newcomer behind the waiting tasks when the guard raises the limit', async () => {
    let share = 0.9;
    const gate = new Gate(2, 10, 0.8, () => share);
    const order: string[] = [];
    const enter = (name: string) => gate.enter().then(() => order.push(name));
    await enter('a'); // the limit falls to 1
    const b = enter('b');
    share = 0.1;
    const c = enter('c'); // the limit is back at 2, but b was first
    await Promise.resolve();
    expect(order).toEqual(['a']);
    gate.leave();
    await Promise.all([b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('holds its limit with the heap exactly at the limit share, or exactly at 0.9 of it', async () => {
    let share = 0.8;
    const gate = new Gate(3, 10, 0.8, () => share);
    await gate.enter();
    expect(gate.limit).toBe(3);
    share = 0.9;
    gate.leave();
    expect(gate.limit).toBe(2);
    share = 0.8 * 0.9;
    await gate.enter();
    expect(gate.limit).toBe(2);
  });
});
