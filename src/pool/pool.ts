import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Frame } from '../data/frame.js';
import { ChartpressError, problem } from '../errors.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { tracePoolTask } from '../telemetry/trace.js';
import { estimateRenderMs } from './estimate.js';
import { Gate, GateError } from './gate.js';
import type { RenderReply } from './messages.js';
import { type PoolOptions, type ResolvedPoolOptions, resolvePoolOptions } from './options.js';
import { drawSvg, loadRenderer } from './renderers.js';
import { packFrame } from './transfer.js';
import { Workers, WorkerTimeout } from './workers.js';

/** Where a chart is drawn: in this thread, or on a worker. */
export type RenderPlace = 'process' | 'worker';

/** One chart to draw. */
export interface RenderJob {
  readonly chart: NormalizedChart;
  readonly frame: Frame;
  /** Whether the caller hands the frame over: its typed arrays may then be detached. */
  readonly owned?: boolean;
  /** Called as the render begins, with where it runs (and the worker's thread id). */
  readonly onStart?: (place: RenderPlace, threadId?: number) => void;
}

/** What the pool is doing, for monitoring and tests. */
export interface PoolStats {
  /** Worker threads alive (0 until the workers start, and after close). */
  readonly threads: number;
  /** Renders that may run on workers at once now: `threads`, lowered under memory pressure. */
  readonly concurrency: number;
  /** Renders under way (on workers and in process), and waiting. */
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
  readonly #gate: Gate;
  /** In-process renders run one after another on this chain. */
  #local: Promise<unknown> = Promise.resolve();
  /** Estimated ms, and count, of in-process renders waiting or under way. */
  #backlogMs = 0;
  #localPending = 0;
  /** Worker renders under way, awaited by `close()`. */
  readonly #running = new Set<Promise<unknown>>();
  #renderedHere = 0;
  #onWorkers = 0;
  #closed = false;

  constructor(options: PoolOptions = {}) {
    this.options = resolvePoolOptions(options);
    this.#workers = new Workers(this.options);
    this.#gate = new Gate(this.options.threads, this.options.maxQueue, this.options.memoryLimit);
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

  #render(job: RenderJob): Promise<Uint8Array> {
    const o = this.options;
    const ownTimeout = job.chart.options.timeoutMs;
    const timeoutMs = ownTimeout ?? o.timeoutMs;
    const enforce = o.enforceTimeout || ownTimeout !== undefined;
    const estimate = estimateRenderMs(job.chart, job.frame);
    const worker =
      enforce ||
      (o.threads > 1 && (this.#workers.started || this.#backlogMs + estimate >= o.inProcessBelowMs));
    if (!worker) return this.#inProcess(job, timeoutMs, estimate);
    const run = this.#onWorker(job, timeoutMs);
    this.#running.add(run);
    void run.catch(() => {}).finally(() => this.#running.delete(run));
    return run;
  }

  stats(): PoolStats {
    return {
      threads: this.#workers.threads,
      concurrency: this.#gate.limit,
      running: this.#gate.running + Math.min(1, this.#localPending),
      queued: this.#gate.queued + Math.max(0, this.#localPending - 1),
      inProcess: this.#renderedHere,
      onWorkers: this.#onWorkers,
      recycled: this.#workers.recycled,
      timedOut: this.#workers.timedOut,
    };
  }

  /**
   * Cancels the renders still waiting, lets those under way finish (each within its timeout),
   * then ends every worker. The pool cannot be used afterwards.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#gate.cancelWaiting('the engine was closed before the chart was rendered');
    await Promise.allSettled([...this.#running, this.#local]);
    await this.#workers.close();
  }

  async #onWorker(job: RenderJob, timeoutMs: number): Promise<Uint8Array> {
    try {
      await this.#gate.enter();
    } catch (e) {
      if (e instanceof GateError) throw failure(job, e.message);
      throw e;
    }
    let reply: RenderReply;
    try {
      const { frame, transfer } = packFrame(job.frame, job.owned === true);
      const renderer = this.options.renderers[job.chart.type];
      reply = await this.#workers.run({ chart: job.chart, frame, renderer }, transfer, timeoutMs, (id) =>
        job.onStart?.('worker', id),
      );
    } catch (e) {
      if (e instanceof WorkerTimeout && e.started) throw timedOut(job, e.ms, true);
      if (e instanceof WorkerTimeout) throw failure(job, `${e.message} (do the workers start?)`);
      throw failure(job, e instanceof Error ? e.message : String(e), e);
    } finally {
      this.#gate.leave();
    }
    this.#onWorkers++;
    if (reply.ok) return reply.bytes;
    throw reply.problems?.length ? new ChartpressError(reply.problems) : new Error(reply.message);
  }

  #inProcess(job: RenderJob, timeoutMs: number, estimate: number): Promise<Uint8Array> {
    if (this.#localPending >= this.options.maxQueue)
      return Promise.reject(failure(job, `the render queue is full (${this.options.maxQueue} waiting)`));
    this.#backlogMs += estimate;
    this.#localPending++;
    const run = this.#local.then(async () => {
      // Let I/O (datasets still being read) and progress through between two renders.
      await yieldToLoop();
      try {
        if (this.#closed) throw failure(job, 'the engine was closed before the chart was rendered');
        const draw = await loadRenderer(this.options.renderers[job.chart.type]);
        job.onStart?.('process');
        const started = performance.now();
        const svg = drawSvg(draw, job.chart, job.frame);
        this.#renderedHere++;
        // A render in this thread cannot be interrupted: one over its time fails when it returns.
        if (performance.now() - started > timeoutMs) throw timedOut(job, timeoutMs, false);
        return Buffer.from(svg, 'utf8');
      } finally {
        this.#backlogMs -= estimate;
        this.#localPending--;
      }
    });
    this.#local = run.catch(() => {});
    return run;
  }
}

function closedError(): ChartpressError {
  return new ChartpressError(problem('CP_ERR_USAGE', 'the engine is closed'));
}

function timedOut(job: RenderJob, ms: number, stopped: boolean): ChartpressError {
  const how = stopped
    ? 'was stopped'
    : 'was rendered in process, so it could only be failed once it returned';
  return new ChartpressError(
    problem('CP_ERR_CHART_TIMEOUT', `chart "${job.chart.id}" took longer than ${ms} ms and ${how}`),
  );
}

function failure(job: RenderJob, reason: string, cause?: unknown): ChartpressError {
  return new ChartpressError(problem('CP_ERR_CHART_RENDER', `chart "${job.chart.id}" failed: ${reason}`), {
    cause,
  });
}
