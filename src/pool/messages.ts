import type { Problem } from '../errors.js';
import type { Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';

/** One chart to draw, as it crosses to a worker. */
export interface RenderTask {
  /** Names the task in the worker's "started" message. */
  readonly seq: number;
  readonly chart: NormalizedChart;
  /** Numeric columns are `Float64Array`s whose buffers are transferred, not copied. */
  readonly frame: Frame;
  /** URL of a renderer module for this chart type; the built-in renderer when absent. */
  readonly renderer?: string | undefined;
}

/**
 * Charts drawn one after another by one worker, sent in one message. Each still says when it
 * begins (a "started" message of its own), so that each keeps its own timeout; a chart that
 * fails is answered as failed and the next one is drawn.
 */
export interface BatchTask {
  readonly batch: readonly RenderTask[];
}

/** Who answered a task, and its heap after it: every reply from a worker carries this. */
export interface WorkerState {
  readonly threadId: number;
  /** The worker's heap in use after the task, in bytes. */
  readonly heapUsed: number;
}

/** What a worker answers to a render: the SVG as UTF-8 bytes (transferred, not copied) or why it failed. */
export type RenderReply = WorkerState &
  (
    | { readonly kind: 'drawn'; readonly bytes: Uint8Array }
    | { readonly kind: 'failed'; readonly message: string; readonly problems?: readonly Problem[] }
  );

/** What a worker answers to a batch: one reply per chart, in the batch's order. */
export type BatchReply = WorkerState & { readonly kind: 'batch'; readonly replies: readonly RenderReply[] };

/** What a worker answers: `ready` to a `PING`, a render's reply, or a batch's. */
export type WorkerReply = (WorkerState & { readonly kind: 'ready' }) | RenderReply | BatchReply;

/** Posted by a worker as it begins a task: the task's timeout counts from here. */
export interface StartedMessage {
  readonly type: 'chartpress:started';
  readonly seq: number;
  readonly threadId: number;
}

/** A task that only proves the worker is up (ECharts imported); answered `ready`. */
export const PING = 'ping';

export function isBatchTask(t: RenderTask | BatchTask): t is BatchTask {
  return Array.isArray((t as BatchTask).batch);
}

export function isStartedMessage(m: unknown): m is StartedMessage {
  return typeof m === 'object' && m !== null && (m as StartedMessage).type === 'chartpress:started';
}
