import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import { MAX_TIMEOUT_MS } from '../spec/limits.js';
import { publishPool } from '../telemetry/trace.js';
import { BATCH_DEPTH, Batch, Pending, type RunOptions, takeBatch } from './batch.js';
import { Gate, GateError } from './gate.js';
import {
  type BatchReply,
  type BatchTask,
  isStartedMessage,
  PING,
  type RenderReply,
  type RenderTask,
  type WorkerReply,
} from './messages.js';
import type { ResolvedPoolOptions } from './options.js';
import { type Candidate, type RetireReason, Roster } from './roster.js';
import { packFrame } from './transfer.js';

export type { RunOptions } from './batch.js';

/** Time a batch may wait for a worker to start before the timeout of its first chart begins. */
const STARTUP_ALLOWANCE_MS = 30_000;
const MiB = 1024 * 1024;
/** What piscina fails the other tasks of a worker with when it stops the worker for one of them. */
const TERMINATED = 'Terminating worker thread';

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

/**
 * The worker entry: compiled JS in the build (`dist/pool/worker.js`: beside the library entry
 * `dist/index.js`, one folder up from a chunk or the CLI launcher), or, running
 * from sources (tests, benchmarks; tsx is a dev dependency), a module that loads the TypeScript
 * one through tsx.
 */
function workerEntry(): string {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./worker-source.mjs', here).href;
  const beside = new URL('./pool/worker.js', here);
  return existsSync(beside) ? beside.href : new URL('../pool/worker.js', here).href;
}

/**
 * Worker threads over piscina (`#pool`, made on first use). Charts wait in a queue and travel
 * in batches (several small charts in one message, see `takeBatch`); a worker is handed its next
 * batch before it is done with the one it draws, so it never waits for this thread. A gate says
 * how many workers may be at work at once (`threads`, fewer under memory pressure).
 *
 * Each chart has its own timeout, counted from when its worker says it began it; a chart over
 * its time is aborted, which terminates its worker (piscina then starts a replacement). The
 * other charts that worker held are sent again, never failed for their neighbour. A worker is
 * replaced after `recycleAfter` renders, or after a batch that left its heap above half its
 * limit: it is given no more work, and terminated once it has answered.
 */
export class Workers {
  readonly #options: ResolvedPoolOptions;
  readonly #gate: Gate;
  readonly #roster: Roster;
  #pool: Piscina | undefined;
  /** Charts waiting for a worker, in order. */
  readonly #queue: Pending[] = [];
  /** Batches posted and not yet answered; and by worker, in the order it draws them. */
  readonly #batches = new Set<Batch>();
  readonly #lines = new Map<number, Batch[]>();
  /** Charts in posted batches, by the sequence number of their posting. */
  readonly #bySeq = new Map<number, Pending>();
  /** Workers whose loss was put down to one chart: the other batches they held are sent again. */
  readonly #lost = new Set<number>();
  /** Pings under way: `close()` waits for them; the idle clock, for none. */
  readonly #pings = new Set<Promise<unknown>>();
  /** Why the workers are closing, once they are: the charts still waiting fail with it. */
  #closing: string | undefined;
  #idle: NodeJS.Timeout | undefined;
  #seq = 0;
  /** Charts in posted batches, not yet answered. */
  #onWorkers = 0;
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

  /** Workers allowed at work at once now (the memory guard's step). */
  get limit(): number {
    return this.#gate.limit;
  }

  /** Renders handed to workers (drawing, or next in line there). */
  get running(): number {
    return this.#onWorkers;
  }

