import type { RenderReply, RenderTask } from './messages.js';

/** Batches a worker holds at most: the one it draws, and the next, handed over before it is done. */
export const BATCH_DEPTH = 2;
/** Charts in one batch at most. */
const MAX_CHARTS = 8;
/** Estimated render time (ms) of one batch at most: only small charts travel together. */
const MAX_BATCH_MS = 100;

/** How a render runs on a worker. */
export interface RunOptions {
  /** Whether the frame is handed over: its whole numeric buffers are then moved, not copied. */
  readonly owned: boolean;
  /** Milliseconds it may take once a worker begins it. */
  readonly timeoutMs: number;
  /** Its estimated render time in ms (see `estimateRenderMs`): how many travel together. */
  readonly estimateMs: number;
  /** Called as a worker begins it, with the worker's thread id. */
  readonly onStart?: ((threadId: number) => void) | undefined;
}

/** One chart on its way to a worker: waiting for one, or in a batch given to one. */
export class Pending {
  readonly task: Omit<RenderTask, 'seq'>;
  readonly how: RunOptions;
  /** Names it in its worker's "started" message: new at each posting, so a late word of a lost worker is not taken for this one. */
  seq = 0;
  /** The batch it travels in now. */
  batch: Batch | undefined;
  /** The thread that said it began it, in its current batch. */
  began: number | undefined;
  /** Sent in a batch of its own: its last batch was lost with its worker before any chart began. */
  alone = false;
  #settled = false;
  #told = false;
  readonly #resolve: (reply: RenderReply) => void;
  readonly #reject: (e: unknown) => void;

  constructor(
    task: Omit<RenderTask, 'seq'>,
    how: RunOptions,
    resolve: (reply: RenderReply) => void,
    reject: (e: unknown) => void,
  ) {
    this.task = task;
    this.how = how;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** Tells `onStart` that a worker began it: once, however often it is sent. */
  tell(threadId: number): void {
    if (this.#told) return;
    this.#told = true;
    this.how.onStart?.(threadId);
  }

  resolve(reply: RenderReply): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(reply);
  }

  reject(e: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(e);
  }
}

/** Charts sent to one worker in one message, drawn in order. */
export class Batch {
  readonly charts: readonly Pending[];
  /** Aborting it stops its worker (piscina terminates a worker whose task is aborted). */
  readonly controller = new AbortController();
  /**
   * Whether the frames of its charts are handed over (their buffers moved, see `packFrame`). Only
   * a batch of one chart going to an idle worker moves them: any other may have to be sent again
   * (its worker lost for a neighbour), so it sends copies and keeps the frames.
   */
  moves = false;
  /** The worker it was given to; undefined while piscina holds it for a worker. */
  threadId: number | undefined;
  /** The chart its worker began last: the one drawing now, if the batch is not done. */
  current: Pending | undefined;
  /** The running chart's timeout, or the wait for a worker to begin the batch. */
  timer: NodeJS.Timeout | undefined;
  /** Settles once the batch is answered or lost (and its charts settled or sent again). */
  done: Promise<void> = Promise.resolve();

  constructor(charts: readonly Pending[]) {
    this.charts = charts;
    for (const p of charts) {
      p.batch = this;
      p.began = undefined;
    }
  }

  /** Charts of the batch not yet answered. */
  get open(): Pending[] {
    return this.charts.filter((p) => !p.settled);
  }
}

/**
 * Takes the next batch from the head of the queue: small charts together, up to `MAX_CHARTS`
 * and `MAX_BATCH_MS` of estimated work, and never more than an even share of the queue among
 * the batches the workers can hold, so that every worker has work while the queue lasts.
 */
export function takeBatch(queue: Pending[], threads: number): Batch {
  const share = Math.ceil(queue.length / (threads * BATCH_DEPTH));
  const most = Math.min(MAX_CHARTS, Math.max(1, share));
  let n = 1;
  let ms = queue[0]?.how.estimateMs ?? 0;
  if (!queue[0]?.alone) {
    for (; n < most && n < queue.length; n++) {
      const next = queue[n];
      if (!next || next.alone || ms + next.how.estimateMs > MAX_BATCH_MS) break;
      ms += next.how.estimateMs;
    }
  }
  return new Batch(queue.splice(0, n));
}
