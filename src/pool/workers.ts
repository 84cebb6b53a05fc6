import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { MAX_TIMEOUT_MS } from '../spec/limits.js';
import { publishPool } from '../telemetry/trace.js';
import { isStartedMessage, PING, type RenderReply, type RenderTask } from './messages.js';
import type { ResolvedPoolOptions } from './options.js';

type Balancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;

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

/** The worker entry: compiled JS next to this module, or the TypeScript source run through tsx. */
function workerEntry(): { filename: string; execArgv?: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { filename: new URL('./worker.js', here).href };
  // Only when running from sources (tests, benchmarks): tsx is a dev dependency.
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return { filename: new URL('./worker.ts', here).href, execArgv: ['--import', tsx] };
}

/**
 * Worker threads over piscina (`#pool`, made on first use). Each task runs with a timeout that
 * counts from when the worker begins it (the worker says so); a task over its time is aborted,
 * which terminates its worker, and piscina starts a replacement. A worker is replaced after
 * `recycleAfter` renders, or after a render that left its heap above half its limit: the load
 * balancer gives it no more work, and it is terminated once idle.
 */
export class Workers {
  readonly #options: ResolvedPoolOptions;
  #pool: Piscina | undefined;
  /** Tasks under way by sequence number: how to start their timeout. */
  readonly #tasks = new Map<number, (threadId: number) => void>();
  /** Renders given to each worker, by thread id. */
  readonly #given = new Map<number, number>();
  /** Tasks given to each worker and not yet answered (a reply can trail the next dispatch). */
  readonly #busy = new Map<number, number>();
  readonly #retiring = new Set<number>();
  #idle: NodeJS.Timeout | undefined;
  /** Tasks and pings under way: the idle clock runs only at 0. */
  #pending = 0;
  #seq = 0;
  recycled = 0;
  timedOut = 0;

  constructor(options: ResolvedPoolOptions) {
    this.#options = options;
  }

  /** Whether the workers are up (or starting). */
  get started(): boolean {
    return this.#pool !== undefined;
  }

  /** Worker threads alive now. */
  get threads(): number {
    return this.#pool?.threads.length ?? 0;
  }

