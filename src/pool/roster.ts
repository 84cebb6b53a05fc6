import type { WorkerReply } from './messages.js';

/** What the balancer sees of a piscina worker. */
export interface Candidate {
  readonly id: number;
  readonly currentUsage: number;
  readonly terminating: boolean;
  readonly destroyed: boolean;
}

/** Why a worker is replaced by a fresh one: enough tasks done, or a heap grown too full. */
export type RetireReason = 'tasks' | 'memory';

/** One worker thread, as the pool keeps count of it. */
export interface WorkerRecord {
  /** Renders (and pings) given to it since it started. */
  given: number;
  /** Tasks given and not yet answered: a reply can trail the next dispatch. */
  inFlight: number;
  /** Set once it is to be replaced: it is given nothing more, and ends once it has answered. */
  retiring: RetireReason | undefined;
}

/**
 * One record per worker thread, by thread id: what each was given and whether it is being
 * replaced. `choose` only chooses; the counts change as a task is dispatched and answered.
 */
export class Roster {
  readonly #records = new Map<number, WorkerRecord>();
  readonly #recycleAfter: number;
  readonly #heavyBytes: number;

  /** A worker retires after `recycleAfter` tasks, or after a render leaving `heavyBytes` in use. */
  constructor(recycleAfter: number, heavyBytes: number) {
    this.#recycleAfter = recycleAfter;
    this.#heavyBytes = heavyBytes;
  }

  /** The record of a worker, if it was given anything. */
  get(id: number): Readonly<WorkerRecord> | undefined {
    return this.#records.get(id);
  }

  /** The first idle worker that is not being replaced, or null to let the task wait. */
  choose<W extends Candidate>(workers: readonly W[]): W | null {
    for (const w of workers) if (w.currentUsage === 0 && this.#open(w)) return w;
    return null;
  }

  /**
   * The busy worker with the fewest tasks by `load`, below `most`, that is not being replaced:
   * the one to hand its next task before it is done with this one. Null when none has room.
   */
  feed<W extends Candidate>(workers: readonly W[], load: (id: number) => number, most: number): W | null {
    let best: W | null = null;
    let least = most;
    for (const w of workers) {
      const n = load(w.id);
      if (n > 0 && n < least && this.#open(w)) [best, least] = [w, n];
    }
    return best;
  }

  /** A task of `renders` charts (a ping: 1) was posted to worker `id`. */
  dispatched(id: number, renders = 1): void {
    let record = this.#records.get(id);
    if (!record) {
      record = { given: 0, inFlight: 0, retiring: undefined };
      this.#records.set(id, record);
    }
    record.given += renders;
    record.inFlight++;
    if (record.given >= this.#recycleAfter) record.retiring ??= 'tasks';
  }

  /** A worker answered: why it should now end, if it is retiring and has nothing left to answer. */
  answered(reply: WorkerReply): RetireReason | undefined {
    const record = this.#records.get(reply.threadId);
    if (!record) return undefined;
    record.inFlight = Math.max(0, record.inFlight - 1);
    // Only a render's growth counts: a ping's heap is the renderer loading.
    if (reply.kind !== 'ready' && reply.heapUsed > this.#heavyBytes) record.retiring = 'memory';
    return record.inFlight === 0 ? record.retiring : undefined;
  }

  /** Whether a worker may be given work: alive and not being replaced. */
  #open(w: Candidate): boolean {
    return !w.terminating && !w.destroyed && !this.#records.get(w.id)?.retiring;
  }

  /** The worker is gone (ended, crashed or stopped). */
  forget(id: number): void {
    this.#records.delete(id);
  }

  clear(): void {
    this.#records.clear();
  }
}
