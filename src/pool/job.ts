import { ChartpressError, problem } from '../errors.js';
import type { Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';

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

/** `CP_ERR_CHART_TIMEOUT`: the chart ran over `ms`, and was stopped or failed once it returned. */
export function timedOut(job: RenderJob, ms: number, stopped: boolean): ChartpressError {
  const how = stopped
    ? 'was stopped'
    : 'was rendered in process, so it could only be failed once it returned';
  return new ChartpressError(
    problem('CP_ERR_CHART_TIMEOUT', `chart "${job.chart.id}" took longer than ${ms} ms and ${how}`),
  );
}

/** `CP_ERR_CHART_RENDER`: the chart failed for `reason`. */
export function failure(job: RenderJob, reason: string, cause?: unknown): ChartpressError {
  return new ChartpressError(problem('CP_ERR_CHART_RENDER', `chart "${job.chart.id}" failed: ${reason}`), {
    cause,
  });
}