  /** Starts the workers (if needed) and waits until each has loaded the renderer. */
  async warmup(): Promise<void> {
    const t0 = performance.now();
    const pool = this.#start();
    this.#pending++;
    try {
      const pings = Array.from({ length: this.#options.threads }, () => pool.run(PING));
      for (const threadId of await Promise.all(pings)) this.#done(threadId as number);
      publishPool(() => ({ type: 'start', threads: this.threads, ms: performance.now() - t0 }));
    } finally {
      this.#pending--;
      this.#touch();
    }
  }

  /**
   * Renders a task on a worker. `onStart` is called as the worker begins it. Rejects with
   * `WorkerTimeout` when it ran over `timeoutMs`, or with the worker's failure (a crash, a
   * heap over its limit).
   */
  async run(
    task: Omit<RenderTask, 'seq'>,
    transfer: ArrayBuffer[],
    timeoutMs: number,
    onStart?: (threadId: number) => void,
  ): Promise<RenderReply> {
    const pool = this.#start();
    this.#pending++;
    clearTimeout(this.#idle);
    const seq = ++this.#seq;
    const controller = new AbortController();
    // Capped: a timer past 2^31 - 1 ms fires at once.
    const waited = Math.min(timeoutMs + STARTUP_ALLOWANCE_MS, MAX_TIMEOUT_MS);
    let timer = setTimeout(() => controller.abort(new WorkerTimeout(waited, false)), waited);
    let begun: number | undefined;
    this.#tasks.set(seq, (threadId) => {
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
      // The result and the "started" message travel on different ports: either may come first.
      if (begun === undefined) onStart?.(reply.threadId);
      this.#done(reply);
      return reply;
    } catch (e) {
      // The worker is gone (stopped or crashed): piscina replaces it.
      if (begun !== undefined) this.#forget(begun);
      const reason: unknown = controller.signal.reason;
      if (reason instanceof WorkerTimeout) {
        if (reason.started) this.timedOut++;
        publishPool(() => ({ type: 'timeout', chartId: task.chart.id, limitMs: reason.ms }));
        publishPool(() => ({ type: 'recycle', reason: 'timeout', threadId: begun }));
        throw reason;
      }
      throw e;
    } finally {
      clearTimeout(timer);
      this.#tasks.delete(seq);
      this.#pending--;
      this.#touch();
    }
  }

  /** Ends every worker; tasks under way fail. */
  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const pool = this.#pool;
    this.#pool = undefined;
    this.#given.clear();
    this.#busy.clear();
    this.#retiring.clear();
    await pool?.destroy();
  }

  #start(): Piscina {
    if (this.#pool) return this.#pool;
    const { threads, workerHeapMb } = this.#options;
    const pool = new Piscina({
      ...workerEntry(),
      // As many workers as threads, kept up: one that is terminated is replaced at once.
      minThreads: threads,
      maxThreads: threads,
      // Our gate admits at most `threads` tasks; piscina queues only while a worker restarts.
      maxQueue: threads * 4,
      resourceLimits: { maxOldGenerationSizeMb: workerHeapMb },
      loadBalancer: this.#balance,
    });
    pool.on('message', (m: unknown) => {
      if (isStartedMessage(m)) this.#tasks.get(m.seq)?.(m.threadId);
    });
    // A worker that dies between tasks is replaced by piscina; nothing is waiting on it.
    pool.on('error', () => publishPool(() => ({ type: 'recycle', reason: 'error' })));
    this.#pool = pool;
    return pool;
  }

  /** Idle workers only, never one being retired; counts what each is given. */
  readonly #balance: Balancer = (_task, workers) => {
    for (const w of workers) {
      if (w.currentUsage !== 0 || w.terminating || w.destroyed || this.#retiring.has(w.id)) continue;
      const given = (this.#given.get(w.id) ?? 0) + 1;
      this.#given.set(w.id, given);
      if (given >= this.#options.recycleAfter) this.#retiring.add(w.id);
      this.#busy.set(w.id, (this.#busy.get(w.id) ?? 0) + 1);
      return w;
    }
    return null;
  };

  #done(reply: RenderReply | number): void {
    const threadId = typeof reply === 'number' ? reply : reply.threadId;
    const busy = (this.#busy.get(threadId) ?? 1) - 1;
    this.#busy.set(threadId, busy);
    if (typeof reply !== 'number' && reply.heapUsed > (this.#options.workerHeapMb * MiB) / 2)
      this.#retiring.add(threadId);
    if (!this.#retiring.has(threadId) || busy > 0) return;
    const worker = this.#pool?.threads.find((t) => t.threadId === threadId);
    if (!worker) {
      this.#forget(threadId);
      return;
    }
    this.recycled++;
    const heavy = typeof reply !== 'number' && reply.heapUsed > (this.#options.workerHeapMb * MiB) / 2;
    publishPool(() => ({ type: 'recycle', reason: heavy ? 'memory' : 'tasks', threadId }));
    // Still retiring (given nothing) until it is gone; piscina then starts a fresh one.
    worker.once('exit', () => this.#forget(threadId));
    void worker.terminate();
  }

  #forget(threadId: number): void {
    this.#given.delete(threadId);
    this.#busy.delete(threadId);
    this.#retiring.delete(threadId);
  }

  /** Restarts the idle clock: workers end after `idleTimeoutMs` without tasks. */
  #touch(): void {
    clearTimeout(this.#idle);
    if (!Number.isFinite(this.#options.idleTimeoutMs) || this.#pending > 0 || !this.#pool) return;
    this.#idle = setTimeout(() => void this.close(), this.#options.idleTimeoutMs);
    this.#idle.unref();
  }
}
