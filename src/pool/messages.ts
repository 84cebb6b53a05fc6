import type { Frame } from '../data/frame.js';
import type { Problem } from '../errors.js';
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

/** What a worker sends back: the SVG as UTF-8 bytes (transferred), or why it failed. */
export type RenderReply = (
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly message: string; readonly problems?: readonly Problem[] }
) & {
  readonly threadId: number;
  /** The worker's heap in use after the render, in bytes. */
  readonly heapUsed: number;
};

/** Posted by a worker as it begins a task: the task's timeout counts from here. */
export interface StartedMessage {
  readonly type: 'chartpress:started';
  readonly seq: number;
  readonly threadId: number;
}

/** A task that only proves the worker is up (ECharts imported). */
export const PING = 'ping';

export function isStartedMessage(m: unknown): m is StartedMessage {
  return typeof m === 'object' && m !== null && (m as StartedMessage).type === 'chartpress:started';
}
