import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { failure, type RenderJob, timedOut } from './job.js';
import type { ResolvedPoolOptions } from './options.js';
import { drawSvg, loadRenderer } from './renderers.js';

/**
 * Renders in this thread, one after another, yielding to the event loop between two. Keeps the
 * estimated work waiting or under way (`backlogMs`), by which the pool decides when workers pay.
 */
export class InProcess {
  readonly #options: ResolvedPoolOptions;
  /** The chain the renders run on. */
  #last: Promise<unknown> = Promise.resolve();
  /** Estimated ms, and count, of renders waiting or under way. */
  #backlogMs = 0;
  #pending = 0;
  #closed = false;
  /** Renders done. */
  rendered = 0;

  constructor(options: ResolvedPoolOptions) {
    this.#options = options;
  }

  get backlogMs(): number {
    return this.#backlogMs;
  }

  /** Renders waiting or under way. */
  get pending(): number {
    return this.#pending;
  }

  render(job: RenderJob, timeoutMs: number, estimate: number): Promise<Uint8Array> {
    if (this.#pending >= this.#options.maxQueue)
      return Promise.reject(failure(job, `the render queue is full (${this.#options.maxQueue} waiting)`));
    this.#backlogMs += estimate;
    this.#pending++;
    const run = this.#last.then(async () => {
      // Let I/O (datasets still being read) and progress through between two renders.
      await yieldToLoop();
      try {
        if (this.#closed) throw failure(job, 'the engine was closed before the chart was rendered');
        const draw = await loadRenderer(this.#options.renderers[job.chart.type]);
        job.onStart?.('process');
        const started = performance.now();
        const svg = drawSvg(draw, job.chart, job.frame);
        this.rendered++;
        // A render in this thread cannot be interrupted: one over its time fails when it returns.
        if (performance.now() - started > timeoutMs) throw timedOut(job, timeoutMs, false);
        return Buffer.from(svg, 'utf8');
      } finally {
        this.#backlogMs -= estimate;
        this.#pending--;
      }
    });
    this.#last = run.catch(() => {});
    return run;
  }

  /** Fails the renders that have not begun; resolves once the one under way is done. */
  close(): Promise<unknown> {
    this.#closed = true;
    return this.#last;
  }
}