  /** Renders waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Starts the workers (if needed) and waits until each has loaded the renderer. */
  async warmup(): Promise<void> {
    const t0 = performance.now();
    const pool = this.#start();
    const pings = Promise.all(
      Array.from({ length: this.#options.threads }, async () => {
        this.#book((await pool.run(PING)) as WorkerReply);
      }),
    );
    this.#pings.add(pings);
    clearTimeout(this.#idle);
    try {
      await pings;
    } finally {
      this.#pings.delete(pings);
      this.#touch();
    }
    publishPool(() => ({ type: 'start', threads: this.threads, ms: performance.now() - t0 }));
  }

  /**
   * Renders a chart on a worker. Rejects with `GateError` when the queue is full or the workers
   * close before it is drawn, `WorkerTimeout` when it ran over its timeout (or no worker began
   * it), or the worker's failure (a crash, a heap over its limit).
   */
  run(task: Omit<RenderTask, 'seq'>, how: RunOptions): Promise<RenderReply> {
    const { maxQueue } = this.#options;
    if (this.#closing !== undefined) return Promise.reject(new GateError(this.#closing, 'cancelled'));
    if (this.#queue.length >= maxQueue)
      return Promise.reject(new GateError(`the render queue is full (${maxQueue} waiting)`, 'full'));
    return new Promise<RenderReply>((resolve, reject) => {
      this.#queue.push(new Pending(task, how, resolve, reject));
      clearTimeout(this.#idle);
      this.#pump();
    });
  }

  /**
   * Fails the renders still waiting for a worker (and those given to a worker behind another
   * batch), lets those under way finish, ends every worker.
   */
  async close(reason: string): Promise<void> {
    this.#closing = reason;
    const cancelled = new GateError(reason, 'cancelled');
    for (const p of this.#queue.splice(0)) p.reject(cancelled);
    for (const batch of this.#batches) {
      const line = batch.threadId === undefined ? undefined : this.#lines.get(batch.threadId);
      const behind = batch.threadId === undefined || (line?.indexOf(batch) ?? 0) > 0;
      if (behind) for (const p of batch.charts) p.reject(cancelled);
    }
    const owing = [...this.#batches].filter((b) => b.open.length > 0).map((b) => b.done);
    await Promise.allSettled([...this.#pings, ...owing]);
    await this.#stop();
  }

  /** Posts batches while workers may take them: one per worker at work, then the next for each. */
  #pump(): void {
    if (this.#closing !== undefined) return;
    const room = BATCH_DEPTH * Math.min(this.#gate.limit, this.#options.threads);
    while (this.#queue.length > 0 && this.#batches.size < room)
      this.#post(takeBatch(this.#queue, this.#options.threads));
  }

  #post(batch: Batch): void {
    const pool = this.#start();
    const gate = this.#gate;
    batch.moves = batch.charts.length === 1 && this.#lines.size < Math.min(gate.limit, this.#options.threads);
    const transfer = new Set<ArrayBuffer>();
    const tasks: RenderTask[] = batch.charts.map((p) => {
      p.seq = ++this.#seq;
      this.#bySeq.set(p.seq, p);
      // Packed as it leaves: the copies of a kept frame are not held while it waits.
      const packed = packFrame(p.task.frame, p.how.owned && batch.moves);
      for (const b of packed.transfer) transfer.add(b);
      return { ...p.task, seq: p.seq, frame: packed.frame };
    });
    this.#batches.add(batch);
    this.#onWorkers += batch.charts.length;
    clearTimeout(this.#idle);
    // The balancer sees the batch through piscina's queue options (not posted: a symbol key).
    const task = { batch: tasks, [queueOptionsSymbol()]: batch } satisfies BatchTask;
    const run = pool.run(task, { transferList: [...transfer], signal: batch.controller.signal });
    // Held by piscina until a worker is free: the wait for one counts from now.
    if (batch.threadId === undefined) this.#arm(batch);
    batch.done = run.then(
      (reply) => this.#answered(batch, reply as BatchReply),
      (e: unknown) => this.#lostBatch(batch, e),
    );
  }

  /**
   * The balancer: a batch goes to an idle worker while the gate lets one more work, else to the
   * least busy worker with room for its next batch once every worker allowed is at work. A ping
   * goes to an idle worker.
   */
  #choose<W extends Candidate>(task: unknown, workers: readonly W[]): W | null {
    this.#reconcile(workers);
    const batch = (task as Record<symbol, unknown>)[queueOptionsSymbol()];
    if (!(batch instanceof Batch)) {
      const w = this.#roster.choose(workers);
      if (w) this.#roster.dispatched(w.id);
      return w;
    }
    let w = this.#roster.choose(workers.filter((c) => !this.#lines.has(c.id)));
    if (w && !this.#gate.tryEnter()) w = null;
    const gate = this.#gate;
    // A batch that moves its frames waits for an idle worker: it must never be sent again.
    const feed = !batch.moves && gate.running >= Math.min(gate.limit, this.#options.threads);
    if (!w && feed && gate.running <= gate.limit)
      w = this.#roster.feed(workers, (id) => this.#lines.get(id)?.length ?? 0, BATCH_DEPTH);
    if (!w) return null;
    this.#roster.dispatched(w.id, batch.charts.length);
    batch.threadId = w.id;
    const line = this.#lines.get(w.id);
    if (line) {
      line.push(batch);
      // Behind another batch: its wait begins once that one is done.
      clearTimeout(batch.timer);
    } else {
      this.#lines.set(w.id, [batch]);
      this.#arm(batch);
    }
    return w;
  }

  /**
   * Piscina frees a worker (and looks for its next task) as its reply comes, before the reply
   * reaches `#answered`: a worker it says holds nothing has answered every batch of its line.
   */
  #reconcile(workers: readonly Candidate[]): void {
    for (const w of workers) {
      if (w.currentUsage !== 0 || !this.#lines.has(w.id)) continue;
      this.#lines.delete(w.id);
      this.#gate.leave();
    }
  }

  /** A worker began a chart: the chart's own timeout starts now. */
  #began(seq: number, threadId: number): void {
    const p = this.#bySeq.get(seq);
    const batch = p?.batch;
    if (!p || !batch) return;
    clearTimeout(batch.timer);
    batch.current = p;
    p.began = threadId;
    const ms = p.how.timeoutMs;
    batch.timer = setTimeout(() => batch.controller.abort(new WorkerTimeout(ms, true)), ms);
    p.tell(threadId);
  }

  /** Starts the wait for a worker to begin the batch's first chart (capped: a longer timer fires at once). */
  #arm(batch: Batch): void {
    // A chart under way keeps its own timer: its "started" message may come before the reply
    // that settles the batch ahead of it.
    if (batch.current) return;
    clearTimeout(batch.timer);
    const first = batch.charts[0];
    if (!first) return;
    const waited = Math.min(first.how.timeoutMs + STARTUP_ALLOWANCE_MS, MAX_TIMEOUT_MS);
    batch.timer = setTimeout(() => batch.controller.abort(new WorkerTimeout(waited, false)), waited);
  }

  #answered(batch: Batch, reply: BatchReply): void {
    this.#settle(batch);
    batch.charts.forEach((p, i) => {
      const answer = reply.replies[i];
      this.rendered++;
      // The reply and the "started" message travel on different ports: either may come first.
      if (p.began === undefined) p.tell(reply.threadId);
      if (answer) p.resolve(answer);
      else p.reject(new Error(`the worker gave no answer for chart ${i + 1} of its batch`));
    });
    this.#book(reply);
    this.#pump();
  }

  /**
   * A batch whose worker is gone: stopped for a chart over its time, crashed (a heap over its
   * limit), or stopped for a chart of another batch it held. The chart it was drawing bears the
   * failure; the others are sent again, those already drawn too (their answers went with it).
   */
  #lostBatch(batch: Batch, e: unknown): void {
    this.#settle(batch);
    const reason: unknown = batch.controller.signal.reason;
    const lost = batch.threadId;
    const culprit = batch.current;
    let again = batch.open;
    if (reason instanceof WorkerTimeout && !reason.started) {
      for (const p of again) p.reject(reason);
      again = [];
    } else if (reason instanceof WorkerTimeout && culprit) {
      this.timedOut++;
      publishPool(() => ({ type: 'timeout', chartId: culprit.task.chart.id, limitMs: reason.ms }));
      publishPool(() => ({ type: 'recycle', reason: 'timeout', threadId: culprit.began }));
      culprit.reject(reason);
    } else if (culprit) {
      culprit.reject(e);
    } else if (!(lost !== undefined && this.#lost.has(lost)) && !isTermination(e)) {
      // Lost before any chart began, for no other batch: one of its charts may be the cause.
      if (again.length === 1) again[0]?.reject(e);
      for (const p of again) p.alone = true;
    }
    if (lost !== undefined) this.#lost.add(lost);
    again = again.filter((p) => !p.settled);
    if (this.#closing !== undefined) {
      for (const p of again) p.reject(new GateError(this.#closing, 'cancelled'));
    } else this.#queue.unshift(...again);
    this.#pump();
  }

  /** The batch is answered or lost: its timer stops, its worker's next batch begins to wait. */
  #settle(batch: Batch): void {
    clearTimeout(batch.timer);
    if (!this.#batches.delete(batch)) return;
    this.#onWorkers -= batch.charts.length;
    for (const p of batch.charts) this.#bySeq.delete(p.seq);
    const line = batch.threadId === undefined ? undefined : this.#lines.get(batch.threadId);
    const at = line?.indexOf(batch) ?? -1;
    if (line && at >= 0 && batch.threadId !== undefined) {
      line.splice(at, 1);
      const next = line[0];
      if (next) this.#arm(next);
      else {
        this.#lines.delete(batch.threadId);
        this.#gate.leave();
      }
    }
    // A worker may draw for long without its line emptying: the memory guard looks at each batch.
    this.#gate.check();
    this.#touch();
  }

  #start(): Piscina {
    if (this.#pool) return this.#pool;
    const { threads, workerHeapMb } = this.#options;
    // piscina loads with the first pool: runs that render in process never pay for it.
    const { Piscina } = requirePiscina();
    const pool = new Piscina({
      filename: workerEntry(),
      // As many workers as threads, kept up: one that is terminated is replaced at once.
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: BATCH_DEPTH,
      // At most `BATCH_DEPTH` batches per worker and a ping each wait in piscina's own queue.
      maxQueue: threads * (BATCH_DEPTH + 2),
      resourceLimits: { maxOldGenerationSizeMb: workerHeapMb },
      // Piscina posts the task to the worker the balancer returns: that is when it is dispatched.
      loadBalancer: (task, workers) => this.#choose(task, workers),
    });
    pool.on('message', (m: unknown) => {
      if (isStartedMessage(m)) this.#began(m.seq, m.threadId);
    });
    pool.on('workerDestroy', (w: { id: number }) => this.#roster.forget(w.id));
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

  /** Ends every worker; they start again on the next task. */
  async #stop(): Promise<void> {
    clearTimeout(this.#idle);
    const pool = this.#pool;
    this.#pool = undefined;
    this.#roster.clear();
    await pool?.destroy();
  }

  /** Restarts the idle clock: workers end after `idleTimeoutMs` without work. */
  #touch(): void {
    clearTimeout(this.#idle);
    const busy = this.#pings.size > 0 || this.#batches.size > 0 || this.#queue.length > 0;
    if (!Number.isFinite(this.#options.idleTimeoutMs) || busy || !this.#pool) return;
    this.#idle = setTimeout(() => void this.#stop(), this.#options.idleTimeoutMs);
    this.#idle.unref();
  }
}

function isTermination(e: unknown): boolean {
  return e instanceof Error && e.message === TERMINATED;
}

type PiscinaModule = typeof import('piscina');
let piscina: PiscinaModule | undefined;

function requirePiscina(): PiscinaModule {
  piscina ??= createRequire(import.meta.url)('piscina') as PiscinaModule;
  return piscina;
}

/** Piscina's queue-options key: a task's property under it is seen by the balancer, not posted. */
function queueOptionsSymbol(): symbol {
  return requirePiscina().queueOptionsSymbol;
}
