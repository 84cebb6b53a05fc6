import { describe, expect, it } from 'vitest';
import type { WorkerReply } from '../../src/pool/messages.js';
import { type Candidate, Roster } from '../../src/pool/roster.js';

const idle = (id: number, o: Partial<Candidate> = {}): Candidate => ({
  id,
  currentUsage: 0,
  terminating: false,
  destroyed: false,
  ...o,
});
const drawn = (threadId: number, heapUsed = 1): WorkerReply => ({
  kind: 'drawn',
  bytes: new Uint8Array(),
  threadId,
  heapUsed,
});

describe('Roster', () => {
  it('chooses the first idle worker, and only chooses', () => {
    const roster = new Roster(500, 100);
    const workers = [
      idle(1, { currentUsage: 1 }),
      idle(2, { terminating: true }),
      idle(3, { destroyed: true }),
      idle(4),
      idle(5),
    ];
    expect(roster.choose(workers)?.id).toBe(4);
    expect(roster.choose(workers)?.id).toBe(4);
    expect(roster.get(4)).toBeUndefined();
    expect(roster.choose([idle(1, { currentUsage: 1 })])).toBeNull();
  });

  it('feeds the busy worker holding the fewest tasks, below the most it may hold', () => {
    const roster = new Roster(500, 100);
    const held = new Map([
      [1, 2],
      [2, 1],
      [3, 1],
    ]);
    const load = (id: number) => held.get(id) ?? 0;
    const workers = [idle(1), idle(2, { terminating: true }), idle(3), idle(4)];
    // 4 holds nothing (it is idle, not busy); 2 is going; 1 holds two already.
    expect(roster.feed(workers, load, 2)?.id).toBe(3);
    expect(roster.feed(workers, load, 3)?.id).toBe(3);
    held.set(3, 2);
    expect(roster.feed(workers, load, 2)).toBeNull();
    roster.dispatched(3, 5);
    expect(roster.get(3)).toEqual({ given: 5, inFlight: 1, retiring: undefined });
  });

  it('counts the renders of a batch toward `recycleAfter`', () => {
    const roster = new Roster(4, 100);
    roster.dispatched(1, 3);
    expect(roster.get(1)?.retiring).toBeUndefined();
    roster.dispatched(1, 3);
    expect(roster.get(1)).toEqual({ given: 6, inFlight: 2, retiring: 'tasks' });
  });

  it('retires a worker after `recycleAfter` tasks, once it has answered them all', () => {
    const roster = new Roster(3, 100);
    roster.dispatched(1);
    expect(roster.answered(drawn(1))).toBeUndefined();
    roster.dispatched(1);
    // A reply can trail the next dispatch: the third task is given before the second is booked.
    roster.dispatched(1);
    expect(roster.get(1)).toEqual({ given: 3, inFlight: 2, retiring: 'tasks' });
    expect(roster.choose([idle(1), idle(2)])?.id).toBe(2);
    expect(roster.answered(drawn(1))).toBeUndefined();
    expect(roster.answered(drawn(1))).toBe('tasks');
  });

  it("retires a worker whose render left its heap above the mark, but not for a ping's", () => {
    const roster = new Roster(500, 100);
    roster.dispatched(1);
    expect(roster.answered({ kind: 'ready', threadId: 1, heapUsed: 101 })).toBeUndefined();
    roster.dispatched(1);
    expect(roster.answered(drawn(1, 100))).toBeUndefined();
    roster.dispatched(1);
    expect(roster.answered(drawn(1, 101))).toBe('memory');
    expect(roster.choose([idle(1)])).toBeNull();
  });

  it('forgets a worker that is gone, and ignores its late replies', () => {
    const roster = new Roster(1, 100);
    roster.dispatched(7);
    roster.forget(7);
    expect(roster.answered(drawn(7))).toBeUndefined();
    expect(roster.get(7)).toBeUndefined();
    expect(roster.choose([idle(7)])?.id).toBe(7);
  });
});
