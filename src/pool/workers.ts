import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Piscina } from 'piscina';
import { MAX_TIMEOUT_MS } from '../spec/limits.js';
import { publishPool } from '../telemetry/trace.js';
import { Gate } from './gate.js';
import { isStartedMessage, PING, type RenderReply, type RenderTask, type WorkerReply } from './messages.js';
import type { ResolvedPoolOptions } from './options.js';
import { type RetireReason, Roster } from './roster.js';
import { packFrame } from './transfer.js';

/** Time a task may wait for a worker to start before its own timeout begins. */
const STARTUP_ALLOWANCE_MS = 30_000;
const MiB = 1024 * 1024;

/** A render stopped at its timeout (its worker terminated), or that no worker began in time. */
export class WorkerTimeout extends Error {
  constructor(
    readonly ms: number,
    readonly started: boolean,
  ) {
    super(started ? `timed out after ${ms} ms` : `no worker began it within ${ms} ms`);
    this.name = 'WorkerTimeout';
  }
}

/** How a render runs on a worker. */
export interface RunOptions {
  /** Whether the frame is handed over: its whole numeric buffers are then moved, not copied. */
  readonly owned: boolean;
  /** Milliseconds it may take once a worker begins it. */
  readonly timeoutMs: number;
  /** Called as a worker begins it, with the worker's thread id. */
  readonly onStart?: ((threadId: number) => void) | undefined;
}

/** The worker entry: compiled JS next to this module, or the TypeScript source run through tsx. */
function workerEntry(): { filename: string; execArgv?: string[] } {
  const here = import.meta.url;
  // '../pool/' holds from this module's own folder and from a bundle chunk's (dist/chunks/).
  if (!here.endsWith('.ts')) return { filename: new URL('../pool/worker.js', here).href };
  // Only when running from sources (tests, benchmarks): tsx is a dev dependency.
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return { filename: new URL('./worker.ts', here).href, execArgv: ['--import', tsx] };
}

/**
 * Worker threads over piscina (`#pool`, made on first use), behind a gate that lets at most
 * `threads` renders run at once (fewer under memory pressure). Each task runs with a timeout
 * that counts from when the worker begins it (the worker says so); a task over its time is
 * aborted, which terminates its worker, and piscina starts a replacement. A worker is replaced
 * after `recycleAfter` tasks, or after a render that left its heap above half its limit: it is
 * given no more work, and terminated once it has answered.
 */
export class Workers {
  readonly #options: ResolvedPoolOptions;
  readonly #gate: Gate;
  readonly #roster: Roster;
  #pool: Piscina | undefined;
  /** Renders under way by sequence number: how to start their timeout once a worker begins. */
  readonly #begin = new Map<number, (threadId: number) => void>();
  /** Tasks (waiting or running) and pings: `close()` waits for them; the idle clock, for none. */
  readonly #running = new Set<Promise<unknown>>();
  #idle: NodeJS.Timeout | undefined;
  #seq = 0;
  /**
   * Renders answered (drawn or failed); workers replaced for their task count or heap; renders
   * stopped at their timeout.
   */
  rendered = 0;
  recycled = 0;
  timedOut = 0;

  constructor(options: ResolvedPoolOptions) {
    this.#options = options;
    this.#gate = new Gate(options.threads, options.maxQueue, options.memoryLimit);
    this.#roster = new Roster(options.recycleAfter, (options.workerHeapMb * MiB) / 2);
  }

  /** Whether the workers are up (or starting). */
  get started(): boolean {
    return this.#pool !== undefined;
  }

  /** Worker threads alive now. */
  get threads(): number {
    return this.#pool?.threads.length ?? 0;
  }

  /** Renders allowed at once now (the memory guard's step). */
  get limit(): number {
    return this.#gate.limit;
  }

  /** Renders under way on workers. */
  get running(): number {
    return this.#gate.running;
  }

  /** Renders waiting for a turn. */
  get queued(): number {
    return this.#gate.queued;
  }

