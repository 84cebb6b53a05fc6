import { ChartpressError, problem } from '../errors.js';
import { tracePoolTask } from '../telemetry/trace.js';
import { estimateRenderMs } from './estimate.js';
import { GateError } from './gate.js';
import { failure, type RenderJob, timedOut } from './job.js';
import { InProcess } from './local.js';
import type { RenderReply } from './messages.js';
import { type PoolOptions, type ResolvedPoolOptions, resolvePoolOptions } from './options.js';
import { Workers, WorkerTimeout } from './workers.js';

export type { RenderJob, RenderPlace } from './job.js';

/** What the pool is doing, for monitoring and tests. */
export interface PoolStats {
  /** Worker threads alive (0 until the workers start, and after close). */
  readonly threads: number;
  /** Workers that may draw at once now: `threads`, lowered under memory pressure. */
  readonly concurrency: number;
  /**
   * Renders under way: handed to a worker (drawing, or next in its line) or drawing in process;
   * and renders waiting for a worker, or for their turn in process.
   */
  readonly running: number;
  readonly queued: number;
  /** Renders done in process and on workers since the pool was made. */
  readonly inProcess: number;
  readonly onWorkers: number;
  /** Workers replaced for their render count or heap; charts stopped at their timeout. */
  readonly recycled: number;
  readonly timedOut: number;
}

/**
 * Draws charts, each to SVG bytes: in process while the work is small, on worker threads once it
 * pays (or when a timeout must be enforced). Failures are thrown as `ChartpressError`s naming
 * the chart: `CP_ERR_CHART_TIMEOUT` for one over its time, `CP_ERR_CHART_RENDER` otherwise.
 */
export class RenderPool {
  readonly options: ResolvedPoolOptions;
  readonly #workers: Workers;
  readonly #local: InProcess;
  #closed = false;

  constructor(options: PoolOptions = {}) {
    this.options = resolvePoolOptions(options);
    this.#workers = new Workers(this.options);
    this.#local = new InProcess(this.options);
  }

  /** Starts the workers now and waits until each is ready: a later batch pays no start-up. */
  async warmup(): Promise<void> {
    if (this.#closed) throw closedError();
    await this.#workers.warmup();
  }

  /** The chart's SVG as UTF-8 bytes. */
  render(job: RenderJob): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(closedError());
    return tracePoolTask(
      job,
      (j) => this.#render(j),
      () => this.stats(),
    );
  }

  stats(): PoolStats {
    const workers = this.#workers;
    const local = this.#local.pending;
    return {
      threads: workers.threads,
      concurrency: workers.limit,
      running: workers.running + Math.min(1, local),
      queued: workers.queued + Math.max(0, local - 1),
      inProcess: this.#local.rendered,
      onWorkers: workers.rendered,
      recycled: workers.recycled,
      timedOut: workers.timedOut,
    };
  }

  /**
   * Cancels the renders still waiting, lets those under way finish (each within its timeout),
   * then ends every worker. The pool cannot be used afterwards.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([
      this.#local.close(),
      this.#workers.close('the engine was closed before the chart was rendered'),
    ]);
  }

  #render(job: RenderJob): Promise<Uint8Array> {
    const o = this.options;
    const ownTimeout = job.chart.options.timeoutMs;
    const timeoutMs = ownTimeout ?? o.timeoutMs;
    const enforce = o.enforceTimeout || ownTimeout !== undefined;
    const estimate = estimateRenderMs(job.chart, job.frame);
    const worker =
      enforce ||
      (o.threads > 1 && (this.#workers.started || this.#local.backlogMs + estimate >= o.inProcessBelowMs));
    if (!worker) return this.#local.render(job, timeoutMs, estimate);
    const run = this.#onWorker(job, timeoutMs, estimate);
    // As in process: a failure the caller looks at later (after close, say) is not unhandled.
    run.catch(() => {});
    return run;
  }

  async #onWorker(job: RenderJob, timeoutMs: number, estimateMs: number): Promise<Uint8Array> {
    let reply: RenderReply;
    try {
      const renderer = this.options.renderers[job.chart.type];
      reply = await this.#workers.run(
        { chart: job.chart, frame: job.frame, renderer },
        { owned: job.owned === true, timeoutMs, estimateMs, onStart: (id) => job.onStart?.('worker', id) },
      );
    } catch (e) {
      if (e instanceof GateError) throw failure(job, e.message);
      if (e instanceof WorkerTimeout && e.started) throw timedOut(job, e.ms, true);
      if (e instanceof WorkerTimeout) throw failure(job, `${e.message} (do the workers start?)`);
      throw failure(job, e instanceof Error ? e.message : String(e), e);
    }
    if (reply.kind === 'drawn') return reply.bytes;
    throw reply.problems?.length ? new ChartpressError(reply.problems) : new Error(reply.message);
  }
}

function closedError(): ChartpressError {
  return new ChartpressError(problem('CP_ERR_USAGE', 'the engine is closed'));
}
