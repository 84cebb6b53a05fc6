import type { RenderPlace } from '../pool/pool.js';
import type { ChartType } from '../spec/schema.js';

/**
 * What happens to a chart on its way into a document, in order: `queued` when it missed the
 * cache and waits to be drawn, `started` when drawing begins (in process or on a worker),
 * `done` when it is ready, whatever its status (every chart of the report ends with one).
 */
export type ProgressEvent =
  | {
      readonly kind: 'queued';
      readonly id: string;
      readonly type: ChartType;
      readonly key: string;
    }
  | {
      readonly kind: 'started';
      readonly id: string;
      readonly type: ChartType;
      readonly key: string;
      readonly place: RenderPlace;
      /** The worker's thread id, for a chart drawn on a worker. */
      readonly threadId?: number | undefined;
    }
  | {
      readonly kind: 'done';
      readonly id: string;
      readonly type: ChartType;
      readonly key: string;
      readonly status: 'rendered' | 'cached' | 'failed';
      readonly ms: number;
      /** Charts done so far in this report, of how many it places. */
      readonly done: number;
      readonly total: number;
    };

export type ProgressListener = (event: ProgressEvent) => void;

/**
 * The one place progress is reported from: every event of every chart passes here, so that
 * other observers (telemetry) can be added in one spot. A listener that throws is ignored: it
 * must not fail a chart.
 */
export function emitProgress(listener: ProgressListener | undefined, event: ProgressEvent): void {
  if (!listener) return;
  try {
    listener(event);
  } catch {
    // Progress is advisory.
  }
}