  /** Starts the workers (if needed) and waits until each has loaded the renderer. */
  async warmup(): Promise<void> {
    const t0 = performance.now();
    const pool = this.#start();
    await this.#track(
      Promise.all(
        Array.from({ length: this.#options.threads }, async () => {
          this.#book((await pool.run(PING)) as WorkerReply);
        }),
      ),
    );
    publishPool(() => ({ type: 'start', threads: this.threads, ms: performance.now() - t0 }));
  }

  /**
   * Renders a task on a worker once the gate lets it. Rejects with `GateError` when the queue is
   * full or the workers close, `WorkerTimeout` when it ran over its timeout, or the worker's
   * failure (a crash, a heap over its limit).
   */
  run(task: Omit<RenderTask, 'seq'>, how: RunOptions): Promise<RenderReply> {
    // Tracked from the start: `close()` must not end the workers under one the gate just let in.
    return this.#track(
      (async () => {
        await this.#gate.enter();
        try {
          // Packed once let in: the copies of a kept frame are not held while it waits.
          const { frame, transfer } = packFrame(task.frame, how.owned);
          return await this.#render({ ...task, frame }, transfer, how);
        } finally {
          this.#gate.leave();
        }
      })(),
    );
  }

  /** Fails the renders still waiting for a turn, lets those under way finish, ends every worker. */
  async close(reason: string): Promise<void> {
    this.#gate.cancelWaiting(reason);
    await Promise.allSettled(this.#running);
    await this.#stop();
  }

  async #render(
    task: Omit<RenderTask, 'seq'>,
    transfer: ArrayBuffer[],
    { timeoutMs, onStart }: RunOptions,
  ): Promise<RenderReply> {
    const pool = this.#start();
    const seq = ++this.#seq;
    const controller = new AbortController();
    // Capped: a timer past 2^31 - 1 ms fires at once.
    const waited = Math.min(timeoutMs + STARTUP_ALLOWANCE_MS, MAX_TIMEOUT_MS);
    let timer = setTimeout(() => controller.abort(new WorkerTimeout(waited, false)), waited);
    let begun: number | undefined;
    this.#begin.set(seq, (threadId) => {
      begun = threadId;
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new WorkerTimeout(timeoutMs, true)), timeoutMs);
      onStart?.(threadId);
    });
    try {
      const reply = (await pool.run({ ...task, seq } satisfies RenderTask, {
        transferList: transfer,
        signal: controller.signal,
      })) as RenderReply;
      // The reply and the "started" message travel on different ports: either may come first.
      if (begun === undefined) onStart?.(reply.threadId);
      this.rendered++;
      this.#book(reply);
      return reply;
    } catch (e) {
      // The worker is gone (stopped or crashed): piscina replaces it, and `workerDestroy` drops
      // its record.
      const reason: unknown = controller.signal.reason;
      if (!(reason instanceof WorkerTimeout)) throw e;
      if (reason.started) this.timedOut++;
      publishPool(() => ({ type: 'timeout', chartId: task.chart.id, limitMs: reason.ms }));
      publishPool(() => ({ type: 'recycle', reason: 'timeout', threadId: begun }));
      throw reason;
    } finally {
      clearTimeout(timer);
      this.#begin.delete(seq);
    }
  }

  #start(): Piscina {
    if (this.#pool) return this.#pool;
    const { threads, workerHeapMb } = this.#options;
    const roster = this.#roster;
    // piscina loads with the first pool: runs that render in process never pay for it.
    const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
    const pool = new Piscina({
      ...workerEntry(),
      // As many workers as threads, kept up: one that is terminated is replaced at once.
      minThreads: threads,
      maxThreads: threads,
      // Our gate admits at most `threads` tasks; piscina queues only while a worker restarts.
      maxQueue: threads * 4,
      resourceLimits: { maxOldGenerationSizeMb: workerHeapMb },
      // Piscina posts the task to the worker the balancer returns: that is when it is dispatched.
      loadBalancer: (_task, workers) => {
        const worker = roster.choose(workers);
        if (worker) roster.dispatched(worker.id);
        return worker;
      },
    });
    pool.on('message', (m: unknown) => {
      if (isStartedMessage(m)) this.#begin.get(m.seq)?.(m.threadId);
    });
    pool.on('workerDestroy', (w: { id: number }) => roster.forget(w.id));
    // A worker that dies between tasks is replaced by piscina; nothing is waiting on it.
    pool.on('error', () => publishPool(() => ({ type: 'recycle', reason: 'error' })));
    this.#pool = pool;
    return pool;
  }

  /** Books a reply; ends its worker if it is retiring and owes no other reply. */
  #book(reply: WorkerReply): void {
    const reason = this.#roster.answered(reply);
    if (reason) this.#retire(reply.threadId, reason);
  }

  #retire(threadId: number, reason: RetireReason): void {
    const worker = this.#pool?.threads.find((t) => t.threadId === threadId);
    if (!worker) {
      this.#roster.forget(threadId);
      return;
    }
    this.recycled++;
    publishPool(() => ({ type: 'recycle', reason, threadId }));
    // Still retiring (given nothing) until it is gone; piscina then starts a fresh one.
    void worker.terminate();
  }

  /** Counts a task under way until it settles; the idle clock waits for the last one. */
  async #track<T>(task: Promise<T>): Promise<T> {
    clearTimeout(this.#idle);
    this.#running.add(task);
    try {
      return await task;
    } finally {
      this.#running.delete(task);
      this.#touch();
    }
  }

  /** Ends every worker; they start again on the next task. */
  async #stop(): Promise<void> {
    clearTimeout(this.#idle);
    const pool = this.#pool;
    this.#pool = undefined;
    this.#roster.clear();
    await pool?.destroy();
  }

  /** Restarts the idle clock: workers end after `idleTimeoutMs` without tasks. */
  #touch(): void {
    clearTimeout(this.#idle);
    if (!Number.isFinite(this.#options.idleTimeoutMs) || this.#running.size > 0 || !this.#pool) return;
    this.#idle = setTimeout(() => void this.#stop(), this.#options.idleTimeoutMs);
    this.#idle.unref();
  }
}
