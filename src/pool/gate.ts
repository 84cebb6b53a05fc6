import { getHeapStatistics } from 'node:v8';
import { publishPool } from '../telemetry/trace.js';

/** Share of this process's heap limit in use now. */
export function heapShare(): number {
  const s = getHeapStatistics();
  return s.used_heap_size / s.heap_size_limit;
}

/** Why a task never ran: the queue was full, or it was cancelled while waiting. */
export class GateError extends Error {
  constructor(
    message: string,
    readonly reason: 'full' | 'cancelled',
  ) {
    super(message);
    this.name = 'GateError';
  }
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * Lets at most `max` tasks run at once; the others wait in a FIFO of at most `maxQueue`. A
 * memory guard lowers the limit by one at each look while the heap is above `memoryLimit` of
 * its limit (never below 1), and raises it by one at each look once the heap is back below
 * 0.9 of that: a report that fits sequentially never runs out of memory for going wide.
 */
export class Gate {
  readonly #max: number;
  readonly #maxQueue: number;
  readonly #memoryLimit: number;
  readonly #probe: () => number;
  readonly #waiting: Waiter[] = [];
  #running = 0;
  #limit: number;

  constructor(max: number, maxQueue: number, memoryLimit: number, probe: () => number = heapShare) {
    this.#max = max;
    this.#maxQueue = maxQueue;
    this.#memoryLimit = memoryLimit;
    this.#probe = probe;
    this.#limit = max;
  }

  /** Tasks allowed at once now (the memory guard's current step). */
  get limit(): number {
    return this.#limit;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Resolves when the task may run; rejects when the queue is full. */
  enter(): Promise<void> {
    this.#look();
    if (this.#running < this.#limit && this.#waiting.length === 0) {
      this.#running++;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.#maxQueue)
      return Promise.reject(new GateError(`the render queue is full (${this.#maxQueue} waiting)`, 'full'));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Lets a task run now if one more may and none is waiting; never queues. */
  tryEnter(): boolean {
    this.#look();
    if (this.#running >= this.#limit || this.#waiting.length > 0) return false;
    this.#running++;
    return true;
  }

  /** Looks at the heap now: the limit may take a step (for a holder that runs for long). */
  check(): void {
    this.#look();
  }

  /** A task is done: the next one waiting may run. */
  leave(): void {
    this.#running--;
    this.#look();
    this.#admit();
  }

  /** Fails every task still waiting. */
  cancelWaiting(reason: string): void {
    for (const w of this.#waiting.splice(0)) w.reject(new GateError(reason, 'cancelled'));
  }

  #admit(): void {
    while (this.#running < this.#limit && this.#waiting.length > 0) {
      this.#running++;
      this.#waiting.shift()?.resolve();
    }
  }

  #look(): void {
    const share = this.#probe();
    const before = this.#limit;
    if (share > this.#memoryLimit) this.#limit = Math.max(1, this.#limit - 1);
    else if (share < this.#memoryLimit * 0.9 && this.#limit < this.#max) this.#limit++;
    if (this.#limit === before) return;
    publishPool(() => ({
      type: 'memoryGuard',
      action: this.#limit < before ? 'lower' : 'raise',
      concurrency: this.#limit,
      heapShare: share,
      limitShare: this.#memoryLimit,
    }));
  }
}
