import { httpError } from './errors.js';

/**
 * At most `concurrency` renders at once, and at most `queue` waiting for a turn; a request past
 * that is refused at once with 503 and `Retry-After`, not left to time out. A request also has a
 * deadline, counted from its arrival: past it the client gets 504, while the render it started
 * finishes and frees its place (the engine cannot take a render back half-done).
 */
export class RenderGate {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #concurrency: number;
  readonly #queue: number;

  constructor(concurrency: number, queue: number) {
    this.#concurrency = concurrency;
    this.#queue = queue;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `work` in a place of its own, within `deadlineMs` of `start` (performance.now()). */
  async run<T>(work: () => Promise<T>, deadlineMs: number, start = performance.now()): Promise<T> {
    if (this.#active >= this.#concurrency && this.#waiting.length >= this.#queue)
      throw httpError(
        'CP_ERR_OVERLOADED',
        `${this.#active} renders under way and ${this.#waiting.length} waiting`,
        { headers: { 'retry-after': '1' } },
      );
    const left = () => Math.max(0, deadlineMs - (performance.now() - start));
    const late = () => httpError('CP_ERR_DEADLINE', `the request took longer than ${deadlineMs} ms`);
    await new Promise<void>((resolve, reject) => {
      if (this.#active < this.#concurrency) {
        this.#active++;
        resolve();
        return;
      }
      const enter = () => {
        clearTimeout(timer);
        this.#active++;
        resolve();
      };
      // A request whose deadline passes while it waits gives up its place in the queue.
      const timer = setTimeout(() => {
        const at = this.#waiting.indexOf(enter);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(late());
      }, left());
      this.#waiting.push(enter);
    });
    const job = work().finally(() => {
      this.#active--;
      this.#waiting.shift()?.();
    });
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(late()), left());
    });
    try {
      return await Promise.race([job, overdue]);
    } finally {
      clearTimeout(timer);
      job.catch(() => {});
    }
  }
}
