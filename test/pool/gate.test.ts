import { describe, expect, it } from 'vitest';
import { Gate, GateError } from '../../src/pool/gate.js';

describe('Gate', () => {
  it('lets `max` tasks run and queues the rest in order, up to `maxQueue`', async () => {
    const gate = new Gate(2, 2, 0.8, () => 0.1);
    await gate.enter();
    await gate.enter();
    const order: number[] = [];
    const third = gate.enter().then(() => order.push(3));
    const fourth = gate.enter().then(() => order.push(4));
    await expect(gate.enter()).rejects.toThrow(/render queue is full \(2 waiting\)/);
    expect(gate).toMatchObject({ running: 2, queued: 2 });
    gate.leave();
    gate.leave();
    await Promise.all([third, fourth]);
    expect(order).toEqual([3, 4]);
  });

  it('steps concurrency down under memory pressure and back up when it falls', async () => {
    let share = 0.9;
    const gate = new Gate(4, 100, 0.8, () => share);
    await gate.enter(); // looks once: 4 -> 3
    for (let i = 0; i < 3; i++) {
      gate.leave();
      await gate.enter();
    }
    expect(gate.limit).toBe(1);
    // At the floor, one task still runs: a report that fits sequentially completes.
    gate.leave();
    await gate.enter();
    expect(gate.limit).toBe(1);
    share = 0.75; // between 0.9 x 0.8 and 0.8: hold
    gate.leave();
    await gate.enter();
    expect(gate.limit).toBe(1);
    share = 0.3;
    for (let i = 0; i < 3; i++) {
      gate.leave();
      await gate.enter();
    }
    expect(gate.limit).toBe(4);
  });

  it('lets a task in at once or not at all, behind none that waits', async () => {
    const gate = new Gate(2, 10, 0.8, () => 0.1);
    expect(gate.tryEnter()).toBe(true);
    await gate.enter();
    expect(gate.tryEnter()).toBe(false);
    const waiting = gate.enter();
    gate.leave();
    // One slot is free, but a task waits for it first.
    expect(gate.tryEnter()).toBe(false);
    await waiting;
    expect(gate).toMatchObject({ running: 2, queued: 0 });
  });

  it('steps its limit when asked to look, for a holder that keeps its slot', () => {
    let share = 0.9;
    const gate = new Gate(3, 10, 0.8, () => share);
    gate.check();
    gate.check();
    expect(gate.limit).toBe(1);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(false);
    share = 0.1;
    gate.check();
    expect(gate.limit).toBe(2);
    expect(gate.tryEnter()).toBe(true);
  });

  it('cancels the tasks still waiting', async () => {
    const gate = new Gate(1, 10, 0.8, () => 0);
    await gate.enter();
    const waiting = gate.enter();
    gate.cancelWaiting('closing');
    await expect(waiting).rejects.toBeInstanceOf(GateError);
    expect(gate.queued).toBe(0);
  });
});
