import type { Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import type { ChartType } from '../spec/schema.js';

/** Render time of a chart with a handful of points, in ms, measured on a 2-core machine. */
const BASE_MS: Readonly<Record<ChartType, number>> = {
  bar: 25,
  line: 25,
  area: 25,
  scatter: 20,
  gantt: 25,
  pie: 10,
  sparkline: 5,
  combo: 30,
  heatmap: 30,
  boxplot: 25,
  kpi: 10,
};

/** Added per row of the frame: ~1 ms per 40 points (line of 1,200 points: ~50 ms). */
const MS_PER_ROW = 0.025;

/**
 * A rough guess of how long a chart takes to render in a warm thread, from its type and rows.
 * It only has to tell a handful of charts from a batch worth starting workers for.
 */
export function estimateRenderMs(chart: NormalizedChart, frame: Frame): number {
  return BASE_MS[chart.type] + frame.length * MS_PER_ROW;
}
